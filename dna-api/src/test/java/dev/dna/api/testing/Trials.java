package dev.dna.api.testing;

import dev.dna.api.random.Rngs;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Property checks on JUnit alone: {@link #check} runs a property on cases drawn at random, each case from a stream of its
 * own (so that a failing one is replayed alone), a range's ends drawn often (where off-by-one and overflow bugs live). A
 * failure names the case: its number, its seed and every value drawn, by name.
 *
 * <p>System properties, for longer runs: {@code -Ddna.trials.factor=N} multiplies every property's number of cases;
 * {@code -Ddna.trials.seed=S} draws other cases (default 0: every build checks the same cases);
 * {@code -Ddna.trials.case=SEED} runs only the case of that seed, as a failure prints it.
 *
 * <pre>{@code
 * Trials.check(2000, c -> decodeOrFail(mutate(PNG, c.intIn("at", 0, 1 << 20), c.intIn("value", 0, 255), c.intIn("how", 0, 3))));
 * }</pre>
 */
public final class Trials {
    private Trials() {}

    /**
     * Runs {@code property} on {@code tries} cases (times {@code dna.trials.factor}).
     *
     * @throws AssertionError naming the first failing case, its seed and its drawn values, with the property's failure as
     *     its cause
     */
    public static void check(int tries, Property property) {
        String only = System.getProperty("dna.trials.case", "");
        if (!only.isBlank()) { // Maven passes an unset property as ""
            run(property, 0, 1, Long.parseLong(only));
            return;
        }
        long base = Long.parseLong(System.getProperty("dna.trials.seed", "0").strip());
        int n = tries * factor();
        for (int k = 0; k < n; k++) {
            run(property, k, n, base * 0x9E3779B97F4A7C15L + k);
        }
    }

    /** How many times its cases each property runs: {@code dna.trials.factor}, 1 unless set. */
    public static int factor() {
        return Integer.parseInt(System.getProperty("dna.trials.factor", "1").strip());
    }

    private static void run(Property property, int k, int n, long seed) {
        Case c = new Case(Rngs.create(seed));
        try {
            property.check(c);
        } catch (Throwable e) { // an Error too (a reader's StackOverflowError on a hostile file): the case is named
            throw new AssertionError("case " + (k + 1) + " of " + n + " failed (-Ddna.trials.case=" + seed
                    + " replays it alone): " + c.drawn + ": " + e, e);
        }
    }

    /** A property of one case: it returns when the case holds, and throws (an assertion or any exception) when not. */
    @FunctionalInterface
    public interface Property {
        /**
         * Checks the property on one case.
         *
         * @param c the case, which draws the property's values
         * @throws Exception if the property does not hold: any exception fails the case
         */
        void check(Case c) throws Exception;
    }

    /** One case: values drawn by name from its stream, and remembered for the failure message. */
    public static final class Case {
        private final UniformRandomProvider random;
        final Map<String, Object> drawn = new LinkedHashMap<>();

        Case(UniformRandomProvider random) {
            this.random = random;
        }

        /** An int in [min, max], either end with probability 1/16 each. */
        public int intIn(String name, int min, int max) {
            if (min > max) {
                throw new IllegalArgumentException(name + ": empty range [" + min + ", " + max + "]");
            }
            int edge = random.nextInt(16);
            int v = edge == 0 ? min : edge == 1 ? max : (int) (min + random.nextLong((long) max - min + 1));
            return remember(name, v);
        }

        /** Any long; 0, -1, 1, {@code Long.MIN_VALUE} and {@code Long.MAX_VALUE} with probability 1/32 each. */
        public long anyLong(String name) {
            long[] edges = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE};
            int e = random.nextInt(32);
            return remember(name, e < edges.length ? edges[e] : random.nextLong());
        }

        /** A double in [min, max], either end with probability 1/16 each. */
        public double doubleIn(String name, double min, double max) {
            int edge = random.nextInt(16);
            double v = edge == 0 ? min : edge == 1 ? max : Math.min(max, min + (max - min) * random.nextDouble());
            return remember(name, v);
        }

        /** True or false, evenly. */
        public boolean bool(String name) {
            return remember(name, random.nextBoolean());
        }

        /** One of an enum's constants, evenly. */
        public <E extends Enum<E>> E oneOf(String name, Class<E> type) {
            E[] values = type.getEnumConstants();
            return remember(name, values[random.nextInt(values.length)]);
        }

        private <T> T remember(String name, T value) {
            drawn.put(name, value);
            return value;
        }
    }
}
