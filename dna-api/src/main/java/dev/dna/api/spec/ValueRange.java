package dev.dna.api.spec;

/**
 * Pixel value range a network sees. Images are stored in [0, 1]; a plan in {@link #MINUS_ONE_ONE}
 * maps {@code v -> 2v - 1} on the way in and back on the way out. The reference uses [0, 1] for
 * denoising and [-1, 1] for deraining and deblurring. {@link #ZERO_255} is only the range of an imported
 * model ({@link OnnxRestorerSpec#valueRange()}): plans train in [0, 1] or [-1, 1], and the imported graph
 * maps the plan's range to the model's and back inside itself.
 */
public enum ValueRange {
    /** [0, 1], the range images are stored in. */
    ZERO_ONE(0.0, 1.0),
    /** [-1, 1]. */
    MINUS_ONE_ONE(-1.0, 1.0),
    /** [0, 255], only an imported model's. */
    ZERO_255(0.0, 255.0);

    private final double min;
    private final double max;

    ValueRange(double min, double max) {
        this.min = min;
        this.max = max;
    }

    /** {@return the value black maps to} */
    public double min() {
        return min;
    }

    /** {@return the value white maps to} */
    public double max() {
        return max;
    }

    /** {@return the width of the range: the data range used by PSNR/SSIM on network values} */
    public double span() {
        return max - min;
    }

    /**
     * Maps a value in [0, 1] into this range.
     *
     * @param v a value in [0, 1]
     * @return the value in this range
     */
    public float fromUnit(float v) {
        return (float) (min + v * (max - min));
    }

    /**
     * Maps [0, 1] values into this range, in place; returns {@code v}.
     *
     * @param v values in [0, 1], overwritten
     * @return {@code v}
     */
    public float[] fromUnit(float[] v) {
        if (this != ZERO_ONE) {
            for (int i = 0; i < v.length; i++) {
                v[i] = fromUnit(v[i]);
            }
        }
        return v;
    }

    /**
     * Maps values in this range back into [0, 1] (not clipped), in place; returns {@code v}.
     *
     * @param v values in this range, overwritten
     * @return {@code v}
     */
    public float[] toUnit(float[] v) {
        if (this != ZERO_ONE) {
            for (int i = 0; i < v.length; i++) {
                v[i] = toUnit(v[i]);
            }
        }
        return v;
    }

    /**
     * The affine map {@code v -> scale v + shift} from {@code from}'s values to this range's:
     * {@code [scale, shift]}.
     *
     * @param from the range values come from
     * @return {@code [scale, shift]}
     */
    public double[] affineFrom(ValueRange from) {
        double scale = span() / from.span();
        return new double[] {scale, min - scale * from.min};
    }

    /**
     * Maps a value in this range back into [0, 1] (not clipped).
     *
     * @param v a value in this range
     * @return the value in [0, 1] terms
     */
    public float toUnit(float v) {
        return (float) ((v - min) / (max - min));
    }
}
