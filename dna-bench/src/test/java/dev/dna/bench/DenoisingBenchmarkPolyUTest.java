package dev.dna.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dna.api.data.PolyU;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The main example on real camera noise (PolyU crops read from the shared folder, never committed). */
class DenoisingBenchmarkPolyUTest {
    /** The shared PolyU folder as the main example finds it (null: the tests that need it skip; CI and developers have it). */
    static final Path POLYU = PolyU.find().orElse(null);

    @TempDir
    Path tmp;

    private static int run(String... args) {
        String[] all = new String[args.length + 2]; // from scratch: these tests are about PolyU's data, not the start
        all[0] = "--init";
        all[1] = "none";
        System.arraycopy(args, 0, all, 2, args.length);
        return new CommandLine(new DenoisingBenchmark()).execute(all);
    }

    @Test
    void trainsOnTheTrainScenesChoosesOnTheValidationScenesAndTestsOnTheWholeTestCropsInSameDiffAndOnnxRuntime()
            throws IOException {
        assumeTrue(POLYU != null && Files.isDirectory(POLYU), "no PolyU folder");
        Path out = tmp.resolve("run");
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        int rc;
        try {
            rc = run("--polyu", POLYU.toString(), "--steps", "2", "--validate-every", "1", "--variants", "vanilla,oracle",
                    "--checkpoint-every", "0", "--no-progress", "--out", out.toString());
        } finally {
            System.setOut(stdout);
        }
        String log = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, rc, log);
        // the split, printed: 30 train crops, 9 validation crops of 3 scenes, 16 test crops of 4 scenes
        assertTrue(log.contains("split by scene: 30 train crops of [") && log.contains("9 validation crops of [Canon5D2_plug, "
                + "Canon600D_waterhouse, Canon80D_printer], 16 test crops of [") && log.contains("(validated on their central 256x256)"),
                log);
        for (String scene : PolyU.TEST_SCENES) {
            assertTrue(log.substring(log.indexOf("16 test crops of [")).split("\n")[0].contains(scene), log);
        }
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(3, rows.size(), rows.toString());
        assertEquals("variant,seed,steps,real_psnr,real_ssim,synthetic_psnr,seconds,best_val_step,best_real_psnr,onnx_real_psnr,"
                + "real_psnr_mean_shift", rows.get(0));
        assertTrue(rows.get(1).startsWith("vanilla,0,2,") && rows.get(2).startsWith("oracle,0,2,"), rows.toString());
        for (String row : rows.subList(1, 3)) {
            String[] c = row.split(",", -1);
            double psnr = Double.parseDouble(c[3]);
            // the exported model on the whole test crops in ONNX Runtime gives SameDiff's numbers
            assertEquals(psnr, Double.parseDouble(c[9]), 0.01, row);
            // the best constant offset per channel can only lower the error (up to the clipping to [0, 1])
            assertTrue(Double.parseDouble(c[10]) >= psnr - 0.01, row);
            // the checkpoint kept on the validation scenes is one of the two validated steps, evaluated on the test crops
            assertTrue(c[7].equals("1") || c[7].equals("2"), row);
            if (c[7].equals("2")) {
                assertEquals(psnr, Double.parseDouble(c[8]), 1e-3, "the best is the final restorer: " + row);
            } else {
                assertNotEquals(psnr, Double.parseDouble(c[8]), row);
            }
        }
        assertTrue(Files.exists(out.resolve("vanilla").resolve(RunFolder.BEST)));
        // the 16 whole 512x512 test crops of the 4 test scenes: their noisy input PSNR against the means
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| noisy input | 35.84 |"), md);
        // the mean-shift diagnostic of the noisy input, as tools/nlm_reference.py computes it with NumPy: 36.38
        assertTrue(md.contains("mean shift to the ground truth") && md.contains("noisy input 35.84 -> 36.38"), md);
        assertTrue(md.contains("at the best validation step") && md.contains("The oracle's gap over vanilla at the end: "), md);
        assertTrue(Files.exists(out.resolve("vanilla/restorer.onnx")));
    }

    @Test
    void aMissingFolderOrAnotherTaskIsRefused() {
        assumeTrue(POLYU != null, "no PolyU folder");
        assertNotEquals(0, run("--polyu", tmp.resolve("none").toString(), "--steps", "1", "--out", tmp.resolve("a").toString()));
        assertNotEquals(0, run("--polyu", POLYU.toString(), "--task", "derain", "--steps", "1", "--out", tmp.resolve("b").toString()));
        assertNotEquals(0, run("--polyu", POLYU.toString(), "--simulated", "--steps", "1", "--out", tmp.resolve("c").toString()));
        assertNotEquals(0, run("--simulated", "--awgn", "50-10", "--steps", "1", "--out", tmp.resolve("d").toString()));
        assertNotEquals(0, run("--simulated", "--awgn", "ten", "--steps", "1", "--out", tmp.resolve("e").toString()));
    }
}
