package dev.dna.samediff.training;

import static com.google.common.base.Preconditions.checkState;

import dev.dna.api.io.AtomicFiles;
import dev.dna.samediff.SpikeEvent;
import dev.dna.samediff.StepReport;
import dev.dna.samediff.TrainingListener;
import dev.dna.samediff.ValidationReport;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The run's CSV log, one row a step: {@code step, lambda}, the loss terms, {@code seconds, val_psnr, val_ssim, grad_res,
 * grad_noise, val_psnr_raw, val_ssim_raw, lr, grad_norm, spike} (validation cells empty between validations; {@code lr}
 * the step's learning rate, {@code grad_norm} the global gradient norm before clipping, {@code spike} what the spike
 * guard did at the step, empty when nothing: {@code skip:SIGNAL}, {@code clip:SIGNAL} or {@code rollback:SIGNAL:STEP}). A fresh run replaces
 * the file; a resumed one keeps its rows up to the checkpoint's step (a log of an older version, with fewer columns, is
 * widened with those empty; one of other columns is refused).
 */
public final class CsvLog implements TrainingListener, AutoCloseable {
    private final BufferedWriter out;

    private CsvLog(BufferedWriter out) {
        this.out = out;
    }

    /** The header of a run whose loss terms are {@code terms}. */
    static String header(List<String> terms) {
        return "step,lambda," + String.join(",", terms) + ",seconds,val_psnr,val_ssim,grad_res,grad_noise,val_psnr_raw,"
                + "val_ssim_raw,lr,grad_norm,spike";
    }

    /**
     * The log in {@code file}, opened to append the steps after {@code startStep}: rows of later steps (written after the
     * checkpoint a run resumes from, or by an earlier run of a fresh start) are dropped first, so that every step has one
     * row.
     *
     * @param file the CSV to write or continue
     * @param terms the loss terms' columns
     * @param startStep the last step already done (0 for a fresh run)
     * @return the log
     * @throws IOException if the file cannot be read or written
     */
    public static CsvLog open(Path file, List<String> terms, long startStep) throws IOException {
        String header = header(terms);
        return new CsvLog(openToAppend(file, header, startStep, (f, old) -> widenLog(f, header)));
    }

    /** What a log's opening does with a file whose header is not the run's: widen it, or refuse. */
    @FunctionalInterface
    interface OtherHeader {
        /** Called with the file and its first line; throws to refuse it. */
        void handle(Path file, String oldHeader) throws IOException;
    }

