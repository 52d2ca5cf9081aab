package dev.dna.api.degrade;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.image.Image;
import dev.dna.api.random.Rngs;
import java.util.Locale;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Rain streaks: per image a density, length, angle, intensity and haze are drawn; streaks start at
 * random pixels (probability {@code density} each), are drawn as anti-aliased lines of that length and
 * {@code width} at that angle (0 = vertical, degrees clockwise), softened by a Gaussian of
 * {@code blurSigma}, scaled by the intensity, and screen-blended onto the image
 * ({@code 1 - (1 - x)(1 - S)}); haze then mixes towards an atmospheric light of 0.9:
 * {@code x (1 - h) + 0.9 h}.
 *
 * <p>Two parameter sets make a synthetic/"real" pair with different angles, widths, blur and haze.
 */
public record RainStreaks(double densityMin, double densityMax, double lengthMin, double lengthMax, double angleMin,
        double angleMax, int width, double intensityMin, double intensityMax, double blurSigma, double hazeMax)
        implements Degradation {

    /** Checks the components: an exception names any that is missing or out of range. */
    public RainStreaks {
        checkArgument(densityMin >= 0 && densityMin <= densityMax && densityMax <= 0.2,
                "rain density must satisfy 0 <= min <= max <= 0.2, got [%s, %s]", densityMin, densityMax);
        checkArgument(lengthMin >= 1 && lengthMin <= lengthMax && lengthMax <= 200,
                "rain length must satisfy 1 <= min <= max <= 200, got [%s, %s]", lengthMin, lengthMax);
        checkArgument(angleMin <= angleMax && angleMin >= -89 && angleMax <= 89,
                "rain angle must satisfy -89 <= min <= max <= 89 degrees, got [%s, %s]", angleMin, angleMax);
        checkArgument(width >= 1 && width <= 8, "rain width must be in [1, 8] pixels, got %s", width);
        checkArgument(intensityMin >= 0 && intensityMin <= intensityMax && intensityMax <= 1,
                "rain intensity must satisfy 0 <= min <= max <= 1, got [%s, %s]", intensityMin, intensityMax);
        checkArgument(blurSigma >= 0 && blurSigma <= 8, "rain blurSigma must be in [0, 8], got %s", blurSigma);
        checkArgument(hazeMax >= 0 && hazeMax < 1, "rain hazeMax must be in [0, 1), got %s", hazeMax);
    }

    /**
     * Thin, near-vertical, sharp streaks without haze (Rain100L-like): a synthetic training domain.
     *
     * @return the degradation
     */
    public static RainStreaks light() {
        return new RainStreaks(0.002, 0.006, 10, 25, -10, 10, 1, 0.5, 0.8, 0, 0);
    }

    /**
     * Wider, slanted, blurred streaks with haze: a different, "real-like" rain.
     *
     * @return the degradation
     */
    public static RainStreaks heavySlanted() {
        return new RainStreaks(0.004, 0.012, 20, 45, 15, 35, 2, 0.3, 0.6, 1.0, 0.25);
    }

    @Override
    public Image apply(Image clean, UniformRandomProvider rng) {
        Pixels.checkRgb(clean, "rain");
        double density = Rngs.uniform(rng, densityMin, densityMax);
        double length = Rngs.uniform(rng, lengthMin, lengthMax);
        double angle = Math.toRadians(Rngs.uniform(rng, angleMin, angleMax));
        double intensity = Rngs.uniform(rng, intensityMin, intensityMax);
        double haze = hazeMax == 0 ? 0 : Rngs.uniform(rng, 0, hazeMax);
        int h = clean.height();
        int w = clean.width();
        float[] s = new float[h * w];
        double dy = Math.cos(angle);
        double dx = Math.sin(angle);
        int steps = (int) Math.ceil(length * 2) + 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (rng.nextDouble() >= density) {
                    continue;
                }
                for (int k = 0; k < width; k++) {
                    double off = k - (width - 1) / 2.0;
                    double y0 = y - off * dx;
                    double x0 = x + off * dy;
                    for (int i = 0; i < steps; i++) {
                        double t = length * i / (steps - 1);
                        splat(s, h, w, y0 + t * dy, x0 + t * dx, 0.5f);
                    }
                }
            }
        }
        // samples are half a pixel apart with weight 1/2: a streak adds about 1 along its path
        float[] layer = blurSigma > 0 ? Pixels.separable(s, h, w, Pixels.gaussian1d(blurSigma)) : s;
        float[] v = clean.toArray();
        int plane = h * w;
        for (int i = 0; i < plane; i++) {
            float a = (float) (intensity * Math.min(1f, layer[i]));
            for (int c = 0; c < 3; c++) {
                float x = v[c * plane + i];
                float r = 1f - (1f - x) * (1f - a);
                v[c * plane + i] = (float) (r * (1 - haze) + 0.9 * haze);
            }
        }
        return Image.of(3, h, w, v);
    }

    private static void splat(float[] s, int h, int w, double y, double x, float value) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        add(s, h, w, y0, x0, value * (1 - fy) * (1 - fx));
        add(s, h, w, y0, x0 + 1, value * (1 - fy) * fx);
        add(s, h, w, y0 + 1, x0, value * fy * (1 - fx));
        add(s, h, w, y0 + 1, x0 + 1, value * fy * fx);
    }

    private static void add(float[] s, int h, int w, int y, int x, double v) {
        if (y >= 0 && y < h && x >= 0 && x < w) {
            s[y * w + x] += (float) v;
        }
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "rain(density=%.3f..%.3f, length=%.0f..%.0f, angle=%.0f..%.0f, width=%d, blur=%.1f, haze<=%.2f)",
                densityMin, densityMax, lengthMin, lengthMax, angleMin, angleMax, width, blurSigma, hazeMax);
    }
}
