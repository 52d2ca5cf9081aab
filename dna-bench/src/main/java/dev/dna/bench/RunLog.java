package dev.dna.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's {@code log.csv} as the trainer writes it ({@code step,lambda,<loss terms>,seconds,val_psnr,val_ssim,
 * grad_res,grad_noise}), read back for the benchmark's charts, so that the curves of a resumed run cover all of it.
 * The trainer drops a log's rows after the checkpoint it resumes from; a log written before it did may hold a step twice,
 * and then the later row wins.
 */
public final class RunLog {
    private final List<String> columns;
    private final TreeMap<Long, String[]> rows;

    private RunLog(List<String> columns, TreeMap<Long, String[]> rows) {
        this.columns = columns;
        this.rows = rows;
    }

    /**
     * Reads {@code csv}; an absent or empty file is an empty log.
     *
     * @param csv a run's {@code log.csv}
     * @return the log
     * @throws IOException naming the file and line when it is not a training log or a row is truncated
     */
    public static RunLog read(Path csv) throws IOException {
        TreeMap<Long, String[]> rows = new TreeMap<>();
        if (!Files.exists(csv) || Files.size(csv) == 0) {
            return new RunLog(List.of(), rows);
        }
        List<String> lines = Files.readAllLines(csv);
        List<String> columns = List.of(lines.get(0).split(",", -1));
        if (columns.size() < 3 || !columns.get(0).equals("step") || !columns.contains("seconds")) {
            throw new IOException(csv + " is not a training log: its header is '" + lines.get(0) + "'");
        }
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != columns.size()) {
                throw new IOException(csv + ", line " + (i + 1) + ": " + cells.length + " cells, the header has "
                        + columns.size() + " (a truncated write?)");
            }
            rows.put(Long.parseLong(cells[0]), cells);
        }
        return new RunLog(columns, rows);
    }

    /** {@return the last step logged, 0 for an empty log} */
    public long lastStep() {
        return rows.isEmpty() ? 0 : rows.lastKey();
    }

    /**
     * Points {step, value} of {@code column} over the steps where it has a value (validation columns: validation steps).
     *
     * @param column a column of the log, e.g. {@code val_psnr}
     * @return the points, in step order
     */
    public List<double[]> curve(String column) {
        int k = columns.indexOf(column);
        List<double[]> pts = new ArrayList<>();
        if (k < 0) {
            return pts;
        }
        rows.forEach((step, cells) -> {
            if (!cells[k].isEmpty()) {
                pts.add(new double[] {step, Double.parseDouble(cells[k])});
            }
        });
        return pts;
    }

    /**
     * The step of {@code column}'s first maximum (the step {@code SameDiffTrainer.keepBest} keeps, up to the log's 4
     * decimals), NaN when the column has no value.
     */
    double bestStep(String column) {
        double step = Double.NaN;
        double best = Double.NEGATIVE_INFINITY;
        for (double[] p : curve(column)) {
            if (p[1] > best) {
                best = p[1];
                step = p[0];
            }
        }
        return step;
    }

    /** The curve of each loss term (the columns between {@code lambda} and {@code seconds}, without the total {@code loss}). */
    Map<String, List<double[]>> lossTerms() {
        Map<String, List<double[]>> terms = new LinkedHashMap<>();
        for (String c : columns.subList(columns.indexOf("lambda") + 1, columns.indexOf("seconds"))) {
            if (!c.equals("loss")) {
                terms.put(c, curve(c));
            }
        }
        return terms;
    }
}
