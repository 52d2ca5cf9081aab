package dev.dna.api.degrade;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.image.Image;

/** Small shared helpers of the degradations: checks, colour transfer functions, convolution. */
final class Pixels {
    private Pixels() {}

    static void checkRgb(Image im, String who) {
        checkArgument(im.channels() == 3, "%s needs an RGB image [3, H, W], got %s", who, im.shapeString());
    }

    /** sRGB electro-optical transfer function (IEC 61966-2-1), [0, 1] to linear [0, 1]. */
    static float srgbToLinear(float v) {
        v = Math.max(0f, Math.min(1f, v));
        return v <= 0.04045f ? v / 12.92f : (float) Math.pow((v + 0.055) / 1.055, 2.4);
    }

    /** Inverse of {@link #srgbToLinear}. */
    static float linearToSrgb(float v) {
        v = Math.max(0f, Math.min(1f, v));
        return v <= 0.0031308f ? v * 12.92f : (float) (1.055 * Math.pow(v, 1 / 2.4) - 0.055);
    }

    static int clamp(int i, int n) {
        return i < 0 ? 0 : (i >= n ? n - 1 : i);
    }

    /** Mirror without repeating the edge (…2 1 | 0 1 2 … n-1 | n-2 …): keeps Bayer parity. */
    static int reflect101(int i, int n) {
        if (n == 1) {
            return 0;
        }
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * (n - 1) - i;
        }
        return i;
    }

    /** Normalized 1-D Gaussian taps of radius max(1, ceil(3 sigma)). */
    static float[] gaussian1d(double sigma) {
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = (float) Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        return k;
    }

    /** The [H, W] plane filtered by {@code k} along rows, then along columns (replicate borders). */
    static float[] separable(float[] plane, int h, int w, float[] k) {
        return convolve(convolve(plane, h, w, k, 1, k.length), h, w, k, k.length, 1);
    }

    /** 2-D correlation of one [H, W] plane with a [kh, kw] kernel (centered), replicate borders. */
    static float[] convolve(float[] plane, int h, int w, float[] kernel, int kh, int kw) {
        float[] out = new float[h * w];
        int ry = kh / 2;
        int rx = kw / 2;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int ky = 0; ky < kh; ky++) {
                    int yy = clamp(y + ky - ry, h) * w;
                    for (int kx = 0; kx < kw; kx++) {
                        float k = kernel[ky * kw + kx];
                        if (k != 0f) {
                            s += k * plane[yy + clamp(x + kx - rx, w)];
                        }
                    }
                }
                out[y * w + x] = (float) s;
            }
        }
        return out;
    }
}
