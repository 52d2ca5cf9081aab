package dev.dna.api.image;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable batch of images of one shape: [N, C, H, W], float, row-major. The unit that crosses
 * into the engines, which copy it into their own tensors.
 */
public final class ImageBatch {
    private final int n;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] data;

    private ImageBatch(int n, int channels, int height, int width, float[] data) {
        this.n = n;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
    }

    /**
     * A batch over a copy of {@code data}, laid out as [N, C, H, W].
     *
     * @param n N, at least 1
     * @param channels C, at least 1
     * @param height H, at least 1
     * @param width W, at least 1
     * @param data N*C*H*W values in [N, C, H, W] order; copied
     * @return the batch
     */
    public static ImageBatch of(int n, int channels, int height, int width, float[] data) {
        checkArgument(n >= 1 && channels >= 1 && height >= 1 && width >= 1,
                "batch shape must be positive, got [%s, %s, %s, %s]", n, channels, height, width);
        checkNotNull(data, "data");
        checkArgument(data.length == (long) n * channels * height * width,
                "data has %s values, but shape [%s, %s, %s, %s] needs %s", data.length, n, channels, height, width,
                (long) n * channels * height * width);
        return new ImageBatch(n, channels, height, width, data.clone());
    }

    /**
     * Stacks images of one shape.
     *
     * @param images at least one, all of one shape [C, H, W]
     * @return the batch [N, C, H, W]
     */
    public static ImageBatch stack(List<Image> images) {
        checkArgument(images != null && !images.isEmpty(), "cannot stack an empty list of images");
        Image first = images.get(0);
        float[] d = new float[images.size() * first.size()];
        for (int i = 0; i < images.size(); i++) {
            Image im = images.get(i);
            checkArgument(im.sameShape(first), "image %s has shape %s, image 0 has %s", i, im.shapeString(),
                    first.shapeString());
            im.copyTo(d, i * first.size());
        }
        return new ImageBatch(images.size(), first.channels(), first.height(), first.width(), d);
    }

    /**
     * Stacks equally shaped images into one batch [N, C, H, W].
     *
     * @param images at least one, all of one shape [C, H, W]
     * @return the batch
     */
    public static ImageBatch stack(Image... images) {
        return stack(Arrays.asList(images));
    }

    /** {@return N, the number of images} */
    public int size() {
        return n;
    }

    /** {@return C, the channels per image} */
    public int channels() {
        return channels;
    }

    /** {@return H, in pixels} */
    public int height() {
        return height;
    }

    /** {@return W, in pixels} */
    public int width() {
        return width;
    }

    /** {@return the shape, [N, C, H, W]} */
    public int[] shape() {
        return new int[] {n, channels, height, width};
    }

    /** {@return the values per image, C*H*W} */
    public int imageSize() {
        return channels * height * width;
    }

    /**
     * The value of image {@code i}, channel {@code c}, row {@code y}, column {@code x}.
     *
     * @param i the image, from 0
     * @param c the channel, from 0
     * @param y the row, from 0 at the top
     * @param x the column, from 0 at the left
     * @return the value
     */
    public float get(int i, int c, int y, int x) {
        checkElementIndex(i, n, "sample");
        checkElementIndex(c, channels, "channel");
        checkElementIndex(y, height, "y");
        checkElementIndex(x, width, "x");
        return data[((i * channels + c) * height + y) * width + x];
    }

    /**
     * Image {@code i} [C, H, W], a copy.
     *
     * @param i the image, from 0
     * @return image {@code i} [C, H, W], a copy
     */
    public Image image(int i) {
        checkElementIndex(i, n, "sample");
        return Image.wrap(channels, height, width, Arrays.copyOfRange(data, i * imageSize(), (i + 1) * imageSize()));
    }

    /** {@return the images [C, H, W] in order, copies} */
    public List<Image> images() {
        List<Image> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(image(i));
        }
        return out;
    }

    /** {@return a copy of the values in [N, C, H, W] order} */
    public float[] toArray() {
        return data.clone();
    }

    /**
     * Whether {@code o} has the same [N, C, H, W].
     *
     * @param o another batch
     * @return whether N, C, H and W are equal
     */
    public boolean sameShape(ImageBatch o) {
        return n == o.n && channels == o.channels && height == o.height && width == o.width;
    }

    /** {@return the shape as "[N, C, H, W]", for messages} */
    public String shapeString() {
        return "[" + n + ", " + channels + ", " + height + ", " + width + "]";
    }

    /**
     * Concatenates batches of equal N, H and W along the channel axis, e.g. {@code [x_t, c1, c2]} into the
     * 9-channel input of the noise predictor.
     *
     * @param parts at least one batch, all of the same N, H and W
     * @return the batch [N, sum of C, H, W]
     */
    public static ImageBatch concatChannels(ImageBatch... parts) {
        checkArgument(parts.length >= 1, "nothing to concatenate");
        ImageBatch p0 = parts[0];
        int c = 0;
        for (ImageBatch p : parts) {
            checkArgument(p.n == p0.n && p.height == p0.height && p.width == p0.width,
                    "cannot concatenate %s with %s: N, H and W must agree", p.shapeString(), p0.shapeString());
            c += p.channels;
        }
        int plane = p0.height * p0.width;
        float[] d = new float[p0.n * c * plane];
        for (int i = 0; i < p0.n; i++) {
            int off = i * c * plane;
            for (ImageBatch p : parts) {
                int len = p.channels * plane;
                System.arraycopy(p.data, i * len, d, off, len);
                off += len;
            }
        }
        return new ImageBatch(p0.n, c, p0.height, p0.width, d);
    }

    /**
     * Channels {@code [from, from + count)} of every sample.
     *
     * @param from the first channel, from 0
     * @param count channels, at least 1, within C
     * @return a new batch [N, count, H, W]
     */
    public ImageBatch channelSlice(int from, int count) {
        checkArgument(from >= 0 && count >= 1 && from + count <= channels,
                "channel slice [%s, %s) outside [0, %s)", from, from + count, channels);
        int plane = height * width;
        float[] d = new float[n * count * plane];
        for (int i = 0; i < n; i++) {
            System.arraycopy(data, (i * channels + from) * plane, d, i * count * plane, count * plane);
        }
        return new ImageBatch(n, count, height, width, d);
    }

    /**
     * Elementwise {@code this + other}.
     *
     * @param other a batch of the same shape
     * @return a new batch
     */
    public ImageBatch plus(ImageBatch other) {
        checkArgument(sameShape(other), "shapes differ: %s vs %s", shapeString(), other.shapeString());
        float[] d = new float[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i] + other.data[i];
        }
        return new ImageBatch(n, channels, height, width, d);
    }

    /**
     * Elementwise {@code this - other}.
     *
     * @param other a batch of the same shape
     * @return a new batch
     */
    public ImageBatch minus(ImageBatch other) {
        checkArgument(sameShape(other), "shapes differ: %s vs %s", shapeString(), other.shapeString());
        float[] d = new float[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i] - other.data[i];
        }
        return new ImageBatch(n, channels, height, width, d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageBatch b && sameShape(b) && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "ImageBatch" + shapeString();
    }
}
