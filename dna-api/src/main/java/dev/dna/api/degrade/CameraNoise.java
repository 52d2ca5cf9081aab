package dev.dna.api.degrade;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.image.Image;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * A camera-like "real" noise model, after Brooks et al., "Unprocessing Images for Learned Raw
 * Denoising" (CVPR 2019), simplified (no white balance or colour matrix):
 * <ol>
 *   <li>sRGB to linear ({@code x^2.4} curve of IEC 61966-2-1);
 *   <li>optionally an RGGB Bayer mosaic: one colour sample per pixel;
 *   <li>heteroscedastic Gaussian noise per sample: {@code L + sqrt(shot * L + read^2) * n}, with
 *       {@code shot} (shot-noise gain) and {@code read} (read-noise std) drawn log-uniformly per image;
 *   <li>bilinear demosaicing (which spreads each sample's noise to its neighbours: spatially and
 *       cross-channel correlated noise, unlike AWGN);
 *   <li>linear to sRGB, clipping to [0, 1];
 *   <li>optionally JPEG at a quality drawn from [jpegMin, jpegMax] (jpegMin = 0: no JPEG).
 * </ol>
 * Draw order: shot, read, the JPEG quality (if any), then the noise in raster order.
 */
public record CameraNoise(double shotMin, double shotMax, double readMin, double readMax, boolean bayer, int jpegMin,
        int jpegMax) implements Degradation {

    /** Checks the components: an exception names any that is missing or out of range. */
    public CameraNoise {
        checkArgument(shotMin > 0 && shotMin <= shotMax && shotMax < 1,
                "camera noise needs 0 < shotMin <= shotMax < 1, got [%s, %s]", shotMin, shotMax);
        checkArgument(readMin > 0 && readMin <= readMax && readMax < 1,
                "camera noise needs 0 < readMin <= readMax < 1, got [%s, %s]", readMin, readMax);
        checkArgument(jpegMin == 0 ? jpegMax == 0 : jpegMin >= 1 && jpegMin <= jpegMax && jpegMax <= 100,
                "camera noise JPEG quality must be 0 (off) or 1 <= jpegMin <= jpegMax <= 100, got [%s, %s]",
                jpegMin, jpegMax);
    }

    /**
     * A typical phone-camera setting: shot 1e-3..1e-2, read 2e-3..2e-2, Bayer mosaic, JPEG quality 75..95.
     *
     * @return the degradation
     */
    public static CameraNoise typical() {
        return new CameraNoise(1e-3, 1e-2, 2e-3, 2e-2, true, 75, 95);
    }

    /**
     * A copy whose JPEG quality is drawn in [min, max] per image.
     *
     * @param min the lowest quality, 1 to 100
     * @param max the highest quality, {@code min} to 100
     * @return the copy
     */
    public CameraNoise withJpeg(int min, int max) {
        return new CameraNoise(shotMin, shotMax, readMin, readMax, bayer, min, max);
    }

    /**
     * A copy with another {@code bayer} ({@link #bayer()}).
     *
     * @param bayer whether the noise is added to a Bayer mosaic and demosaicked
     * @return the copy
     */
    public CameraNoise withBayer(boolean bayer) {
        return new CameraNoise(shotMin, shotMax, readMin, readMax, bayer, jpegMin, jpegMax);
    }

    @Override
    public Image apply(Image clean, UniformRandomProvider rng) {
        Pixels.checkRgb(clean, "camera noise");
        double shot = logUniform(rng, shotMin, shotMax);
        double read = logUniform(rng, readMin, readMax);
        int quality = jpegMin == 0 ? 0 : jpegMin + rng.nextInt(jpegMax - jpegMin + 1);
        ZigguratSampler.NormalizedGaussian g = ZigguratSampler.NormalizedGaussian.of(rng);
        int h = clean.height();
        int w = clean.width();
        int plane = h * w;
        float[] v = clean.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Pixels.srgbToLinear(v[i]);
        }
        float[] lin;
        if (bayer) {
            float[] raw = new float[plane];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    raw[y * w + x] = noisy(v[bayerChannel(y, x) * plane + y * w + x], shot, read, g);
                }
            }
            lin = demosaic(raw, h, w);
        } else {
            lin = v;
            for (int i = 0; i < lin.length; i++) {
                lin[i] = noisy(lin[i], shot, read, g);
            }
        }
        for (int i = 0; i < lin.length; i++) {
            lin[i] = Pixels.linearToSrgb(lin[i]);
        }
        Image out = Image.of(3, h, w, lin);
        return quality == 0 ? out : Jpeg.compress(out, quality);
    }

    private static float noisy(float l, double shot, double read, ZigguratSampler.NormalizedGaussian g) {
        double var = shot * Math.max(l, 0f) + read * read;
        return (float) (l + Math.sqrt(var) * g.sample());
    }

    private static double logUniform(UniformRandomProvider rng, double lo, double hi) {
        return Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.nextDouble());
    }

    /** RGGB: R at (even, even), B at (odd, odd), G elsewhere. */
    static int bayerChannel(int y, int x) {
        return (y & 1) == 0 ? ((x & 1) == 0 ? 0 : 1) : ((x & 1) == 0 ? 1 : 2);
    }

    /** Bilinear demosaicing of an RGGB mosaic, mirrored borders (parity-preserving). */
    static float[] demosaic(float[] raw, int h, int w) {
        int plane = h * w;
        float[] out = new float[3 * plane];
        float[] kRb = {0.25f, 0.5f, 0.25f, 0.5f, 1f, 0.5f, 0.25f, 0.5f, 0.25f};
        float[] kG = {0f, 0.25f, 0f, 0.25f, 1f, 0.25f, 0f, 0.25f, 0f};
        for (int c = 0; c < 3; c++) {
            float[] k = c == 1 ? kG : kRb;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        int yy = Pixels.reflect101(y + dy, h);
                        for (int dx = -1; dx <= 1; dx++) {
                            int xx = Pixels.reflect101(x + dx, w);
                            if (bayerChannel(yy, xx) == c) {
                                s += k[(dy + 1) * 3 + dx + 1] * raw[yy * w + xx];
                            }
                        }
                    }
                    out[c * plane + y * w + x] = (float) s;
                }
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "camera(shot=%.1e..%.1e, read=%.1e..%.1e%s%s)", shotMin, shotMax,
                readMin, readMax, bayer ? ", bayer" : "", jpegMin == 0 ? "" : ", jpeg q" + jpegMin + ".." + jpegMax);
    }
}
