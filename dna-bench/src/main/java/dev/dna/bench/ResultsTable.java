package dev.dna.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown table of a benchmark's results.md, and its mean ± sd cells. */
final class ResultsTable {
    private ResultsTable() {}

    /**
     * results.md's table: per variant its final test PSNR (mean ± sd over seeds) and the paired difference to vanilla (seed by
     * seed), the same two for the checkpoint each run kept on validation (its step), SSIM, the exported model's test PSNR in
     * ONNX Runtime, the synthetic PSNR and seconds; then how much of the oracle's gap over vanilla each variant recovers, at
     * the end and at the best validated checkpoints.
     *
     * @param perVariant per variant, per seed {psnr, ssim, synPsnr, seconds, seed, bestStep, bestPsnr, onnxPsnr,
     *     meanShiftPsnr}; bestStep and bestPsnr NaN where the run kept no checkpoint
     */
    static String table(Map<String, List<double[]>> perVariant, List<Long> seeds, double noisyPsnr, double noisySsim,
            double noisySynPsnr, double[] start) {
        StringBuilder md = new StringBuilder("| variant | real PSNR (dB)" + (seeds.size() > 1 ? ", mean ± sd over seeds " + seeds : "")
                + " | vs vanilla (dB, paired by seed) | at the best validation step: real PSNR (dB) (steps) | vs vanilla (dB, paired) "
                + "| real SSIM | ONNX Runtime: real PSNR (dB) | synthetic PSNR (dB) | seconds |\n|---|---|---|---|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| noisy input | %.2f | - | - | - | %.4f | - | %.2f | - |%n", noisyPsnr, noisySsim,
                noisySynPsnr));
        if (start != null) {
            md.append(String.format(Locale.ROOT, "| pretrained (the start, no step) | %.2f | - | - | - | %.4f | - | %.2f | 0 |%n",
                    start[0], start[1], start[2]));
        }
        List<double[]> vanilla = perVariant.get("vanilla");
        perVariant.forEach((v, runs) -> {
            StringBuilder steps = new StringBuilder();
            for (double[] x : runs) {
                steps.append(steps.length() == 0 ? "" : ", ").append(Double.isNaN(x[5]) ? "-" : Long.toString((long) x[5]));
            }
            md.append(String.format(Locale.ROOT, "| %s | %s%s | %s | %s (%s) | %s | %s | %s | %s | %.0f |%n", v, stat(runs, 0, 2),
                    runs.size() < seeds.size() ? " (" + runs.size() + " of " + seeds.size() + " seeds)" : "",
                    paired(v, runs, vanilla, 0, seeds.size()), stat(runs, 6, 2), steps, paired(v, runs, vanilla, 6, seeds.size()),
                    stat(runs, 1, 4), stat(runs, 7, 2), stat(runs, 2, 2), runs.stream().mapToDouble(x -> x[3]).average().orElse(0)));
        });
        List<double[]> oracle = perVariant.get("oracle");
        if (vanilla != null && oracle != null) {
            md.append(recovered(perVariant, vanilla, oracle, 0, "at the end"));
            if (vanilla.stream().noneMatch(x -> Double.isNaN(x[6])) && oracle.stream().noneMatch(x -> Double.isNaN(x[6]))) {
                md.append(recovered(perVariant, vanilla, oracle, 6, "at the best validation steps"));
            }
        }
        return md.toString();
    }

    /**
     * A diagnostic line, not a score (it uses the ground truth): each test PSNR at the end and after moving every restored
     * image's per-channel mean to its ground truth's ({@code Metrics.psnrAfterMeanShift}), so that a reader sees how much of
     * each one's error is a global brightness or colour offset (SIDD's ground truth is a few grey levels brighter than its
     * noisy frames). Runs without the figure (column 8 NaN) are left out.
     *
     * @param start the pretrained restorer's {real PSNR, real SSIM, synthetic PSNR, mean-shifted PSNR}, or null
     */
    static String meanShift(Map<String, List<double[]>> perVariant, double noisyPsnr, double noisyShifted, double[] start) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%nDiagnostic: test PSNR (dB, means) as scored -> after "
                + "a per-image, per-channel mean shift to the ground truth (the share of the error that is a global brightness or "
                + "colour offset): noisy input %.2f -> %.2f", noisyPsnr, noisyShifted));
        if (start != null) {
            line.append(String.format(Locale.ROOT, "; pretrained %.2f -> %.2f", start[0], start[3]));
        }
        perVariant.forEach((v, runs) -> {
            List<double[]> with = runs.stream().filter(x -> !Double.isNaN(x[8])).toList();
            if (!with.isEmpty()) {
                double scored = with.stream().mapToDouble(x -> x[0]).average().orElse(Double.NaN);
                double shifted = with.stream().mapToDouble(x -> x[8]).average().orElse(Double.NaN);
                line.append(String.format(Locale.ROOT, "; %s %.2f -> %.2f", v, scored, shifted));
            }
        });
        return line.append('.').append(System.lineSeparator()).toString();
    }

    /** Variant minus vanilla in column {@code k}, seed by seed: "+mean ± sd", or "-" for vanilla itself or no pair. */
    private static String paired(String v, List<double[]> runs, List<double[]> vanilla, int k, int seeds) {
        if (vanilla == null || v.equals("vanilla")) {
            return "-";
        }
        List<double[]> d = new ArrayList<>();
        for (double[] x : runs) {
            double[] y = bySeed(vanilla, x[4], k);
            if (y != null && !Double.isNaN(x[k])) {
                d.add(new double[] {x[k] - y[k]});
            }
        }
        return d.isEmpty() ? "-" : (d.stream().mapToDouble(x -> x[0]).average().orElse(0) >= 0 ? "+" : "") + stat(d, 0, 2)
                + (d.size() < seeds ? " (" + d.size() + " seeds)" : "");
    }

    /**
     * One line: the oracle's gap over vanilla in column {@code k} (means over their seeds) and the share of it each other
     * variant recovers, on the seeds it shares with both (named when they are fewer than the gap's).
     */
    private static String recovered(Map<String, List<double[]>> perVariant, List<double[]> vanilla, List<double[]> oracle, int k,
            String when) {
        double v0 = vanilla.stream().mapToDouble(x -> x[k]).average().orElse(Double.NaN);
        double gap = oracle.stream().mapToDouble(x -> x[k]).average().orElse(Double.NaN) - v0;
        StringBuilder shares = new StringBuilder();
        perVariant.forEach((v, runs) -> {
            if (!v.equals("vanilla") && !v.equals("oracle")) {
                List<Long> common = new ArrayList<>();
                double[] sums = new double[3]; // the variant, vanilla, the oracle over the common seeds
                for (double[] x : runs) {
                    double[] van = bySeed(vanilla, x[4], k);
                    double[] ora = bySeed(oracle, x[4], k);
                    if (!Double.isNaN(x[k]) && van != null && ora != null) {
                        common.add((long) x[4]);
                        sums[0] += x[k];
                        sums[1] += van[k];
                        sums[2] += ora[k];
                    }
                }
                if (common.isEmpty()) {
                    shares.append("; ").append(v).append(" -"); // no run with the figure (no kept checkpoint)
                } else {
                    shares.append(String.format(Locale.ROOT, "; %s %.0f%%", v, 100 * (sums[0] - sums[1]) / (sums[2] - sums[1])));
                    if (common.size() < Math.min(vanilla.size(), oracle.size())) {
                        shares.append(common.size() == 1 ? " (seed " + common.get(0) + ")" : " (seeds " + common + ")");
                    }
                }
            }
        });
        return gap > 0
                ? String.format(Locale.ROOT, "%nThe oracle's gap over vanilla %s: %.2f dB (means)%s.%n", when, gap,
                        shares.length() == 0 ? "" : "; recovered" + shares.substring(1))
                : String.format(Locale.ROOT, "%nThe oracle's gap over vanilla %s: %.2f dB (means): the oracle is not above vanilla, "
                        + "so there is no gap to recover (too few steps?).%n", when, gap);
    }

    /** The run of {@code seed} in {@code runs} whose column {@code k} is a number, or null. */
    private static double[] bySeed(List<double[]> runs, double seed, int k) {
        return runs.stream().filter(y -> y[4] == seed && !Double.isNaN(y[k])).findFirst().orElse(null);
    }

    /** "mean" for one value, "mean ± sd" for several, over the runs that have column {@code k} (not NaN); "-" for none. */
    static String stat(List<double[]> all, int k, int decimals) {
        List<double[]> runs = all.stream().filter(x -> !Double.isNaN(x[k])).toList();
        if (runs.isEmpty()) {
            return "-";
        }
        double m = runs.stream().mapToDouble(x -> x[k]).average().orElse(Double.NaN);
        if (runs.size() == 1) {
            return String.format(Locale.ROOT, "%." + decimals + "f", m);
        }
        double var = runs.stream().mapToDouble(x -> (x[k] - m) * (x[k] - m)).sum() / (runs.size() - 1);
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", m, Math.sqrt(var));
    }
}
