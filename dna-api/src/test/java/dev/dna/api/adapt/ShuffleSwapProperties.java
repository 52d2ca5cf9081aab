package dev.dna.api.adapt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.image.ImageBatch;
import dev.dna.api.random.Rngs;
import java.util.HashSet;
import java.util.Set;
import dev.dna.api.testing.Trials;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;

class ShuffleSwapProperties {

    /** A random NCHW batch with 3 channels (one condition block). */
    record Case(int n, int h, int w, long seed) {
        ImageBatch batch(int salt, int channels) {
            UniformRandomProvider r = Rngs.create(seed * 31 + salt);
            float[] d = new float[n * channels * h * w];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (r.nextDouble() * 2 - 0.5);
            }
            return ImageBatch.of(n, channels, h, w, d);
        }

        boolean[] mask(int salt) {
            return ChannelShuffle.drawMask(n, Rngs.create(seed * 17 + salt));
        }
    }

    /** 1 to 6 samples of 1 to 5 x 1 to 5 pixels, and the seed of their values and masks. */
    static Case cases(Trials.Case t) {
        return new Case(t.intIn("n", 1, 6), t.intIn("h", 1, 5), t.intIn("w", 1, 5), t.anyLong("seed"));
    }

    @Test
    void shuffleNeverMovesXtAndPermutesTheTwoBlocksPerSample() {
        Trials.check(1000, t -> {
            Case c = cases(t);
            ImageBatch xt = c.batch(0, 3);
            ImageBatch a = c.batch(1, 3);
            ImageBatch b = c.batch(2, 3);
            boolean[] m = c.mask(0);
            ImageBatch out = ChannelShuffle.apply(ImageBatch.concatChannels(xt, a, b), m);
            assertEquals(9, out.channels());
            assertEquals(xt, out.channelSlice(0, 3), "x_t moved");
            for (int i = 0; i < c.n(); i++) {
                // RGB order inside a block is untouched: each slot is exactly one of the blocks, for this sample
                assertEquals(m[i] ? b.image(i) : a.image(i), out.channelSlice(3, 3).image(i));
                assertEquals(m[i] ? a.image(i) : b.image(i), out.channelSlice(6, 3).image(i));
            }
        });
    }

    @Test
    void shuffleIsItsOwnInverse() {
        Trials.check(1000, t -> {
            Case c = cases(t);
            ImageBatch in = ImageBatch.concatChannels(c.batch(0, 3), c.batch(1, 3), c.batch(2, 3));
            boolean[] m = c.mask(1);
            assertEquals(in, ChannelShuffle.apply(ChannelShuffle.apply(in, m), m));
        });
    }

    @Test
    void shuffleKeepsEachSamplesUnorderedPair() {
        Trials.check(1000, t -> {
            Case c = cases(t);
            ImageBatch a = c.batch(1, 3);
            ImageBatch b = c.batch(2, 3);
            ChannelShuffle.Slots s = ChannelShuffle.shuffle(a, b, c.mask(2));
            for (int i = 0; i < c.n(); i++) {
                Set<Object> before = new HashSet<>(java.util.List.of(a.image(i), b.image(i)));
                Set<Object> after = new HashSet<>(java.util.List.of(s.first().image(i), s.second().image(i)));
                assertEquals(before, after);
            }
        });
    }

    @Test
    void keepMaskFormulaMatchesTheReference() {
        Trials.check(1000, t -> {
            Case c = cases(t);
            // the gather-free form the graph uses: slot1 = m a + (1-m) b, slot2 = m b + (1-m) a
            ImageBatch a = c.batch(1, 3);
            ImageBatch b = c.batch(2, 3);
            boolean[] swapped = c.mask(3);
            float[] m = ChannelShuffle.keepMask(swapped);
            ChannelShuffle.Slots s = ChannelShuffle.shuffle(a, b, swapped);
            float[] fa = a.toArray();
            float[] fb = b.toArray();
            float[] s1 = s.first().toArray();
            float[] s2 = s.second().toArray();
            int per = a.imageSize();
            for (int k = 0; k < fa.length; k++) {
                float mk = m[k / per];
                assertEquals(mk * fa[k] + (1 - mk) * fb[k], s1[k], 0f);
                assertEquals(mk * fb[k] + (1 - mk) * fa[k], s2[k], 0f);
            }
        });
    }

    /**
     * Each block lands in each slot with frequency 1/2. With 200,000 Bernoulli(1/2) draws the standard
     * deviation of the frequency is 0.00112; the tolerance 0.005 is about 4.5 sigma (fixed seed).
     */
    @Test
    void eachBlockTakesEachSlotHalfTheTime() {
        int n = 200_000;
        boolean[] m = ChannelShuffle.drawMask(n, Rngs.create(20250101));
        int swapped = 0;
        for (boolean s : m) {
            swapped += s ? 1 : 0;
        }
        double f = (double) swapped / n;
        assertEquals(0.5, f, 0.005, "swap frequency");
        // and decisions are independent of their neighbours: P(swap | previous swapped) is also 1/2
        int both = 0;
        for (int i = 1; i < n; i++) {
            both += m[i] && m[i - 1] ? 1 : 0;
        }
        assertEquals(0.5, (double) both / Math.max(1, swapped), 0.01, "conditional swap frequency");
    }

    @Test
    void swapTwiceIsIdentity() {
        Trials.check(1000, t -> {
            Case c = cases(t);
            ImageBatch xs = c.batch(0, 3);
            ImageBatch xr = c.batch(1, 3);
            ImageBatch ys = c.batch(2, 3);
            ImageBatch yr = c.batch(3, 3);
            ResidualSwap.Pair once = ResidualSwap.swap(xs, xr, ys, yr);
            ResidualSwap.Pair twice = ResidualSwap.swap(xs, xr, once.synthetic(), once.real());
            assertArrayEquals(ys.toArray(), twice.synthetic().toArray(), 1e-5f);
            assertArrayEquals(yr.toArray(), twice.real().toArray(), 1e-5f);
        });
    }

    @Test
    void swapPreservesTheSumOfTheConditions() {
        Trials.check(1000, t -> {
            Case c = cases(t);
            ImageBatch xs = c.batch(0, 3);
            ImageBatch xr = c.batch(1, 3);
            ImageBatch rs = c.batch(2, 3);
            ImageBatch rr = c.batch(3, 3);
            ResidualSwap.Pair neg = ResidualSwap.fromResiduals(xs, xr, rs, rr);
            ImageBatch posSum = xs.plus(rs).plus(xr.plus(rr));
            assertArrayEquals(posSum.toArray(), neg.synthetic().plus(neg.real()).toArray(), 1e-5f);
            // and it is the same operation as swap() on the restored images
            ResidualSwap.Pair viaRestored = ResidualSwap.swap(xs, xr, xs.plus(rs), xr.plus(rr));
            assertArrayEquals(neg.synthetic().toArray(), viaRestored.synthetic().toArray(), 1e-5f);
            assertArrayEquals(neg.real().toArray(), viaRestored.real().toArray(), 1e-5f);
        });
    }

    @Test
    void swapIsIdentityWhenResidualsAreEqual() {
        Trials.check(1000, t -> {
            Case c = cases(t);
            ImageBatch xs = c.batch(0, 3);
            ImageBatch xr = c.batch(1, 3);
            ImageBatch r = c.batch(2, 3);
            ResidualSwap.Pair neg = ResidualSwap.fromResiduals(xs, xr, r, r);
            assertEquals(xs.plus(r), neg.synthetic());
            assertEquals(xr.plus(r), neg.real());
        });
    }

    @Test
    void swapChangesTheConditionsWhenResidualsDiffer() {
        Case c = new Case(2, 3, 3, 7);
        ResidualSwap.Pair neg = ResidualSwap.fromResiduals(c.batch(0, 3), c.batch(1, 3), c.batch(2, 3), c.batch(3, 3));
        assertTrue(!neg.synthetic().equals(c.batch(0, 3).plus(c.batch(2, 3))));
    }
}
