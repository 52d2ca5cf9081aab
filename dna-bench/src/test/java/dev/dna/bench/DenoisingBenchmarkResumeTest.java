package dev.dna.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.degrade.Degradation;
import dev.dna.api.image.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The main example's checkpoints: an interrupted run, resumed, ends where the uninterrupted one does. */
class DenoisingBenchmarkResumeTest {
    private static final String[] BASE = {"--simulated", "--init", "none", "--steps", "4", "--validate-every", "2", "--checkpoint-every", "2", "--crop", "64",
            "--no-progress"};

    @TempDir
    Path tmp;

    @Test
    void aResumedRunEndsExactlyWhereTheUninterruptedOneDoes() throws IOException {
        Path whole = tmp.resolve("whole");
        Path parts = tmp.resolve("parts");
        assertEquals(0, run(whole));
        assertEquals(0, run(parts, "--stop-after", "2"));
        assertEquals(2, RunLog.read(parts.resolve("vanilla/log.csv")).lastStep());
        assertEquals(0, run(parts, "--resume"));

        // results.csv: variant,seed,steps,real_psnr,real_ssim,synthetic_psnr,seconds,...; all but the seconds agree
        assertEquals(withoutSeconds(whole), withoutSeconds(parts));
        RunLog a = RunLog.read(whole.resolve("vanilla/log.csv"));
        RunLog b = RunLog.read(parts.resolve("vanilla/log.csv"));
        assertEquals(4, b.lastStep());
        assertArrayEquals(column(a, "loss"), column(b, "loss"));
        assertTrue(Files.exists(parts.resolve("vanilla/restorer.onnx")));
        // the simulated domain keeps each run's best checkpoint, chosen on the validation photograph (steps 2 and 4 validated)
        assertTrue(Files.exists(whole.resolve("vanilla/restorer-best.dna")));
        for (String row : Files.readAllLines(whole.resolve("results.csv")).subList(1, 2)) {
            String bestStep = row.split(",", -1)[7];
            assertTrue(bestStep.equals("2") || bestStep.equals("4"), row);
        }

        // resuming a finished run loads it and reports the same numbers again
        assertEquals(0, run(parts, "--resume"));
        assertEquals(withoutSeconds(whole), withoutSeconds(parts));
    }

    @Test
    void resumingWithOtherOptionsFailsAndKeepsTheCheckpoint() throws IOException {
        Path dir = tmp.resolve("run");
        assertEquals(0, run(dir, "--stop-after", "2"));
        byte[] checkpoint = Files.readAllBytes(dir.resolve("vanilla/checkpoint.dna"));
        assertNotEquals(0, run(dir, "--resume", "--lr", "1e-3"));
        assertArrayEquals(checkpoint, Files.readAllBytes(dir.resolve("vanilla/checkpoint.dna")));
        assertNotEquals(0, run(tmp.resolve("no-such-run"), "--resume"));
    }

    @Test
    void aReportTabulatesTheFinishedRunsListsTheOthersAndTrainsNothing() throws IOException {
        Path dir = tmp.resolve("run");
        assertEquals(0, runVariants(dir, "vanilla"));                        // finished: 4 of 4 steps
        List<String> vanilla = withoutSeconds(dir);
        assertEquals(0, runVariants(dir, "oracle", "--stop-after", "2"));    // stopped at step 2 of 4
        byte[] checkpoint = Files.readAllBytes(dir.resolve("oracle/checkpoint.dna"));
        byte[] log = Files.readAllBytes(dir.resolve("oracle/log.csv"));

        assertEquals(0, runVariants(dir, "vanilla,oracle", "--report"));
        assertEquals(vanilla, withoutSeconds(dir)); // the finished run's row, evaluated again; the unfinished one has none
        String md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains("| vanilla |"), md);
        assertFalse(md.contains("| oracle |"), md);
        assertTrue(md.contains("Not finished, left out of the table: oracle seed 0 (step 2 of 4, last validation "), md);
        assertArrayEquals(checkpoint, Files.readAllBytes(dir.resolve("oracle/checkpoint.dna")));
        assertArrayEquals(log, Files.readAllBytes(dir.resolve("oracle/log.csv")));
        assertTrue(Files.exists(dir.resolve("real_psnr.png")));

        // a log without a checkpoint: the report says that --resume would start the run over
        Files.delete(dir.resolve("oracle/checkpoint.dna"));
        assertEquals(0, runVariants(dir, "oracle", "--report"));
        md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains("oracle seed 0 (step 2 of 4, last validation "), md);
        assertTrue(md.contains(", no checkpoint yet: --resume starts it over)"), md);

        assertNotEquals(0, runVariants(dir, "vanilla", "--report", "--resume"));
        assertNotEquals(0, runVariants(tmp.resolve("no-such-run"), "vanilla", "--report"));
    }

    @Test
    void aRunThatDivergesIsRecordedAndTheOthersStillRun() throws IOException {
        Path dir = tmp.resolve("run");
        DenoisingBenchmark poisoned = new DenoisingBenchmark();
        poisoned.syntheticOverride = new Degradation() { // synthetic pairs of NaN: vanilla diverges at its first step
            @Override
            public Image apply(Image clean, UniformRandomProvider rng) {
                return Image.filled(clean.channels(), clean.height(), clean.width(), Float.NaN);
            }

            @Override
            public String describe() {
                return "nan";
            }
        };
        assertEquals(0, new CommandLine(poisoned).execute(args(dir, "vanilla,oracle")));
        List<String> rows = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals(2, rows.size(), rows.toString());
        assertTrue(rows.get(1).startsWith("oracle,0,4,"), rows.toString()); // the oracle trains on real pairs: unaffected
        String diverged = "Diverged (a loss term or a gradient became NaN or infinite), left out of the table: "
                + "vanilla seed 0 (at step 1 of 4).";
        String md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains(diverged) && md.contains("| oracle |") && !md.contains("| vanilla |"), md);
        assertTrue(Files.readString(dir.resolve("vanilla/" + RunFolder.DIVERGED)).contains("loss term 'loss' is NaN"));

        assertEquals(0, runVariants(dir, "vanilla,oracle", "--report"));
        assertTrue(Files.readString(dir.resolve("results.md")).contains(diverged));

        // resumed with sound synthetic pairs, the run starts over (it diverged before its first checkpoint) and finishes
        assertEquals(0, runVariants(dir, "vanilla,oracle", "--resume"));
        md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains("| vanilla |") && !md.contains("Diverged"), md);
        assertFalse(Files.exists(dir.resolve("vanilla/" + RunFolder.DIVERGED)));
    }

    private static int run(Path out, String... more) {
        return runVariants(out, "vanilla", more);
    }

    private static int runVariants(Path out, String variants, String... more) {
        return new CommandLine(new DenoisingBenchmark()).execute(args(out, variants, more));
    }

    private static String[] args(Path out, String variants, String... more) {
        return Stream.of(Stream.of(BASE), Stream.of("--variants", variants, "--out", out.toString()), Stream.of(more))
                .flatMap(x -> x).toArray(String[]::new);
    }

    private static List<String> withoutSeconds(Path run) throws IOException {
        int seconds = List.of(Files.readAllLines(run.resolve("results.csv")).get(0).split(",")).indexOf("seconds");
        return Files.readAllLines(run.resolve("results.csv")).stream().map(l -> {
            List<String> cells = new java.util.ArrayList<>(List.of(l.split(",", -1)));
            cells.remove(seconds);
            return String.join(",", cells);
        }).toList();
    }

    private static double[] column(RunLog log, String name) {
        return log.curve(name).stream().mapToDouble(p -> p[1]).toArray();
    }
}
