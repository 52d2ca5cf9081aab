package dev.dna.api.degrade;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.image.Image;
import dev.dna.api.random.Rngs;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * Additive white Gaussian noise, the synthetic domain of denoising: {@code x = y + sigma * n},
 * {@code n ~ N(0, I)}, with {@code sigma ~ U(sigmaMin, sigmaMax)} drawn once per image (first draw),
 * then the noise in [C, H, W] order. Not clipped unless {@code clip}.
 *
 * <p>Reference: sigma ~ U(0, 75) / 255, unclipped.
 *
 * @param sigmaMin lower bound of sigma, in [0, 1] units of the image range
 * @param sigmaMax upper bound of sigma
 * @param clip whether to clamp the result to [0, 1]
 */
public record Awgn(double sigmaMin, double sigmaMax, boolean clip) implements Degradation {

    /** Checks the components: an exception names any that is missing or out of range. */
    public Awgn {
        checkArgument(sigmaMin >= 0 && sigmaMin <= sigmaMax && sigmaMax <= 1,
                "AWGN needs 0 <= sigmaMin <= sigmaMax <= 1, got [%s, %s]", sigmaMin, sigmaMax);
    }

    /** {@return the reference synthetic noise: sigma ~ U(0, 75/255), unclipped} */
    public static Awgn reference() {
        return new Awgn(0, 75 / 255.0, false);
    }

    /**
     * sigma given in 8-bit units, e.g. {@code sigma255(0, 75)}.
     *
     * @param min the smallest sigma, in 8-bit units, at least 0
     * @param max the largest sigma, in 8-bit units, at least {@code min}
     * @return noise whose sigma is drawn uniformly from [min, max] / 255 for every image
     */
    public static Awgn sigma255(double min, double max) {
        return new Awgn(min / 255.0, max / 255.0, false);
    }

    @Override
    public Image apply(Image clean, UniformRandomProvider rng) {
        double sigma = Rngs.uniform(rng, sigmaMin, sigmaMax);
        ZigguratSampler.NormalizedGaussian g = Rngs.gaussian(rng);
        float[] v = clean.toArray();
        for (int i = 0; i < v.length; i++) {
            float x = (float) (v[i] + sigma * g.sample());
            v[i] = clip ? Math.max(0f, Math.min(1f, x)) : x;
        }
        return Image.of(clean.channels(), clean.height(), clean.width(), v);
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "awgn(sigma=%.1f..%.1f/255%s)", sigmaMin * 255, sigmaMax * 255,
                clip ? ", clipped" : "");
    }
}