    /**
     * A CSV log of {@code header}'s columns in {@code file}, opened to append the steps after {@code startStep}: its parent
     * folders made; a fresh start ({@code startStep} 0) replaces an earlier file with the header alone; otherwise a header
     * that differs goes to {@code otherHeader}, then the rows after {@code startStep} are dropped; a missing or empty file
     * gets the header.
     */
    static BufferedWriter openToAppend(Path file, String header, long startStep, OtherHeader otherHeader) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        if (startStep == 0 && Files.exists(file)) {
            // a fresh start drops every row of an earlier run, and its header with them (it may name other columns)
            AtomicFiles.write(file, o -> o.write((header + "\n").getBytes(StandardCharsets.UTF_8)));
        } else if (Files.exists(file) && Files.size(file) > 0) {
            String old;
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                old = in.readLine();
            }
            if (!header.equals(old)) {
                otherHeader.handle(file, old);
            }
        }
        truncateLog(file, startStep);
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        if (fresh) {
            w.write(header + "\n");
        }
        return w;
    }

    @Override
    public void onStep(StepReport r) {
        ValidationReport v = r.validation().orElse(null);
        SpikeEvent spike = r.spike().orElse(null);
        StringBuilder sb = new StringBuilder();
        sb.append(r.step()).append(',').append(fmt(r.lambda()));
        r.losses().values().forEach(x -> sb.append(',').append(fmt(x)));
        sb.append(',').append(String.format(Locale.ROOT, "%.4f", r.seconds()));
        sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.4f", v.psnr()));
        sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.5f", v.ssim()));
        sb.append(',').append(v == null ? "" : fmt(v.restorationGradNorm()));
        sb.append(',').append(v == null || Double.isNaN(v.noiseGradNorm()) ? "" : fmt(v.noiseGradNorm()));
        sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.4f", v.rawPsnr()));
        sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.5f", v.rawSsim()));
        sb.append(',').append(fmt(r.learningRate())).append(',').append(fmt(r.gradNorm()));
        sb.append(',').append(spike == null ? "" : switch (spike.action()) {
            case SKIP -> "skip:" + spike.signal();
            case CLIP -> "clip:" + spike.signal();
            case ROLLBACK -> "rollback:" + spike.signal() + ":" + spike.restoredStep();
        });
        try {
            out.write(sb.append('\n').toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.8g", x);
    }

    /**
     * Rewrites a log of an older version under {@code header}, atomically: its columns must be {@code header}'s in the same
     * order with some left out (e.g. {@code hinge}, logged since 2026-12-04), and those are left empty in its rows.
     *
     * @throws IllegalStateException naming both headers if the log has a column {@code header} lacks, its columns in
     *     another order, or a row (but a torn last one) whose cells do not match its header; the log is then left as it is
     */
    static void widenLog(Path csv, String header) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> oldCols = List.of(lines.get(0).split(",", -1));
        List<String> newCols = List.of(header.split(",", -1));
        int[] at = new int[newCols.size()]; // at[i]: the old column of new column i, -1 where it is new
        int next = 0;
        for (int i = 0; i < newCols.size(); i++) {
            at[i] = next < oldCols.size() && oldCols.get(next).equals(newCols.get(i)) ? next++ : -1;
        }
        checkState(next == oldCols.size(), "cannot append to %s: its columns are %s, this run writes %s (a log of another "
                + "plan; move it away to resume)", csv, lines.get(0), header);
        List<String> out = new java.util.ArrayList<>(List.of(header));
        for (int r = 1; r < lines.size(); r++) {
            String line = lines.get(r);
            String[] c = line.split(",", -1);
            if (r == lines.size() - 1 && c.length < oldCols.size()) {
                break; // the torn last row of an interrupted write (truncateLog drops it too)
            }
            checkState(c.length == oldCols.size(), "cannot append to %s: a row has %s cells under a header of %s: %s", csv,
                    c.length, oldCols.size(), line);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < at.length; i++) {
                sb.append(i == 0 ? "" : ",").append(at[i] < 0 ? "" : c[at[i]]);
            }
            out.add(sb.toString());
        }
        AtomicFiles.write(csv, o -> o.write((String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8)));
        List<String> added = newCols.stream().filter(col -> !oldCols.contains(col)).toList();
        System.err.println(csv + ": a log of an older version; added the columns " + added + ", empty in its "
                + (out.size() - 1) + " rows");
    }

    /**
     * Drops the rows of {@code csv} whose step (first cell) is after {@code lastKept}, and a torn last row (fewer cells than
     * the header: an interrupted write); the file is rewritten atomically.
     *
     * @throws IllegalStateException naming the file and the row if a row has another number of cells than the header
     *     (more, or fewer before the last row) or no step in its first cell: a damaged log, whose rows are not dropped
     *     unseen; the log is then left as it is
     */
    static void truncateLog(Path csv, long lastKept) throws IOException {
        if (!Files.exists(csv) || Files.size(csv) == 0) {
            return;
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> kept = new java.util.ArrayList<>(lines.subList(0, 1));
        int cells = lines.get(0).split(",", -1).length;
        for (int r = 1; r < lines.size(); r++) {
            String line = lines.get(r);
            String[] c = line.split(",", -1);
            long step = c.length == cells ? parseStep(c[0]) : -1;
            if (r == lines.size() - 1 && c.length < cells) {
                break; // the torn last row of an interrupted write
            }
            checkState(c.length == cells, "cannot resume the log %s: its row %s has %s cells under a header of %s: %s (a "
                    + "damaged log; repair it or move it away to resume)", csv, r, c.length, cells, line);
            checkState(step >= 0, "cannot resume the log %s: its row %s has no step in its first cell: %s (a damaged log; "
                    + "repair it or move it away to resume)", csv, r, line);
            if (step <= lastKept) {
                kept.add(line);
            }
        }
        if (kept.size() < lines.size()) {
            AtomicFiles.write(csv, out -> out.write((String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** The step of a log row's first cell, or -1 if it is not a non-negative whole number. */
    private static long parseStep(String cell) {
        try {
            long step = Long.parseLong(cell);
            return step >= 0 ? step : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
