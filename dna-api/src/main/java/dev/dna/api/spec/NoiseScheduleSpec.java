package dev.dna.api.spec;

import com.google.errorprone.annotations.CheckReturnValue;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The diffusion forward process: {@code timesteps} linear betas from {@code betaStart} to
 * {@code betaEnd}, {@code abar[k] = prod_{i<=k} (1 - beta_i)} (k = 0..T-1). A training sample draws
 * {@code t ~ UniformInt[minTimestep, maxTimestep]} and, when {@code continuousLevel}, the noise level
 * {@code g ~ U(abar[t], abar[t-1])}, else {@code g = abar[t]}. See {@link dev.dna.api.schedule.NoiseSchedule}.
 *
 * <p>Reference: T = 1000, betas 1e-6 .. 1e-2, t in [1, 999], continuous level.
 */
@CheckReturnValue
public record NoiseScheduleSpec(int timesteps, double betaStart, double betaEnd, boolean continuousLevel,
        int minTimestep, int maxTimestep) {

    /** Checks the components: an exception names any that is missing or out of range. */
    public NoiseScheduleSpec {
        checkArgument(timesteps >= 2 && timesteps <= 100_000, "schedule.timesteps must be in [2, 100000], got %s", timesteps);
        checkArgument(betaStart > 0 && betaStart < 1, "schedule.betaStart must be in (0, 1), got %s", betaStart);
        checkArgument(betaEnd > 0 && betaEnd < 1, "schedule.betaEnd must be in (0, 1), got %s", betaEnd);
        checkArgument(betaStart <= betaEnd, "schedule.betaStart (%s) must not exceed schedule.betaEnd (%s)", betaStart, betaEnd);
        checkArgument(minTimestep >= 1 && minTimestep <= maxTimestep,
                "schedule.minTimestep must be in [1, maxTimestep=%s], got %s", maxTimestep, minTimestep);
        checkArgument(maxTimestep <= timesteps - 1,
                "schedule.maxTimestep must be at most timesteps - 1 = %s, got %s", timesteps - 1, maxTimestep);
    }

    /** {@return the reference schedule} */
    public static NoiseScheduleSpec reference() {
        return linear(1000, 1e-6, 1e-2);
    }

    /**
     * Linear betas over {@code timesteps}, continuous level, t in [1, T-1].
     *
     * @param timesteps T, 2 to 100,000
     * @param betaStart the first beta, in (0, 1)
     * @param betaEnd the last beta, in [betaStart, 1)
     * @return the schedule
     */
    public static NoiseScheduleSpec linear(int timesteps, double betaStart, double betaEnd) {
        return new NoiseScheduleSpec(timesteps, betaStart, betaEnd, true, 1, timesteps - 1);
    }

    /**
     * Same betas over a new T; the timestep range becomes [1, T-1].
     *
     * @param timesteps T, 2 to 100,000
     * @return the copy
     */
    public NoiseScheduleSpec withTimesteps(int timesteps) {
        return new NoiseScheduleSpec(timesteps, betaStart, betaEnd, continuousLevel, 1, timesteps - 1);
    }

    /**
     * A copy with a linear beta schedule from betaStart to betaEnd.
     *
     * @param betaStart the first beta, in (0, 1)
     * @param betaEnd the last beta, in [betaStart, 1)
     * @return the copy
     */
    public NoiseScheduleSpec withBetas(double betaStart, double betaEnd) {
        return new NoiseScheduleSpec(timesteps, betaStart, betaEnd, continuousLevel, minTimestep, maxTimestep);
    }

    /**
     * A copy with another {@code continuousLevel} ({@link #continuousLevel()}).
     *
     * @param continuousLevel true to draw the level from U(abar[t], abar[t-1]), false to take abar[t]
     * @return the copy
     */
    public NoiseScheduleSpec withContinuousLevel(boolean continuousLevel) {
        return new NoiseScheduleSpec(timesteps, betaStart, betaEnd, continuousLevel, minTimestep, maxTimestep);
    }

    /**
     * A copy drawing training timesteps in [minTimestep, maxTimestep].
     *
     * @param minTimestep at least 1
     * @param maxTimestep from {@code minTimestep} to T - 1
     * @return the copy
     */
    public NoiseScheduleSpec withTimestepRange(int minTimestep, int maxTimestep) {
        return new NoiseScheduleSpec(timesteps, betaStart, betaEnd, continuousLevel, minTimestep, maxTimestep);
    }
}
