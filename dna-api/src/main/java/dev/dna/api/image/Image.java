package dev.dna.api.image;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;

/**
 * An immutable image of shape [C, H, W], float values, row-major (index {@code (c * H + y) * W + x}).
 * Images read from files hold values in [0, 1]; operations may leave that range (noise), and
 * {@link #clip()} brings them back.
 */
public final class Image {
    private final int channels;
    private final int height;
    private final int width;
    private final float[] data;

    private Image(int channels, int height, int width, float[] data) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
    }

    /** An image over a copy of {@code data}, laid out as [C, H, W]. */
    public static Image of(int channels, int height, int width, float[] data) {
        checkShape(channels, height, width);
        checkNotNull(data, "data");
        checkArgument(data.length == (long) channels * height * width,
                "data has %s values, but shape [%s, %s, %s] needs %s", data.length, channels, height, width,
                (long) channels * height * width);
        return new Image(channels, height, width, data.clone());
    }

    /** Takes ownership of {@code data} without copying; the caller must not change it afterwards. */
    static Image wrap(int channels, int height, int width, float[] data) {
        return new Image(channels, height, width, data);
    }

    /** An image filled with {@code value}. */
    public static Image filled(int channels, int height, int width, float value) {
        checkShape(channels, height, width);
        float[] d = new float[channels * height * width];
        Arrays.fill(d, value);
        return new Image(channels, height, width, d);
    }

    private static void checkShape(int channels, int height, int width) {
        checkArgument(channels >= 1 && height >= 1 && width >= 1,
                "image shape must be positive, got [%s, %s, %s]", channels, height, width);
        checkArgument((long) channels * height * width <= Integer.MAX_VALUE - 8,
                "image [%s, %s, %s] is too large", channels, height, width);
    }

    /** C (3 for RGB). */
    public int channels() {
        return channels;
    }

    /** H, in pixels. */
    public int height() {
        return height;
    }

    /** W, in pixels. */
    public int width() {
        return width;
    }

    /** Number of values, C*H*W. */
    public int size() {
        return data.length;
    }

    /** The value at channel {@code c}, row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        checkElementIndex(c, channels, "channel");
        checkElementIndex(y, height, "y");
        checkElementIndex(x, width, "x");
        return data[(c * height + y) * width + x];
    }

    /** A copy of the values in [C, H, W] order. */
    public float[] toArray() {
        return data.clone();
    }

    /** Copies the values into {@code dst} at {@code offset}. */
    public void copyTo(float[] dst, int offset) {
        System.arraycopy(data, 0, dst, offset, data.length);
    }

    /** Read-only view used by this package's algorithms. */
    float[] raw() {
        return data;
    }

    /** Whether {@code o} has the same [C, H, W]. */
    public boolean sameShape(Image o) {
        return channels == o.channels && height == o.height && width == o.width;
    }

    /** "[C, H, W]". */
    public String shapeString() {
        return "[" + channels + ", " + height + ", " + width + "]";
    }

    /** Values clamped to [0, 1]; NaN becomes 0. */
    public Image clip() {
        float[] d = new float[data.length];
        for (int i = 0; i < d.length; i++) {
            float v = data[i];
            d[i] = v > 0f ? Math.min(v, 1f) : 0f;
        }
        return new Image(channels, height, width, d);
    }

    /** The sub-image of {@code h x w} pixels whose top-left corner is ({@code top}, {@code left}). */
    public Image crop(int top, int left, int h, int w) {
        checkArgument(top >= 0 && left >= 0 && h >= 1 && w >= 1 && top + h <= height && left + w <= width,
                "crop (top=%s, left=%s, %sx%s) does not fit in %sx%s", top, left, h, w, height, width);
        float[] d = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(data, (c * height + top + y) * width + left, d, (c * h + y) * w, w);
            }
        }
        return new Image(channels, h, w, d);
    }

    /**
     * The central {@code side x side} square (or the largest central square that fits, for a smaller image); for an odd
     * margin the extra row or column is at the bottom or right.
     */
    public Image centerCrop(int side) {
        checkArgument(side >= 1, "side must be >= 1, got %s", side);
        int s = Math.min(side, Math.min(height, width));
        return crop((height - s) / 2, (width - s) / 2, s, s);
    }

    /** Elementwise {@code this + other}. */
    public Image plus(Image other) {
        checkArgument(sameShape(other), "shapes differ: %s vs %s", shapeString(), other.shapeString());
        float[] d = new float[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i] + other.data[i];
        }
        return new Image(channels, height, width, d);
    }

    /** Elementwise {@code this - other}. */
    public Image minus(Image other) {
        checkArgument(sameShape(other), "shapes differ: %s vs %s", shapeString(), other.shapeString());
        float[] d = new float[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i] - other.data[i];
        }
        return new Image(channels, height, width, d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image i && sameShape(i) && Arrays.equals(data, i.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * channels + height) + width) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Image" + shapeString();
    }
}
