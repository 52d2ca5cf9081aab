package dev.dna.onnx;

import dev.dna.ort.OrtRuntime;
import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.dna.api.data.ImageSet;
import dev.dna.api.image.Image;
import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spec.Prediction;
import dev.dna.api.spec.ValueRange;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks what an imported model is declared to predict ({@link OnnxRestorerSpec#predicts()}, {@link
 * OnnxRestorerSpec#valueRange()}) against what it does on real degraded images, in ONNX Runtime on the original file.
 *
 * <p>A restorer removes noise and changes its input only a little. So each reading (value range x prediction) of the
 * model's output is scored by the mean absolute difference {@code |y - x|} in [0, 1] units (outputs outside [0, 1]
 * counted as well), among the readings that make {@code y} smoother than {@code x} (total variation down by at least
 * {@value #SMOOTHER}%: the plausible restorations). The declared reading warns when it is not plausible, or clearly
 * farther from the input, while another is plausible and nearer. A restorer read as a noise predictor (or the reverse)
 * gives a high-passed {@code y} or one near {@code 2x}; a model fed the wrong value range gives outputs far off or
 * none at all. Residual and noise outputs differ only in sign and may not be told apart this way; neither can a
 * reading that barely changes the input from a model that barely restores.
 */
public final class PredictionCheck {
    /** Crop side for models of dynamic size. */
    static final int CROP = 128;
    /** The declared reading warns when its score is over this many times the best one's... */
    static final double RATIO = 2.0;
    /** ...and over the best one's by this much (in [0, 1] units). */
    static final double MARGIN = 0.02;
    /** A plausible restoration lowers the total variation by at least this many percent. */
    static final int SMOOTHER = 5;

    private PredictionCheck() {}

    /**
     * One reading of the model's output.
     *
     * @param score mean {@code |y - x|} + mean distance of y outside [0, 1]
     * @param smoothing total variation of y over that of x
     */
    public record Reading(ValueRange range, Prediction predicts, double score, double smoothing) {
        /** {@return whether y is a plausible restoration: smoother than x} */
        public boolean plausible() {
            return smoothing <= 1 - SMOOTHER / 100.0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s in %s: %.4f (TV x %.2f)", predicts, range, score, smoothing);
        }
    }

    /**
     * The outcome: every reading, best first, and the declared one.
     *
     * @param readings all nine readings (3 ranges x 3 predictions), the plausible ones first, each part by score
     * @param declared the declared reading
     */
    public record Result(List<Reading> readings, Reading declared) {
        /** {@return the most plausible reading} */
        public Reading best() {
            return readings.get(0);
        }

        /**
         * {@return whether the declared reading looks wrong: implausible or clearly farther than a plausible nearer
         *     one}
         */
        public boolean suspicious() {
            Reading b = best();
            if (!b.plausible() || b == declared || declared.score() <= b.score()) {
                return false;
            }
            return !declared.plausible() || (declared.score() > RATIO * b.score() && declared.score() - b.score() > MARGIN);
        }

        /** {@return a one-line warning when {@link #suspicious()}, else empty} */
        public java.util.Optional<String> warning() {
            if (!suspicious()) {
                return java.util.Optional.empty();
            }
            Reading b = best();
            return java.util.Optional.of(String.format(Locale.ROOT, "the model is declared to predict %s in %s, but on these images its output reads "
                    + "better as %s in %s (mean |y - x| %.3f against %.3f): check predicts and valueRange "
                    + "(OnnxRestorerSpec.withPredicts / withValueRange; dna adapt --predicts / --value-range)",
                    declared.predicts(), declared.range(), b.predicts(), b.range(), b.score(), declared.score()));
        }
    }

    /**
     * Runs the model of {@code spec} on central crops of up to {@code maxImages} of {@code real} (the model's fixed size,
     * or {@value #CROP} pixels or the smallest image's side, rounded down to its downsampling factor) in each value range
     * and scores each reading.
     *
     * @param spec the imported model, with its declared range and prediction
     * @param real real degraded images
     * @param maxImages at least 1
     * @return every reading with its score, and the declared one
     * @throws IllegalArgumentException if an image is smaller than the crop
     */
    public static Result check(OnnxRestorerSpec spec, ImageSet real, int maxImages) {
        checkNotNull(spec, "spec");
        checkArgument(real != null && real.size() > 0, "the prediction check needs real images");
        checkArgument(maxImages >= 1, "maxImages must be >= 1, got %s", maxImages);
        int f = spec.downsamplingFactor();
        int n = spec.inputShape().get(0) > 0 ? spec.inputShape().get(0).intValue() : Math.min(maxImages, real.size());
        int side = CROP;
        for (int i = 0; i < n; i++) { // a dynamic model: the crop fits every image used
            side = Math.min(side, Math.min(real.get(i % real.size()).height(), real.get(i % real.size()).width()));
        }
        side = Math.max(f, side / f * f);
        int h = spec.fixedHeight() > 0 ? (int) spec.fixedHeight() : side;
        int w = spec.fixedWidth() > 0 ? (int) spec.fixedWidth() : side;
        float[] x = new float[n * 3 * h * w];
        for (int i = 0; i < n; i++) {
            Image im = real.get(i % real.size());
            checkArgument(im.height() >= h && im.width() >= w, "image %s is %sx%s, smaller than the model's %sx%s",
                    real.name(i % real.size()), im.height(), im.width(), h, w);
            im.crop((im.height() - h) / 2, (im.width() - w) / 2, h, w).copyTo(x, i * 3 * h * w);
        }
        List<Reading> readings = new ArrayList<>();
        Reading declared = null;
        OrtEnvironment env = OrtRuntime.environment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(spec.file(), opts)) {
            for (ValueRange range : ValueRange.values()) {
                float[] in = range.fromUnit(x.clone());
                float[] out;
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), new long[] {n, 3, h, w});
                        OrtSession.Result r = session.run(Map.of(spec.inputName(), t))) {
                    FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    out = new float[fb.remaining()];
                    fb.get(out);
                }
                checkArgument(out.length == x.length, "the model's output has %s values for an input of %s", out.length, x.length);
                for (Prediction p : Prediction.values()) {
                    float[] y = restored(x, out, range, p);
                    Reading rd = new Reading(range, p, score(x, y), totalVariation(y, n, h, w) / totalVariation(x, n, h, w));
                    readings.add(rd);
                    if (range == spec.valueRange() && p == spec.predicts()) {
                        declared = rd;
                    }
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not run " + spec.file() + ": " + e.getMessage(), e);
        }
        readings.sort(java.util.Comparator.comparing((Reading r) -> !r.plausible()).thenComparingDouble(Reading::score));
        return new Result(List.copyOf(readings), declared);
    }

    /** y in [0, 1] units, {@code out} read as {@code p} in {@code range}. */
    static float[] restored(float[] x, float[] out, ValueRange range, Prediction p) {
        float[] y = new float[x.length];
        double span = range.span();
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) switch (p) {
                case RESTORED -> (out[i] - range.min()) / span;
                case RESIDUAL -> x[i] + out[i] / span;
                case NOISE -> x[i] - out[i] / span;
            };
        }
        return y;
    }

    /** Mean {@code |y - x|} plus mean distance of y outside [0, 1]; a non-finite y counts 1000. */
    static double score(float[] x, float[] y) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs(y[i] - x[i]);
            double outside = y[i] < 0 ? -y[i] : y[i] > 1 ? y[i] - 1 : 0;
            sum += Double.isFinite(d) ? d + outside : 1e3;
        }
        return sum / x.length;
    }

    /** Sum of absolute differences of horizontal and vertical neighbours over [n, 3, h, w]. */
    static double totalVariation(float[] v, int n, int h, int w) {
        double tv = 0;
        for (int p = 0; p < n * 3; p++) {
            int o = p * h * w;
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < w; xx++) {
                    int i = o + yy * w + xx;
                    if (xx + 1 < w) {
                        tv += Math.abs(v[i + 1] - v[i]);
                    }
                    if (yy + 1 < h) {
                        tv += Math.abs(v[i + w] - v[i]);
                    }
                }
            }
        }
        return Double.isFinite(tv) ? tv : Double.POSITIVE_INFINITY;
    }
}
