package dev.dna.api.schedule;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.spec.NoiseScheduleSpec;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * The diffusion noise schedule, in plain Java; the single implementation every engine uses.
 *
 * <pre>
 *   beta[k] = betaStart + (betaEnd - betaStart) * k / (T - 1),    k = 0 .. T-1
 *   abar[k] = prod_{i &lt;= k} (1 - beta[i])                          strictly decreasing, in (0, 1)
 *   t ~ UniformInt[minTimestep, maxTimestep]                        (reference: [1, T-1])
 *   g ~ U(abar[t], abar[t-1])  (continuous level)   or   g = abar[t]
 *   x_t = sqrt(g) * y + sqrt(1 - g) * eps,   eps ~ N(0, I)
 * </pre>
 * Computed in double precision.
 */
public final class NoiseSchedule {
    private final NoiseScheduleSpec spec;
    private final double[] betas;
    private final double[] abar;

    private NoiseSchedule(NoiseScheduleSpec spec) {
        this.spec = spec;
        int t = spec.timesteps();
        betas = new double[t];
        abar = new double[t];
        double prod = 1.0;
        for (int k = 0; k < t; k++) {
            betas[k] = spec.betaStart() + (spec.betaEnd() - spec.betaStart()) * k / (t - 1);
            prod *= 1.0 - betas[k];
            abar[k] = prod;
        }
    }

    /**
     * The schedule a spec describes, its betas and cumulative products computed once.
     *
     * @param spec the betas, T and the level draw
     * @return the schedule
     */
    public static NoiseSchedule of(NoiseScheduleSpec spec) {
        checkNotNull(spec, "spec");
        return new NoiseSchedule(spec);
    }

    /** {@return the spec it was made from} */
    public NoiseScheduleSpec spec() {
        return spec;
    }

    /** {@return T, the number of timesteps} */
    public int timesteps() {
        return betas.length;
    }

    /**
     * beta at timestep {@code k} (0-based).
     *
     * @param k from 0 to T - 1
     * @return beta[k]
     */
    public double beta(int k) {
        checkElementIndex(k, betas.length, "timestep");
        return betas[k];
    }

    /**
     * Cumulative product {@code abar[k] = prod_{i<=k}(1 - beta[i])}.
     *
     * @param k from 0 to T - 1
     * @return abar[k]
     */
    public double abar(int k) {
        checkElementIndex(k, abar.length, "timestep");
        return abar[k];
    }

    /** {@return a copy of all {@code abar}, T values} */
    public double[] abars() {
        return abar.clone();
    }

    /**
     * Draws {@code t ~ UniformInt[minTimestep, maxTimestep]}.
     *
     * @param rng one draw is taken
     * @return t
     */
    public int sampleTimestep(UniformRandomProvider rng) {
        return spec.minTimestep() + rng.nextInt(spec.maxTimestep() - spec.minTimestep() + 1);
    }

    /**
     * The noise level for timestep {@code t} (1 &lt;= t &lt; T): uniform in [abar[t], abar[t-1]) when the
     * schedule is continuous (one draw from {@code rng}), else {@code abar[t]} (no draw).
     *
     * @param t the timestep
     * @param rng the source of the draw
     * @return the level {@code g}, the signal's share of the variance
     */
    public double sampleLevel(int t, UniformRandomProvider rng) {
        checkArgument(t >= 1 && t < abar.length, "timestep t must be in [1, %s], got %s", abar.length - 1, t);
        if (!spec.continuousLevel()) {
            return abar[t];
        }
        return abar[t] + (abar[t - 1] - abar[t]) * rng.nextDouble();
    }

    /**
     * Per-sample timesteps and levels of a batch, drawn as t then level for sample 0, 1, ...
     *
     * @param batch samples, at least 1
     * @param rng the source of the draws
     * @return the timesteps and levels
     */
    public LevelDraw draw(int batch, UniformRandomProvider rng) {
        checkArgument(batch >= 1, "batch must be >= 1, got %s", batch);
        int[] ts = new int[batch];
        double[] gs = new double[batch];
        for (int i = 0; i < batch; i++) {
            ts[i] = sampleTimestep(rng);
            gs[i] = sampleLevel(ts[i], rng);
        }
        return new LevelDraw(ts, gs);
    }

    /**
     * Timesteps and continuous noise levels of a batch.
     *
     * @param timesteps t per sample
     * @param levels g per sample, in (0, 1)
     */
    public record LevelDraw(int[] timesteps, double[] levels) {
        /** Checks the components (see the record's parameters). */
        public LevelDraw {
            timesteps = timesteps.clone();
            levels = levels.clone();
        }

        /** @return t per sample (a copy) */
        @Override
        public int[] timesteps() {
            return timesteps.clone();
        }

        /** @return g per sample (a copy) */
        @Override
        public double[] levels() {
            return levels.clone();
        }
    }
}
