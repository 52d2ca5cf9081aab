package dev.dna.api.adapt;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.image.ImageBatch;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * The channel-shuffling layer CS(a, b), the reference semantics the engines' graph ops must match.
 *
 * <p>The noise predictor's input is {@code concat[x_t, a, b]}: three blocks of {@code k} channels
 * (k = 3, RGB). For each sample {@code i} with {@code swapped[i]}, blocks 1 and 2 trade places; block 0
 * ({@code x_t}) never moves, and the channel order inside a block is kept. It is a per-sample
 * permutation of the two condition blocks and its own inverse.
 *
 * <p>In a graph it is computed without gathers, with a keep mask {@code m = 1 - swapped} of shape
 * [N, 1, 1, 1]: {@code slot1 = m*a + (1-m)*b}, {@code slot2 = m*b + (1-m)*a}, which passes gradients to
 * both a and b.
 */
public final class ChannelShuffle {
    private ChannelShuffle() {}

    /**
     * Draws the per-sample swap decisions: each sample independently swapped with probability 1/2.
     *
     * @param batch samples
     * @param rng one draw per sample
     * @return whether each sample is swapped
     */
    public static boolean[] drawMask(int batch, UniformRandomProvider rng) {
        checkArgument(batch >= 1, "batch must be >= 1, got %s", batch);
        boolean[] m = new boolean[batch];
        for (int i = 0; i < batch; i++) {
            m[i] = rng.nextBoolean();
        }
        return m;
    }

    /**
     * The keep mask {@code m = 1 - swapped} as floats, shape [N] (fed to a graph as [N, 1, 1, 1]).
     *
     * @param swapped from {@link #drawMask}
     * @return 1 where kept, 0 where swapped
     */
    public static float[] keepMask(boolean[] swapped) {
        float[] m = new float[swapped.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = swapped[i] ? 0f : 1f;
        }
        return m;
    }

    /**
     * Applies CS to a conditioned input {@code concat[x_t, a, b]} of shape [N, 3k, H, W].
     *
     * @param conditioned the noise predictor's input, channels a multiple of 3
     * @param swapped per-sample decisions, length N
     * @return a new batch with blocks 1 and 2 exchanged in the swapped samples
     */
    public static ImageBatch apply(ImageBatch conditioned, boolean[] swapped) {
        checkArgument(conditioned.channels() % 3 == 0,
                "channel shuffle needs concat[x_t, a, b] with a channel count divisible by 3, got %s",
                conditioned.channels());
        checkArgument(swapped.length == conditioned.size(), "mask has %s entries for a batch of %s", swapped.length,
                conditioned.size());
        int k = conditioned.channels() / 3;
        ImageBatch xt = conditioned.channelSlice(0, k);
        ImageBatch a = conditioned.channelSlice(k, k);
        ImageBatch b = conditioned.channelSlice(2 * k, k);
        Slots s = shuffle(a, b, swapped);
        return ImageBatch.concatChannels(xt, s.first(), s.second());
    }

    /**
     * CS on the two conditions alone: which of a and b lands in slot 1 and which in slot 2.
     *
     * @param a the first condition
     * @param b the second condition, of {@code a}'s shape
     * @param swapped one decision per sample
     * @return the two slots
     */
    public static Slots shuffle(ImageBatch a, ImageBatch b, boolean[] swapped) {
        checkArgument(a.sameShape(b), "conditions differ in shape: %s vs %s", a.shapeString(), b.shapeString());
        checkArgument(swapped.length == a.size(), "mask has %s entries for a batch of %s", swapped.length, a.size());
        float[] fa = a.toArray();
        float[] fb = b.toArray();
        float[] s1 = new float[fa.length];
        float[] s2 = new float[fa.length];
        int per = a.imageSize();
        for (int i = 0; i < a.size(); i++) {
            float[] first = swapped[i] ? fb : fa;
            float[] second = swapped[i] ? fa : fb;
            System.arraycopy(first, i * per, s1, i * per, per);
            System.arraycopy(second, i * per, s2, i * per, per);
        }
        return new Slots(ImageBatch.of(a.size(), a.channels(), a.height(), a.width(), s1),
                ImageBatch.of(a.size(), a.channels(), a.height(), a.width(), s2));
    }

    /** The two condition slots after shuffling. */
    public record Slots(ImageBatch first, ImageBatch second) {}
}
