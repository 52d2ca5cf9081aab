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

    /**
     * An image over a copy of {@code data}, laid out as [C, H, W].
     *
     * @param channels C, at least 1
     * @param height H, in pixels, at least 1
     * @param width W, in pixels, at least 1
     * @param data C*H*W values, [C, H, W] in row-major order; copied
     * @return the image
     */
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

    /**
     * An image filled with {@code value}.
     *
     * @param channels C, at least 1
     * @param height H, in pixels, at least 1
     * @param width W, in pixels, at least 1
     * @param value every pixel's value
     * @return the image
     */
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

    /** {@return C, the number of channels (3 for RGB)} */
    public int channels() {
        return channels;
    }

    /** {@return H, the height in pixels} */
    public int height() {
        return height;
    }

    /** {@return W, the width in pixels} */
    public int width() {
        return width;
    }

    /** {@return the number of values, C*H*W} */
    public int size() {
        return data.length;
    }

    /**
     * The value at channel {@code c}, row {@code y}, column {@code x}.
     *
     * @param c the channel, from 0
     * @param y the row, from 0 at the top
     * @param x the column, from 0 at the left
     * @return the value
     */
    public float get(int c, int y, int x) {
        checkElementIndex(c, channels, "channel");
        checkElementIndex(y, height, "y");
        checkElementIndex(x, width, "x");
        return data[(c * height + y) * width + x];
    }

    /** {@return a copy of the values in [C, H, W] order} */
    public float[] toArray() {
        return data.clone();
    }

    /**
     * Copies the values into {@code dst} at {@code offset}.
     *
     * @param dst the array to write into, with room for {@link #size()} values from {@code offset}
     * @param offset where the first value goes
     */
    public void copyTo(float[] dst, int offset) {
        System.arraycopy(data, 0, dst, offset, data.length);
    }

    /** Read-only view used by this package's algorithms. */
    float[] raw() {
        return data;
    }

    /**
     * Whether {@code o} has the same [C, H, W].
     *
     * @param o another image
     * @return whether C, H and W are equal
     */
    public boolean sameShape(Image o) {
        return channels == o.channels && height == o.height && width == o.width;
    }

    /** {@return the shape as "[C, H, W]"} */
    public String shapeString() {
        return "[" + channels + ", " + height + ", " + width + "]";
    }

    /** {@return a new image with values clamped to [0, 1] and NaN made 0} */
    public Image clip() {
        float[] d = new float[data.length];
        for (int i = 0; i < d.length; i++) {
            float v = data[i];
            d[i] = v > 0f ? Math.min(v, 1f) : 0f;
        }
        return new Image(channels, height, width, d);
    }

    /**
     * The sub-image of {@code h x w} pixels whose top-left corner is ({@code top}, {@code left}).
     *
     * @param top the first row, from 0
     * @param left the first column, from 0
     * @param h rows, at least 1, within the image
     * @param w columns, at least 1, within the image
     * @return a new image [C, h, w]
     */
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
     *
     * @param side the square's side in pixels, at most the image's shorter side
     * @return a new image [C, side, side]
     */
    public Image centerCrop(int side) {
        checkArgument(side >= 1, "side must be >= 1, got %s", side);
        int s = Math.min(side, Math.min(height, width));
        return crop((height - s) / 2, (width - s) / 2, s, s);
    }

    /**
     * Elementwise {@code this + other}.
     *
     * @param other an image of the same shape
     * @return a new image
     */
    public Image plus(Image other) {
        checkArgument(sameShape(other), "shapes differ: %s vs %s", shapeString(), other.shapeString());
        float[] d = new float[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i] + other.data[i];
        }
        return new Image(channels, height, width, d);
    }

    /**
     * Elementwise {@code this - other}.
     *
     * @param other an image of the same shape
     * @return a new image
     */
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
