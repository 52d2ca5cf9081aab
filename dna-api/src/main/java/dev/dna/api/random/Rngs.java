package dev.dna.api.random;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import org.apache.commons.rng.RestorableUniformRandomProvider;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.core.RandomProviderDefaultState;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Every random draw in dna comes from a seeded Apache Commons RNG generator made here, so that a run
 * is a function of its seed and its generators' states can be saved in a checkpoint and restored.
 *
 * <p>The algorithm is xoroshiro128++ ({@link #SOURCE}); Gaussian draws use the McFarland ziggurat.
 * Independent streams for independent purposes (noise, timesteps, masks, patches) come from
 * {@link #stream(long, String)}, so that adding a draw to one purpose does not shift the others.
 */
public final class Rngs {
    /** The generator algorithm of every stream. */
    public static final RandomSource SOURCE = RandomSource.XO_RO_SHI_RO_128_PP;

    private Rngs() {}

    /**
     * A generator seeded with {@code seed}.
     *
     * @param seed any value
     * @return a new generator
     */
    public static RestorableUniformRandomProvider create(long seed) {
        return SOURCE.create(seed);
    }

    /**
     * The generator of the stream named {@code purpose} under {@code seed}: the seed mixed with a hash of
     * the name through SplitMix64's finalizer, so that streams of one seed are unrelated.
     *
     * @param seed the run's seed
     * @param purpose the stream's name, e.g. {@code "init/restorer"}
     * @return a new generator
     */
    public static RestorableUniformRandomProvider stream(long seed, String purpose) {
        checkNotNull(purpose, "purpose");
        long h = 1125899906842597L;
        for (int i = 0; i < purpose.length(); i++) {
            h = 31 * h + purpose.charAt(i);
        }
        return create(mix(seed ^ mix(h)));
    }

    /** SplitMix64's output function: a bijection that scatters nearby seeds. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Standard normal draws from {@code rng}.
     *
     * @param rng the source of the draws
     * @return the sampler
     */
    public static ZigguratSampler.NormalizedGaussian gaussian(UniformRandomProvider rng) {
        return ZigguratSampler.NormalizedGaussian.of(rng);
    }

    /**
     * Uniform in [lo, hi); {@code lo} when the range is empty.
     *
     * @param rng one draw is taken
     * @param lo the lower bound
     * @param hi the upper bound
     * @return the draw
     */
    public static double uniform(UniformRandomProvider rng, double lo, double hi) {
        checkArgument(hi >= lo, "uniform range [%s, %s) is reversed", lo, hi);
        return hi == lo ? lo : lo + (hi - lo) * rng.nextDouble();
    }

    /**
     * The generator's state, for a checkpoint.
     *
     * @param rng a generator of {@link #create} or {@link #stream}
     * @return the state's bytes
     */
    public static byte[] saveState(RestorableUniformRandomProvider rng) {
        return ((RandomProviderDefaultState) rng.saveState()).getState();
    }

    /**
     * Restores a state written by {@link #saveState}.
     *
     * @param rng a generator of {@link #create} or {@link #stream}
     * @param state bytes from {@link #saveState}
     * @throws IllegalArgumentException if the bytes are not a state of {@link #SOURCE}
     */
    public static void restoreState(RestorableUniformRandomProvider rng, byte[] state) {
        checkNotNull(state, "state");
        try {
            rng.restoreState(new RandomProviderDefaultState(state));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a saved " + SOURCE + " state (" + state.length + " bytes)", e);
        }
    }
}
