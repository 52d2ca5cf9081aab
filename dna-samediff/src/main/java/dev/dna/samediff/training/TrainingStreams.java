package dev.dna.samediff.training;

import dev.dna.api.random.Rngs;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.rng.RestorableUniformRandomProvider;

/**
 * The random streams of a training run, one per purpose, all derived from the plan's seed; their
 * states go into checkpoints so that a resumed run draws exactly what an uninterrupted one would.
 */
public final class TrainingStreams {
    /** The stream that draws the synthetic pairs' patches and their degradations. */
    public static final String SYNTHETIC_DATA = "data/synthetic";
    /** The stream that draws the real images' patches. */
    public static final String REAL_DATA = "data/real";
    static final String NOISE = "noise";
    static final String LEVELS = "levels";
    static final String MASKS = "masks";
    static final String DROPOUT = "dropout";

    private final Map<String, RestorableUniformRandomProvider> streams = new LinkedHashMap<>();

    /**
     * The streams of a run of seed {@code seed}, each a function of the seed and its purpose.
     *
     * @param seed the run's seed
     */
    public TrainingStreams(long seed) {
        for (String p : new String[] {SYNTHETIC_DATA, REAL_DATA, NOISE, LEVELS, MASKS, DROPOUT}) {
            streams.put(p, Rngs.stream(seed, "train/" + p));
        }
    }

    /**
     * The stream of {@code purpose} (one of the constants above).
     *
     * @param purpose one of the constants above
     * @return the stream
     */
    public RestorableUniformRandomProvider get(String purpose) {
        return streams.get(purpose);
    }

    /** {@return every stream's state, by purpose, for a checkpoint} */
    public Map<String, byte[]> save() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        streams.forEach((k, v) -> out.put(k, Rngs.saveState(v)));
        return out;
    }

    /**
     * Puts back the states of {@link #save}.
     *
     * @param states from {@link #save}
     * @throws IllegalArgumentException naming a stream whose state is missing or not a state, before any stream is changed
     */
    public void restore(Map<String, byte[]> states) {
        check(states);
        streams.forEach((purpose, stream) -> Rngs.restoreState(stream, states.get(purpose)));
    }

    /** Checks states for {@link #restore} without changing any stream: each is tried on a scratch stream. */
    private void check(Map<String, byte[]> states) {
        for (String purpose : streams.keySet()) {
            byte[] s = states.get(purpose);
            if (s == null) {
                throw new IllegalArgumentException("checkpoint has no state for random stream '" + purpose + "'");
            }
            try {
                Rngs.restoreState(Rngs.stream(0, "check"), s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("random stream '" + purpose + "': " + e.getMessage(), e);
            }
        }
    }
}
