package dev.dna.samediff;

import dev.dna.api.AdaptationPlan;
import dev.dna.api.data.ImageSet;
import dev.dna.api.image.Image;
import dev.dna.api.metrics.Metrics;
import dev.dna.samediff.graph.JointGraph;
import dev.dna.samediff.engine.SessionMemory;
import dev.dna.samediff.training.GradientStep;
import dev.dna.samediff.training.RunState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A run's validation: PSNR and SSIM of the returned (EMA) and the raw weights on held-out pairs every {@code every} steps
 * and at the last, the gradient each loss sends into the restorer at that step, and the best restorer kept on disk.
 */
final class Validation {
    private final AdaptationPlan plan;
    private final int every;
    private final ImageSet degraded;
    private final ImageSet clean;
    private final Path bestFile;
    private final TrainedRestorer validator;
    private final double inputPsnr;

    Validation(AdaptationPlan plan, int every, ImageSet degraded, ImageSet clean, Path bestFile, RunState r) {
        this.plan = plan;
        this.every = every;
        this.degraded = degraded;
        this.clean = clean;
        this.bestFile = bestFile;
        this.validator = TrainedRestorer.of(plan, r.resultWeights());
        this.inputPsnr = Metrics.meanPsnr(clean, degraded.map(Image::clip));
    }

    /** Whether step {@code step} of a run ending at {@code last} validates. */
    boolean due(long step, long last) {
        return step % every == 0 || step == last;
    }

    /**
     * Validates the state after step {@code step}; keeps the restorer if it is the best so far (strictly; a NaN never
     * wins). The gradient norms come from two more gradient passes over the step's feed, which draw nothing random.
     */
    ValidationReport run(RunState r, long step, GradientStep gradients, Map<String, INDArray> feed, double lambda)
            throws IOException {
        double res = restorerGradNorm(r, gradients, feed, 1.0, 0.0);
        double noise = plan.usesDiffusion() ? restorerGradNorm(r, gradients, feed, 0.0, lambda) : Double.NaN;
        validator.setWeights(r.resultWeights());
        double[] ema = quality();
        double[] raw = ema;
        if (plan.emaDecay() > 0) {
            validator.setWeights(r.rawWeights());
            raw = quality();
        }
        ValidationReport v = new ValidationReport(step, ema[0], ema[1], raw[0], raw[1], inputPsnr, res, noise);
        r.lastPsnr = v.psnr();
        if (bestFile != null && v.psnr() > r.bestPsnr) {
            r.bestPsnr = v.psnr();
            r.bestStep = step;
            validator.setWeights(r.resultWeights());
            validator.save(bestFile);
        }
        return v;
    }

    /** Mean PSNR and SSIM of the validator's current weights on the pairs. */
    private double[] quality() {
        ImageSet restored = validator.restoreAll(degraded);
        return new double[] {Metrics.meanPsnr(clean, restored), Metrics.meanSsim(clean, restored)};
    }

    /** The L2 norm over the restorer's parameters of the gradient of {@code resWeight L_res + lambda L_noise}. */
    private double restorerGradNorm(RunState r, GradientStep gradients, Map<String, INDArray> feed, double resWeight,
            double lambda) {
        Map<String, INDArray> f = new LinkedHashMap<>(feed);
        if (plan.usesDiffusion()) {
            f.put(JointGraph.RES_WEIGHT, Nd4j.scalar(DataType.DOUBLE, resWeight).castTo(DataType.FLOAT));
            f.put(JointGraph.LAMBDA, Nd4j.scalar(DataType.DOUBLE, lambda).castTo(DataType.FLOAT));
        }
        Map<String, INDArray> grads = gradients.run(f).getGradients();
        double sq = 0;
        for (String p : r.restorerParams) {
            INDArray g = grads.get(p);
            double n = g == null ? 0 : g.norm2Number().doubleValue();
            sq += n * n;
        }
        gradients.release(f.values()); // the gradients are consumed; the feed is the step's
        if (plan.usesDiffusion()) {
            SessionMemory.close(List.of(f.get(JointGraph.RES_WEIGHT), f.get(JointGraph.LAMBDA)));
        }
        return Math.sqrt(sq);
    }
}
