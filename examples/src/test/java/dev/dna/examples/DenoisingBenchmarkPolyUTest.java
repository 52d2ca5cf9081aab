package dev.dna.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The main example on real camera noise (PolyU crops read from the shared folder, never committed). */
class DenoisingBenchmarkPolyUTest {
    static final Path POLYU = Path.of("..", "..", "shared", "data", "polyu-canon");

    @TempDir
    Path tmp;

    private static int run(String... args) {
        return new CommandLine(new DenoisingBenchmark()).execute(args);
    }

    @Test
    void trainsOnTheTrainScenesAndTestsOnTheWholeTestCrops() throws IOException {
        assumeTrue(Files.isDirectory(POLYU), "no " + POLYU);
        Path out = tmp.resolve("run");
        assertEquals(0, run("--polyu", POLYU.toString(), "--steps", "2", "--validate-every", "2", "--variants", "vanilla,oracle",
                "--checkpoint-every", "0", "--no-progress", "--out", out.toString()));
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(3, rows.size(), rows.toString());
        assertTrue(rows.get(1).startsWith("vanilla,0,2,") && rows.get(2).startsWith("oracle,0,2,"), rows.toString());
        // the 16 whole 512x512 test crops of the 4 test scenes: their noisy input PSNR against the means
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| noisy input | 35.84 |"), md);
        assertTrue(Files.exists(out.resolve("vanilla/restorer.onnx")));
    }

    @Test
    void aMissingFolderOrAnotherTaskIsRefused() {
        assertNotEquals(0, run("--polyu", tmp.resolve("none").toString(), "--steps", "1", "--out", tmp.resolve("a").toString()));
        assertNotEquals(0, run("--polyu", POLYU.toString(), "--task", "derain", "--steps", "1", "--out", tmp.resolve("b").toString()));
    }
}
