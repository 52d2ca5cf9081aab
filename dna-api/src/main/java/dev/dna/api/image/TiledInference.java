package dev.dna.api.image;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs an image-to-image network on an image of any size, the one implementation every engine uses:
 * the input is padded by edge replication to a multiple of the network's downsampling factor and the
 * output cropped back; images larger than the tile are processed in tiles overlapping by
 * {@code 2 * overlap}, whose outer {@code overlap / 2} pixels at interior edges are dropped and the rest
 * blended with linear ramps, so that memory is bounded by the tile. A network whose receptive radius is
 * at most {@code overlap / 2} gives exactly the untiled result ({@code TiledInferenceProperties} checks it).
 *
 * @param network maps a batch [1, C, h, w] (h and w multiples of {@code factor}) to [1, C, h, w]
 * @param factor the network's downsampling factor
 * @param tile largest side processed at once, a multiple of {@code factor}
 * @param overlap tile overlap parameter, in [0, tile / 2)
 */
public record TiledInference(UnaryOperator<ImageBatch> network, int factor, int tile, int overlap) {

    /** Checks the components: an exception names any that is missing or out of range. */
    public TiledInference {
        checkNotNull(network, "network");
        checkArgument(factor >= 1, "factor must be >= 1, got %s", factor);
        checkArgument(tile >= factor && tile % factor == 0, "tile size must be a positive multiple of %s, got %s", factor, tile);
        checkArgument(overlap >= 0 && 2 * overlap < tile, "tile overlap must be in [0, tile/2), got %s", overlap);
    }

    /** Default overlap parameter (tiles overlap by twice this). */
    public static final int DEFAULT_OVERLAP = 32;

    /**
     * The default tile side for a network of downsampling {@code factor}: 1024 rounded down to a multiple of it.
     * Tiles cost their overlap: a 1024x1024 image in tiles of 512 is 9 overlapping tiles, 2.25x the pixels,
     * and took ONNX Runtime 1.46 s against 0.56-0.62 s in one pass (docs/lab/benchmarks-2026-11-to-12.md). At 1024 a small
     * restorer's activations take some hundred MB.
     *
     * @param factor the network's downsampling factor
     * @return the tile side in pixels, a multiple of {@code factor}
     */
    public static int defaultTile(int factor) {
        return Math.max(factor, (1024 / factor) * factor);
    }

    /**
     * The default tiling: {@link #defaultTile(int)}, overlap {@value #DEFAULT_OVERLAP}.
     *
     * @param network restores a batch [N, C, h, w] whose h and w are multiples of {@code factor}
     * @param factor the network's downsampling factor
     * @return the tiling
     */
    public static TiledInference of(UnaryOperator<ImageBatch> network, int factor) {
        return new TiledInference(network, factor, defaultTile(factor), DEFAULT_OVERLAP);
    }

    /** Told of the passes of one {@link #apply} as they end, for a progress display. */
    @FunctionalInterface
    public interface Progress {
        /** Tells nothing. */
        Progress NONE = (done, total) -> { };

        /**
         * Called once before the first pass ({@code done} 0) and after each.
         *
         * @param done the passes ended so far
         * @param total the passes of this image: 1 when it is restored whole, else the number of tiles
         */
        void passes(int done, int total);
    }

    /**
     * Restores {@code x} [C, H, W]; the result has the same shape and is not clipped.
     *
     * @param x an image of any size
     * @return the restored image
     */
    public Image apply(Image x) {
        return apply(x, Progress.NONE);
    }

    /**
     * Restores {@code x} [C, H, W] as {@link #apply(Image)} does, telling {@code progress} of each pass.
     *
     * @param x an image of any size
     * @param progress told of each tile as it ends
     * @return the restored image
     */
    public Image apply(Image x, Progress progress) {
        checkNotNull(x, "x");
        checkNotNull(progress, "progress");
        int h = x.height();
        int w = x.width();
        // padded to the factor once, for one pass and for tiles alike, so that the tiles at the bottom and right edges
        // see what one pass sees there; every pass's sides are then multiples of the factor
        int ph = roundUp(h);
        int pw = roundUp(w);
        Image padded = ph == h && pw == w ? x : replicatePad(x, ph, pw);
        Image restored;
        if (ph <= tile && pw <= tile) {
            progress.passes(0, 1);
            restored = run(padded);
            progress.passes(1, 1);
        } else {
            restored = tiled(padded, progress);
        }
        return ph == h && pw == w ? restored : restored.crop(0, 0, h, w);
    }

