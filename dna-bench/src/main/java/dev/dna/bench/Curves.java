package dev.dna.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The charts' curves: every seed's validation PSNR; the first seed's smoothed loss terms and gradient norms. */
final class Curves {
    final Map<String, List<double[]>> loss = new LinkedHashMap<>();
    final Map<String, List<double[]>> grad = new LinkedHashMap<>();
    final Map<String, List<List<double[]>>> valBySeed = new LinkedHashMap<>();
    /** The raw (not averaged) weights' validation PSNR, what the authors validate; empty in logs from before it. */
    final Map<String, List<List<double[]>>> rawBySeed = new LinkedHashMap<>();

    /** Adds run {@code v}'s curves from its log (finished or not). */
    void add(String v, RunLog log, boolean firstSeed) {
        valBySeed.computeIfAbsent(v, k -> new ArrayList<>()).add(log.curve("val_psnr"));
        rawBySeed.computeIfAbsent(v, k -> new ArrayList<>()).add(log.curve("val_psnr_raw"));
        if (!firstSeed) {
            return;
        }
        grad.put(v + " L_res", log.curve("grad_res"));
        List<double[]> gradNoise = log.curve("grad_noise");
        if (!gradNoise.isEmpty()) {
            grad.put(v + " lambda L_noise", gradNoise);
        }
        log.lossTerms().forEach((k, pts) -> loss.put(v + " " + k, smooth(pts, 10)));
    }

    /**
     * Writes the charts into {@code out}: real_psnr.png (first seed), real_psnr_mean.png (with several seeds),
     * real_psnr_raw_vs_ema.png, losses.png and grad_norms.png (first seed).
     */
    void writeCharts(Path out, List<Long> seeds) throws IOException {
        Charts.lines(out.resolve("real_psnr.png"), "Real-domain PSNR on the validation images during training (seed " + seeds.get(0) + ")",
                "step", "PSNR (dB)", firstSeedVal(), false);
        if (seeds.size() > 1) {
            Charts.lines(out.resolve("real_psnr_mean.png"), "Real-domain PSNR on the validation images during training, mean over seeds "
                    + seeds, "step", "PSNR (dB)", meanVal(seeds.size()), false);
        }
        Charts.lines(out.resolve("real_psnr_raw_vs_ema.png"), "Real-domain PSNR of the raw and the EMA restorer, mean over seeds "
                + seeds, "step", "PSNR (dB)", meanRawAndEma(seeds.size()), false);
        Charts.lines(out.resolve("losses.png"), "Loss terms (moving average of 10 steps, seed " + seeds.get(0) + ")", "step",
                "loss", loss, true);
        Charts.lines(out.resolve("grad_norms.png"), "Gradient norm each loss sends into the restorer (seed " + seeds.get(0)
                + ", at validation steps)", "step", "L2 norm over restorer parameters", grad, true);
    }

    /** Per variant, the first seed's validation PSNR (runs are added seed by seed). */
    Map<String, List<double[]>> firstSeedVal() {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        valBySeed.forEach((v, runs) -> out.put(v, runs.get(0)));
        return out;
    }

    /**
     * Per variant, the mean validation PSNR over its seeds at each step that every one of them logged; a
     * variant with fewer than {@code seeds} runs is labelled with how many.
     */
    Map<String, List<double[]>> meanVal(int seeds) {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        valBySeed.forEach((v, runs) -> out.put(label(v, runs.size(), seeds), meanCurve(runs)));
        return out;
    }

    /**
     * Per variant, the mean over seeds of the EMA's validation PSNR (solid) and of the raw weights' (dashed, in the
     * EMA's colour, next to it; left out where the logs have no raw curve).
     */
    List<Charts.Line> meanRawAndEma(int seeds) {
        List<Charts.Line> out = new ArrayList<>();
        int colour = 0;
        for (Map.Entry<String, List<List<double[]>>> e : valBySeed.entrySet()) {
            String v = e.getKey();
            out.add(new Charts.Line(label(v + " EMA", e.getValue().size(), seeds), meanCurve(e.getValue()), colour, false));
            List<List<double[]>> raw = rawBySeed.getOrDefault(v, List.of());
            List<double[]> rawMean = raw.isEmpty() ? List.of() : meanCurve(raw);
            if (!rawMean.isEmpty()) {
                out.add(new Charts.Line(label(v + " raw", raw.size(), seeds), rawMean, colour, true));
            }
            colour++;
        }
        return out;
    }

    private static String label(String name, int runs, int seeds) {
        return name + (runs < seeds ? " (" + runs + " of " + seeds + " seeds)" : "");
    }

    /** The mean of {@code curves} ({step, value} points) at the steps present in all of them, in step order. */
    static List<double[]> meanCurve(List<List<double[]>> curves) {
        java.util.TreeMap<Double, double[]> sums = new java.util.TreeMap<>(); // step -> {sum, count}
        for (List<double[]> c : curves) {
            for (double[] p : c) {
                double[] sc = sums.computeIfAbsent(p[0], k -> new double[2]);
                sc[0] += p[1];
                sc[1]++;
            }
        }
        List<double[]> out = new ArrayList<>();
        sums.forEach((step, sc) -> {
            if (sc[1] == curves.size()) {
                out.add(new double[] {step, sc[0] / sc[1]});
            }
        });
        return out;
    }

    /** Moving average over {@code window} points. */
    static List<double[]> smooth(List<double[]> pts, int window) {
        List<double[]> out = new ArrayList<>();
        double sum = 0;
        for (int i = 0; i < pts.size(); i++) {
            sum += pts.get(i)[1];
            if (i >= window) {
                sum -= pts.get(i - window)[1];
            }
            out.add(new double[] {pts.get(i)[0], sum / Math.min(i + 1, window)});
        }
        return out;
    }
}
