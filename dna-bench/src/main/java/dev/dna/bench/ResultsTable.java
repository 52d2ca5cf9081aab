package dev.dna.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown table of a benchmark's results.md, and its mean ± sd cells. */
final class ResultsTable {
    private ResultsTable() {}

    /**
     * results.md's table: per variant its test PSNR (mean ± sd over seeds), the paired difference to vanilla (seed by seed),
     * SSIM, the test PSNR of the checkpoint chosen on validation (with {@code keepBest}), the exported model's test PSNR in ONNX
     * Runtime, the synthetic PSNR and seconds; then how much of the oracle's gap over vanilla each variant recovers.
     *
     * @param perVariant per variant, per seed {psnr, ssim, synPsnr, seconds, seed, bestStep, bestPsnr, onnxPsnr}
     */
    static String table(Map<String, List<double[]>> perVariant, List<Long> seeds, boolean keepBest, double noisyPsnr,
            double noisySsim, double noisySynPsnr, double[] start) {
        StringBuilder md = new StringBuilder("| variant | real PSNR (dB)" + (seeds.size() > 1 ? ", mean ± sd over seeds " + seeds : "")
                + " | vs vanilla (dB, paired by seed) | real SSIM"
                + (keepBest ? " | at the best validation step: real PSNR (dB) (steps)" : "")
                + " | ONNX Runtime: real PSNR (dB) | synthetic PSNR (dB) | seconds |\n|---|---|---|---|"
                + (keepBest ? "---|" : "") + "---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| noisy input | %.2f | - | %.4f%s | - | %.2f | - |%n", noisyPsnr, noisySsim,
                keepBest ? " | -" : "", noisySynPsnr));
        if (start != null) {
            md.append(String.format(Locale.ROOT, "| pretrained (the start, no step) | %.2f | - | %.4f%s | - | %.2f | 0 |%n", start[0],
                    start[1], keepBest ? " | -" : "", start[2]));
        }
        List<double[]> vanilla = perVariant.get("vanilla");
        perVariant.forEach((v, runs) -> {
            String paired = "-";
            if (vanilla != null && !v.equals("vanilla")) {
                List<double[]> d = new ArrayList<>();
                for (double[] x : runs) {
                    for (double[] y : vanilla) {
                        if (x[4] == y[4]) {
                            d.add(new double[] {x[0] - y[0]});
                        }
                    }
                }
                paired = d.isEmpty() ? "-" : (d.stream().mapToDouble(x -> x[0]).average().orElse(0) >= 0 ? "+" : "")
                        + stat(d, 0, 2) + (d.size() < seeds.size() ? " (" + d.size() + " seeds)" : "");
            }
            StringBuilder steps = new StringBuilder();
            for (double[] x : runs) {
                steps.append(steps.length() == 0 ? "" : ", ").append(Double.isNaN(x[5]) ? "-" : Long.toString((long) x[5]));
            }
            md.append(String.format(Locale.ROOT, "| %s | %s%s | %s | %s%s | %s | %s | %.0f |%n", v, stat(runs, 0, 2),
                    runs.size() < seeds.size() ? " (" + runs.size() + " of " + seeds.size() + " seeds)" : "", paired,
                    stat(runs, 1, 4), keepBest ? " | " + stat(runs, 6, 2) + " (" + steps + ")" : "", stat(runs, 7, 2),
                    stat(runs, 2, 2), runs.stream().mapToDouble(x -> x[3]).average().orElse(0)));
        });
        List<double[]> oracle = perVariant.get("oracle");
        if (vanilla != null && oracle != null) {
            double v0 = vanilla.stream().mapToDouble(x -> x[0]).average().orElse(Double.NaN);
            double gap = oracle.stream().mapToDouble(x -> x[0]).average().orElse(Double.NaN) - v0;
            StringBuilder shares = new StringBuilder();
            perVariant.forEach((v, runs) -> {
                if (!v.equals("vanilla") && !v.equals("oracle")) {
                    double m = runs.stream().mapToDouble(x -> x[0]).average().orElse(Double.NaN);
                    shares.append(String.format(Locale.ROOT, "; %s %.0f%%", v, 100 * (m - v0) / gap));
                }
            });
            md.append(gap > 0
                    ? String.format(Locale.ROOT, "%nThe oracle's gap over vanilla: %.2f dB (means)%s.%n", gap,
                            shares.length() == 0 ? "" : "; recovered" + shares.substring(1))
                    : String.format(Locale.ROOT, "%nThe oracle's gap over vanilla: %.2f dB (means): the oracle is not above vanilla, "
                            + "so there is no gap to recover (too few steps?).%n", gap));
        }
        return md.toString();
    }

    /** "mean" for one value, "mean ± sd" for several. */
    static String stat(List<double[]> runs, int k, int decimals) {
        double m = runs.stream().mapToDouble(x -> x[k]).average().orElse(Double.NaN);
        if (runs.size() == 1) {
            return String.format(Locale.ROOT, "%." + decimals + "f", m);
        }
        double var = runs.stream().mapToDouble(x -> (x[k] - m) * (x[k] - m)).sum() / (runs.size() - 1);
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", m, Math.sqrt(var));
    }
}