    /** Restores {@code x} in overlapping tiles; its sides are multiples of the factor. */
    private Image tiled(Image x, Progress progress) {
        int h = x.height();
        int w = x.width();
        int ch = x.channels();
        float[] acc = new float[ch * h * w];
        float[] wsum = new float[h * w];
        int th = Math.min(tile, h);
        int tw = Math.min(tile, w);
        int[] tops = origins(h, th);
        int[] lefts = origins(w, tw);
        int done = 0;
        progress.passes(0, tops.length * lefts.length);
        for (int top : tops) {
            for (int left : lefts) {
                float[] o = run(x.crop(top, left, th, tw)).raw();
                for (int y = 0; y < th; y++) {
                    float wy = ramp(y, th, top == 0, top + th == h);
                    for (int xx = 0; xx < tw; xx++) {
                        float wt = wy * ramp(xx, tw, left == 0, left + tw == w);
                        int p = (top + y) * w + left + xx;
                        wsum[p] += wt;
                        for (int c = 0; c < ch; c++) {
                            acc[c * h * w + p] += wt * o[(c * th + y) * tw + xx];
                        }
                    }
                }
                progress.passes(++done, tops.length * lefts.length);
            }
        }
        for (int c = 0; c < ch; c++) {
            for (int p = 0; p < h * w; p++) {
                acc[c * h * w + p] /= wsum[p];
            }
        }
        return Image.wrap(ch, h, w, acc);
    }

    private int[] origins(int len, int t) {
        if (len <= t) {
            return new int[] {0};
        }
        int step = Math.max(1, t - 2 * overlap);
        List<Integer> o = new ArrayList<>();
        for (int p = 0; ; p += step) {
            if (p + t >= len) {
                o.add(len - t);
                break;
            }
            o.add(p);
        }
        return o.stream().mapToInt(Integer::intValue).toArray();
    }

    private float ramp(int i, int n, boolean atStart, boolean atEnd) {
        float r = 1f;
        if (!atStart) {
            r = Math.min(r, edgeWeight(i));
        }
        if (!atEnd) {
            r = Math.min(r, edgeWeight(n - 1 - i));
        }
        return r;
    }

    private float edgeWeight(int d) {
        int margin = overlap / 2;
        return d < margin ? 0f : Math.min(1f, (d - margin + 1f) / (overlap + 1f));
    }

    private int roundUp(int side) {
        return (side + factor - 1) / factor * factor;
    }

    /** One pass of the network over {@code x}, whose sides are multiples of the factor. */
    private Image run(Image x) {
        ImageBatch out = network.apply(ImageBatch.stack(x));
        checkArgument(out.size() == 1 && out.channels() == x.channels() && out.height() == x.height()
                && out.width() == x.width(), "the network returned %s for an input of [1, %s, %s, %s]", out.shapeString(),
                x.channels(), x.height(), x.width());
        return out.image(0);
    }

    /**
     * {@code x} padded at the bottom and right to {@code ph x pw} by repeating the last row and column.
     *
     * @param x the image [C, H, W]
     * @param ph the height wanted, at least H
     * @param pw the width wanted, at least W
     * @return a new image [C, ph, pw]
     */
    public static Image replicatePad(Image x, int ph, int pw) {
        int h = x.height();
        int w = x.width();
        checkArgument(ph >= h && pw >= w, "cannot pad %s down to %sx%s", x.shapeString(), ph, pw);
        float[] src = x.raw();
        float[] out = new float[x.channels() * ph * pw];
        for (int c = 0; c < x.channels(); c++) {
            for (int y = 0; y < ph; y++) {
                int sy = Math.min(y, h - 1);
                for (int xx = 0; xx < pw; xx++) {
                    out[(c * ph + y) * pw + xx] = src[(c * h + sy) * w + Math.min(xx, w - 1)];
                }
            }
        }
        return Image.wrap(x.channels(), ph, pw, out);
    }
}
