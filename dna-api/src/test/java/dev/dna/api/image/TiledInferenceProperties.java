package dev.dna.api.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.testing.Trials;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link TiledInference}'s promise, on networks simple enough to compute by hand: a network that looks at most
 * {@code overlap / 2} pixels around each output pixel gives exactly the untiled result, whatever the image's size,
 * the tile, the overlap and the downsampling factor.
 */
class TiledInferenceProperties {

    /**
     * A local network: each output is a weighted sum of the inputs within {@code radius} pixels (zero outside the
     * input), plus a bias by channel. It refuses inputs whose sides are not multiples of {@code factor}.
     */
    static UnaryOperator<ImageBatch> localFilter(int radius, int factor, AtomicInteger calls) {
        return b -> {
            assertTrue(b.height() % factor == 0 && b.width() % factor == 0, "the network was given " + b.shapeString());
            calls.incrementAndGet();
            int n = b.size();
            int c = b.channels();
            int h = b.height();
            int w = b.width();
            float[] out = new float[n * c * h * w];
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            float s = 0.25f * ch;
                            for (int dy = -radius; dy <= radius; dy++) {
                                for (int dx = -radius; dx <= radius; dx++) {
                                    int yy = y + dy;
                                    int xx = x + dx;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                        // asymmetric weights, mixing the channels: a transposed tile would show
                                        float k = (1 + dy + 2 * radius) * (2 + dx + radius) / (8f * (radius + 1) * (radius + 1));
                                        s += k * b.get(i, (ch + (dy & 1)) % c, yy, xx);
                                    }
                                }
                            }
                            out[((i * c + ch) * h + y) * w + x] = s;
                        }
                    }
                }
            }
            return ImageBatch.of(n, c, h, w, out);
        };
    }

    static Image randomImage(long seed, int channels, int h, int w) {
        float[] d = new float[channels * h * w];
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat();
        }
        return Image.of(channels, h, w, d);
    }

    @Test
    void aNetworkThatSeesAtMostHalfTheOverlapGivesTheUntiledResult() {
        Trials.check(300, c -> {
            int factor = 1 << c.intIn("log2 factor", 0, 3);
            int tile = factor * c.intIn("tile / factor", 1, 48 / factor + 1);
            int overlap = c.intIn("overlap", 0, (tile - 1) / 2);
            int radius = c.intIn("radius", 0, Math.min(overlap / 2, 3));
            int channels = c.intIn("channels", 1, 3);
            int h = c.intIn("height", 1, 3 * tile + 5);
            int w = c.intIn("width", 1, 3 * tile + 5);
            Image x = randomImage(c.anyLong("pixels"), channels, h, w);
            AtomicInteger tiles = new AtomicInteger();
            AtomicInteger whole = new AtomicInteger();
            int big = (Math.max(h, w) + factor - 1) / factor * factor;
            Image expected = new TiledInference(localFilter(radius, factor, whole), factor, big, 0).apply(x);
            java.util.List<String> told = new java.util.ArrayList<>();
            Image got = new TiledInference(localFilter(radius, factor, tiles), factor, tile, overlap)
                    .apply(x, (done, total) -> told.add(done + "/" + total));
            assertEquals(1, whole.get());
            assertEquals(x.channels(), got.channels());
            assertEquals(h, got.height());
            assertEquals(w, got.width());
            float[] e = expected.toArray();
            float[] g = got.toArray();
            for (int i = 0; i < e.length; i++) {
                if (Math.abs(e[i] - g[i]) > 1e-5f * Math.max(1f, Math.abs(e[i]))) {
                    int p = i % (h * w);
                    throw new AssertionError("pixel (" + i / (h * w) + ", " + p / w + ", " + p % w + "): tiled " + g[i]
                            + ", untiled " + e[i] + " (" + tiles.get() + " tiles)");
                }
            }
            // one pass per tile, and no more tiles than the overlap needs: along each side, padded to the factor,
            // ceil((side - tile) / (tile - 2 overlap)) + 1
            int step = tile - 2 * overlap;
            int ph = (h + factor - 1) / factor * factor;
            int pw = (w + factor - 1) / factor * factor;
            int expectedTiles = h <= tile && w <= tile ? 1
                    : tilesAlong(ph, tile, step) * tilesAlong(pw, tile, step);
            assertEquals(expectedTiles, tiles.get(), "passes");
            // the progress is told before the first pass and after each: 0/n, 1/n, ..., n/n
            java.util.List<String> expectedTold = new java.util.ArrayList<>();
            for (int k = 0; k <= expectedTiles; k++) {
                expectedTold.add(k + "/" + expectedTiles);
            }
            assertEquals(expectedTold, told, "progress");
        });
    }

    private static int tilesAlong(int side, int tile, int step) {
        return side <= tile ? 1 : (side - tile + step - 1) / step + 1;
    }

    @Test
    void aWiderNetworkShowsTheTileBorders() { // the property above can fail: the ramps hide only what they promise
        AtomicInteger calls = new AtomicInteger();
        Image x = randomImage(7, 1, 40, 40);
        Image whole = new TiledInference(localFilter(3, 1, calls), 1, 40, 0).apply(x);
        Image tiled = new TiledInference(localFilter(3, 1, calls), 1, 24, 2).apply(x);
        float worst = 0;
        for (int i = 0; i < 40 * 40; i++) {
            worst = Math.max(worst, Math.abs(whole.toArray()[i] - tiled.toArray()[i]));
        }
        assertTrue(worst > 1e-3f, "radius 3 against an overlap of 2 left no seam: " + worst);
    }
}
