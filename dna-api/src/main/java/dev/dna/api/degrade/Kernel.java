package dev.dna.api.degrade;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.image.Image;

/**
 * An immutable 2-D blur kernel of odd size, weights summing to 1, applied as a correlation centered on
 * each pixel with replicated borders. Static factories make the usual shapes.
 */
public final class Kernel {
    private final int size;
    private final float[] weights;

    private Kernel(int size, float[] weights) {
        this.size = size;
        this.weights = weights;
    }

    /**
     * A kernel from raw weights (row-major, odd square size), normalized to sum 1.
     *
     * @param size the side, odd
     * @param weights size*size values, row-major
     * @return the kernel
     */
    public static Kernel of(int size, float[] weights) {
        checkArgument(size >= 1 && size % 2 == 1, "kernel size must be odd and positive, got %s", size);
        checkArgument(weights.length == size * size, "kernel of size %s needs %s weights, got %s", size, size * size,
                weights.length);
        double s = 0;
        for (float v : weights) {
            checkArgument(v >= 0 && Float.isFinite(v), "kernel weights must be finite and >= 0");
            s += v;
        }
        checkArgument(s > 0, "kernel weights sum to 0");
        float[] w = new float[weights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (weights[i] / s);
        }
        return new Kernel(size, w);
    }

    /**
     * Uniform linear motion of {@code length} pixels at {@code angleDegrees} (0: horizontal, 90:
     * vertical, counter-clockwise), anti-aliased.
     *
     * @param length in pixels, at least 0
     * @param angleDegrees the direction
     * @return the kernel
     */
    public static Kernel motion(double length, double angleDegrees) {
        checkArgument(length >= 1 && length <= 255, "motion length must be in [1, 255] pixels, got %s", length);
        int size = ((int) Math.ceil(length) / 2) * 2 + 1;
        float[] w = new float[size * size];
        double a = Math.toRadians(angleDegrees);
        double dx = Math.cos(a);
        double dy = -Math.sin(a);
        int c = size / 2;
        int samples = (int) Math.ceil(length * 4) + 1;
        for (int i = 0; i < samples; i++) {
            double t = -length / 2 + length * i / (samples - 1);
            splat(w, size, c + t * dy, c + t * dx, 1f);
        }
        return of(size, w);
    }

    /**
     * A defocus (pillbox) disk of {@code radius} pixels, anti-aliased by 4x4 supersampling.
     *
     * @param radius in pixels, at least 0
     * @return the kernel
     */
    public static Kernel defocus(double radius) {
        checkArgument(radius >= 0.5 && radius <= 127, "defocus radius must be in [0.5, 127] pixels, got %s", radius);
        int r = (int) Math.ceil(radius);
        int size = 2 * r + 1;
        float[] w = new float[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int in = 0;
                for (int sy = 0; sy < 4; sy++) {
                    for (int sx = 0; sx < 4; sx++) {
                        double py = y - r + (sy + 0.5) / 4 - 0.5;
                        double px = x - r + (sx + 0.5) / 4 - 0.5;
                        in += py * py + px * px <= radius * radius ? 1 : 0;
                    }
                }
                w[y * size + x] = in / 16f;
            }
        }
        return of(size, w);
    }

    /**
     * An isotropic Gaussian of {@code sigma} pixels, truncated at 3 sigma.
     *
     * @param sigma in pixels, at least 0
     * @return the kernel
     */
    public static Kernel gaussian(double sigma) {
        checkArgument(sigma > 0 && sigma <= 64, "gaussian sigma must be in (0, 64] pixels, got %s", sigma);
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        int size = 2 * r + 1;
        float[] w = new float[size * size];
        for (int y = -r; y <= r; y++) {
            for (int x = -r; x <= r; x++) {
                w[(y + r) * size + x + r] = (float) Math.exp(-(x * x + y * y) / (2 * sigma * sigma));
            }
        }
        return of(size, w);
    }

    /** Adds {@code value} at fractional position (y, x) by bilinear splatting. */
    static void splat(float[] w, int size, double y, double x, float value) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        add(w, size, y0, x0, value * (1 - fy) * (1 - fx));
        add(w, size, y0, x0 + 1, value * (1 - fy) * fx);
        add(w, size, y0 + 1, x0, value * fy * (1 - fx));
        add(w, size, y0 + 1, x0 + 1, value * fy * fx);
    }

    private static void add(float[] w, int size, int y, int x, double v) {
        if (y >= 0 && y < size && x >= 0 && x < size) {
            w[y * size + x] += (float) v;
        }
    }

    /** {@return the kernel's side (it is size x size)} */
    public int size() {
        return size;
    }

    /**
     * The weight at row {@code y}, column {@code x}, both in [0, size).
     *
     * @param y the row
     * @param x the column
     * @return the weight
     */
    public float weight(int y, int x) {
        return weights[y * size + x];
    }

    /**
     * Convolves every channel of {@code image} with this kernel (replicate borders).
     *
     * @param image any image
     * @return a new image of the same shape
     */
    public Image apply(Image image) {
        int h = image.height();
        int w = image.width();
        int plane = h * w;
        float[] v = image.toArray();
        float[] out = new float[v.length];
        float[] p = new float[plane];
        for (int c = 0; c < image.channels(); c++) {
            System.arraycopy(v, c * plane, p, 0, plane);
            System.arraycopy(Pixels.convolve(p, h, w, weights, size, size), 0, out, c * plane, plane);
        }
        return Image.of(image.channels(), h, w, out);
    }
}
