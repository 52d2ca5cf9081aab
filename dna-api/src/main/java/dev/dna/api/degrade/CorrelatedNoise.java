package dev.dna.api.degrade;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.image.Image;
import dev.dna.api.random.Rngs;
import java.util.Locale;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * Spatially correlated noise in YCbCr, the kind a camera's denoising, demosaicing and compression leave
 * behind and AWGN does not model: per image, a luma std and a chroma std are drawn (uniformly from their
 * ranges, in [0, 1] units); white Gaussian fields are low-passed by Gaussians of {@code lumaBlur} and
 * {@code chromaBlur} pixels and rescaled to those stds, added to Y, Cb and Cr (BT.601, full range), and
 * the result converted back to RGB and clipped. Draw order: luma std, chroma std, then the Y, Cb and
 * Cr fields.
 *
 * @param lumaMin lower bound of the luma noise std
 * @param lumaMax upper bound of the luma noise std
 * @param lumaBlur correlation length of the luma noise (Gaussian sigma in pixels; 0 = white)
 * @param chromaMin lower bound of the chroma noise std
 * @param chromaMax upper bound of the chroma noise std
 * @param chromaBlur correlation length of the chroma noise
 */
public record CorrelatedNoise(double lumaMin, double lumaMax, double lumaBlur, double chromaMin, double chromaMax,
        double chromaBlur) implements Degradation {

    /** Checks the components: an exception names any that is missing or out of range. */
    public CorrelatedNoise {
        checkArgument(lumaMin >= 0 && lumaMin <= lumaMax && lumaMax <= 1, "luma std must satisfy 0 <= min <= max <= 1, got [%s, %s]",
                lumaMin, lumaMax);
        checkArgument(chromaMin >= 0 && chromaMin <= chromaMax && chromaMax <= 1,
                "chroma std must satisfy 0 <= min <= max <= 1, got [%s, %s]", chromaMin, chromaMax);
        checkArgument(lumaBlur >= 0 && lumaBlur <= 16 && chromaBlur >= 0 && chromaBlur <= 16,
                "blur sigmas must be in [0, 16] pixels, got %s and %s", lumaBlur, chromaBlur);
    }

    /**
     * The noise of the main example's hard "real" domain: luma std 5..10/255 correlated over 1 pixel,
     * chroma std 15..25/255 correlated over 2 pixels. After camera noise and with JPEG 70..90 it brings
     * the held-out crops to 19.3 dB (chroma 20..35/255: 17.1 dB; camera noise alone: 28.6 dB).
     *
     * @return the degradation
     */
    public static CorrelatedNoise strong() {
        return new CorrelatedNoise(5 / 255.0, 10 / 255.0, 1.0, 15 / 255.0, 25 / 255.0, 2.0);
    }

    @Override
    public Image apply(Image clean, UniformRandomProvider rng) {
        Pixels.checkRgb(clean, "correlated noise");
        double sy = Rngs.uniform(rng, lumaMin, lumaMax);
        double sc = Rngs.uniform(rng, chromaMin, chromaMax);
        int h = clean.height();
        int w = clean.width();
        int n = h * w;
        ZigguratSampler.NormalizedGaussian g = Rngs.gaussian(rng);
        float[] ny = field(g, h, w, lumaBlur, sy);
        float[] ncb = field(g, h, w, chromaBlur, sc);
        float[] ncr = field(g, h, w, chromaBlur, sc);
        float[] v = clean.toArray();
        for (int i = 0; i < n; i++) {
            double r = v[i];
            double gg = v[n + i];
            double b = v[2 * n + i];
            double y = 0.299 * r + 0.587 * gg + 0.114 * b + ny[i];
            double cb = -0.168736 * r - 0.331264 * gg + 0.5 * b + ncb[i];
            double cr = 0.5 * r - 0.418688 * gg - 0.081312 * b + ncr[i];
            v[i] = clip(y + 1.402 * cr);
            v[n + i] = clip(y - 0.344136 * cb - 0.714136 * cr);
            v[2 * n + i] = clip(y + 1.772 * cb);
        }
        return Image.of(3, h, w, v);
    }

    private static float clip(double x) {
        return (float) Math.max(0.0, Math.min(1.0, x));
    }

    /** A white Gaussian field, low-passed by a Gaussian of {@code blur} pixels, rescaled to std {@code std}. */
    private static float[] field(ZigguratSampler.NormalizedGaussian g, int h, int w, double blur, double std) {
        float[] f = new float[h * w];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) g.sample();
        }
        if (blur > 0) {
            float[] k = Pixels.gaussian1d(blur);
            double sumSq = 0;
            for (float x : k) {
                sumSq += x * x;
            }
            f = Pixels.separable(f, h, w, k);
            // a separable low-pass of unit white noise has std sum(k^2) (sqrt of sum(k^2) per axis)
            float gain = (float) (1.0 / sumSq);
            for (int i = 0; i < f.length; i++) {
                f[i] *= gain;
            }
        }
        for (int i = 0; i < f.length; i++) {
            f[i] *= (float) std;
        }
        return f;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "correlated(luma %.0f..%.0f/255 blur %.1f, chroma %.0f..%.0f/255 blur %.1f)",
                lumaMin * 255, lumaMax * 255, lumaBlur, chromaMin * 255, chromaMax * 255, chromaBlur);
    }
}
