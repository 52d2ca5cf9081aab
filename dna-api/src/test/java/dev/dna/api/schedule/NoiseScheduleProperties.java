package dev.dna.api.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.random.Rngs;
import dev.dna.api.spec.NoiseScheduleSpec;
import dev.dna.api.testing.Trials;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;

class NoiseScheduleProperties {

    /** A linear schedule of 2 to 2000 steps, betas from [1e-7, 1e-3] rising by up to 0.05, a discrete or continuous level. */
    static NoiseScheduleSpec spec(Trials.Case c) {
        double lo = c.doubleIn("betaStart", 1e-7, 1e-3);
        return NoiseScheduleSpec.linear(c.intIn("timesteps", 2, 2000), lo, lo + c.doubleIn("betaRise", 0, 0.05))
                .withContinuousLevel(c.bool("continuousLevel"));
    }

    @Test
    void abarIsStrictlyDecreasingInsideTheUnitInterval() {
        Trials.check(1000, c -> {
            NoiseSchedule s = NoiseSchedule.of(spec(c));
            double prev = 1.0;
            for (int k = 0; k < s.timesteps(); k++) {
                double a = s.abar(k);
                assertTrue(a > 0 && a < 1, "abar[" + k + "] = " + a + " outside (0, 1)");
                assertTrue(a < prev, "abar not strictly decreasing at " + k);
                prev = a;
            }
        });
    }

    @Test
    void levelLiesBetweenAbarTAndAbarTMinus1() {
        Trials.check(1000, c -> {
            NoiseScheduleSpec spec = spec(c);
            NoiseSchedule s = NoiseSchedule.of(spec);
            UniformRandomProvider r = Rngs.create(c.anyLong("seed"));
            NoiseSchedule.LevelDraw d = s.draw(16, r);
            for (int i = 0; i < 16; i++) {
                int t = d.timesteps()[i];
                double g = d.levels()[i];
                assertTrue(t >= spec.minTimestep() && t <= spec.maxTimestep(), "t = " + t);
                assertTrue(g >= s.abar(t) && g <= s.abar(t - 1), "g = " + g + " outside [abar[t], abar[t-1]] for t = " + t);
                if (!spec.continuousLevel()) {
                    assertEquals(s.abar(t), g, 0.0);
                }
            }
        });
    }

    @Test
    void referenceScheduleMatchesIndependentlyComputedValues() {
        NoiseSchedule s = NoiseSchedule.of(NoiseScheduleSpec.reference());
        assertEquals(1000, s.timesteps());
        assertEquals(1e-6, s.beta(0), 1e-18);
        assertEquals(1e-2, s.beta(999), 1e-15);
        // numpy: np.cumprod(1 - np.linspace(1e-6, 1e-2, 1000, dtype=np.float64))[[0, 1, 499, 999]]
        assertEquals(0.999999, s.abar(0), 1e-15);
        assertEquals(0.999987991002, s.abar(1), 1e-12);
        assertEquals(0.2861579992364149, s.abar(499), 1e-12);
        assertEquals(0.00662264393544405, s.abar(999), 1e-13);
    }

    @Test
    void timestepsCoverTheirRangeUniformly() {
        NoiseSchedule s = NoiseSchedule.of(NoiseScheduleSpec.linear(10, 1e-4, 2e-2));
        UniformRandomProvider r = Rngs.create(5);
        int[] counts = new int[10];
        int n = 90_000;
        for (int i = 0; i < n; i++) {
            counts[s.sampleTimestep(r)]++;
        }
        assertEquals(0, counts[0], "t = 0 must never be drawn");
        for (int t = 1; t <= 9; t++) {
            // expected 10,000 each, sd ~ 94: allow 5 sd
            assertEquals(10_000, counts[t], 470, "count of t = " + t);
        }
    }

    @Test
    void sameSeedSameDraws() {
        NoiseSchedule s = NoiseSchedule.of(NoiseScheduleSpec.reference());
        var a = s.draw(32, Rngs.create(11));
        var b = s.draw(32, Rngs.create(11));
        assertEquals(java.util.Arrays.toString(a.levels()), java.util.Arrays.toString(b.levels()));
    }
}
