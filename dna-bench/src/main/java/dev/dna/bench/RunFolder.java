package dev.dna.bench;

import dev.dna.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One training run's folder in a benchmark's run folder ({@code out/VARIANT} or {@code out/VARIANT-seedN}): what it
 * holds and the small records that let {@code --resume} and {@code --report} pick a run up where it stopped.
 *
 * @param dir the run's folder
 */
record RunFolder(Path dir) {
    /** Written when the run diverged (first line: which run, where), removed when it is tried again. */
    static final String DIVERGED = "diverged.txt";

    /** With validation scenes: the restorer of the best validation so far ({@link dev.dna.samediff.SameDiffTrainer#keepBest}). */
    static final String BEST = "restorer-best.dna";

    /** ", last validation 22.41 dB at step 3500", or "" when the log has none. */
    static String lastValidation(RunLog log) {
        List<double[]> val = log.curve("val_psnr");
        if (val.isEmpty()) {
            return "";
        }
        double[] last = val.get(val.size() - 1);
        return String.format(Locale.ROOT, ", last validation %.2f dB at step %d", last[1], (long) last[0]);
    }

    /** Records a run's training seconds so far, next to its checkpoint (atomically replaced). */
    static void writeElapsed(Path file, double seconds) throws IOException {
        AtomicFiles.write(file, o -> o.write(Double.toString(seconds).getBytes(StandardCharsets.UTF_8)));
    }

    /** Training seconds an earlier invocation recorded for a run (0, with a note, if it recorded none). */
    static double elapsedBefore(Path file) throws IOException {
        if (!Files.exists(file)) {
            System.out.println("note: " + file + " is missing; the run's seconds count only from this resume");
            return 0;
        }
        return Double.parseDouble(Files.readString(file).trim());
    }

    /** The folder of variant {@code v} at {@code seed} under {@code out}: per variant alone with one seed. */
    static RunFolder of(Path out, String v, long seed, boolean severalSeeds) {
        return new RunFolder(severalSeeds ? out.resolve(v + "-seed" + seed) : out.resolve(v));
    }

    Path checkpoint() {
        return dir.resolve("checkpoint.dna");
    }

    Path elapsedFile() {
        return dir.resolve("elapsed-seconds.txt");
    }

    Path log() {
        return dir.resolve("log.csv");
    }

    Path parameterLog() {
        return dir.resolve("parameters.csv");
    }

    Path plan() {
        return dir.resolve("plan.json");
    }

    Path restorer() {
        return dir.resolve("restorer.dna");
    }

    Path best() {
        return dir.resolve(BEST);
    }

    Path onnx() {
        return dir.resolve("restorer.onnx");
    }

    Path diverged() {
        return dir.resolve(DIVERGED);
    }

    /** The first line of {@link #DIVERGED}: which run diverged, and where. */
    String divergedWhere() throws IOException {
        List<String> lines = Files.readAllLines(diverged());
        return lines.isEmpty() ? dir.toString() : lines.get(0);
    }
}
