package dev.dna.api.spec;

import com.google.errorprone.annotations.CheckReturnValue;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * What training does when a step spikes: when the restorer's loss on the synthetic pairs ({@code l_res}) or the norm
 * of the gradient that reaches the restorer is more than {@code factor} times its median over the last {@code window}
 * accepted steps (once {@code window / 2} steps have been seen).
 *
 * <ul>
 *   <li>{@link Policy#OFF}: nothing (the authors' code; only a NaN or an infinity stops a run).
 *   <li>{@link Policy#SKIP}: a loss spike's update is not applied, to the weights, Adam's moments or the EMA.
 *   <li>{@link Policy#ROLLBACK} (default): a loss spike, which shows damage already done by earlier updates, restores the
 *       last good state (weights, Adam's moments, EMA), saved every {@code snapshotEvery} steps and counted good once
 *       {@code snapshotEvery} more steps passed without a spike: so the state restored is between
 *       {@code snapshotEvery} and {@code 2 snapshotEvery} steps old.
 * </ul>
 * Under either policy a gradient spike alone is clipped: the step's gradient is scaled so that the restorer's part has
 * {@code factor} times its median norm, and applied; its raw norm enters the median. Skipping it instead (as the guard
 * first did) stalls a run whose gradient rose for good, since a skipped step leaves the next one the same weights: on
 * SIDD (issue 44) the guarded run skipped every step from 6,761 and was stopped as diverged at 6,830.
 * Every event is logged (the trainer's log and listeners); only loss spikes count towards {@code maxEvents}. Why a
 * factor of 10 on {@code l_res}: over the 33 long PolyU
 * runs of issue 17 (10,000 steps each), {@code l_res} never exceeded 3.2 times its running median of 200 steps, except
 * in the one run that collapsed, where it reached 990 times (docs/lab/benchmarks-2026-11-to-12.md). The diffusion loss itself is not
 * watched: its value depends on the drawn timestep and reached 116 times its median in healthy runs.
 *
 * @param policy what to do on a spike
 * @param factor how far above the running median a value must be to count as a spike, &gt; 1
 * @param window how many accepted steps the running medians cover, &gt;= 10
 * @param snapshotEvery steps between snapshots of the state a rollback restores, &gt;= 1
 * @param maxEvents how many loss spikes a run may meet before it is stopped as diverged, &gt;= 1
 */
@CheckReturnValue
public record SpikeGuardSpec(Policy policy, double factor, int window, int snapshotEvery, int maxEvents) {

    /** What to do on a spike. */
    public enum Policy {
        /** No guard: every step is applied, spikes included (the authors' code). */
        OFF,
        /** A spiking step's update is not applied. */
        SKIP,
        /** A loss spike restores the last good snapshot (weights, Adam's moments, EMA); the default. */
        ROLLBACK
    }

    /** Checks the components: an exception names any that is missing or out of range. */
    public SpikeGuardSpec {
        checkNotNull(policy, "spikeGuard.policy");
        checkArgument(factor > 1 && Double.isFinite(factor), "spikeGuard.factor must be > 1, got %s", factor);
        checkArgument(window >= 10, "spikeGuard.window must be >= 10, got %s", window);
        checkArgument(snapshotEvery >= 1, "spikeGuard.snapshotEvery must be >= 1, got %s", snapshotEvery);
        checkArgument(maxEvents >= 1, "spikeGuard.maxEvents must be >= 1, got %s", maxEvents);
    }

    /**
     * The default: roll back on a loss spike, clip a gradient spike; factor 10 over 200 steps, snapshots every 100.
     *
     * @return the spec
     */
    public static SpikeGuardSpec rollback() {
        return new SpikeGuardSpec(Policy.ROLLBACK, 10, 200, 100, 50);
    }

    /**
     * Skip the update of a step whose loss spikes, clip a gradient spike; factor 10 over 200 steps.
     *
     * @return the spec
     */
    public static SpikeGuardSpec skip() {
        return new SpikeGuardSpec(Policy.SKIP, 10, 200, 100, 50);
    }

    /**
     * No spike detection (the authors' behaviour, and that of plans written before the guard existed).
     *
     * @return the spec
     */
    public static SpikeGuardSpec off() {
        return new SpikeGuardSpec(Policy.OFF, 10, 200, 100, 50);
    }

    /**
     * A copy with another {@code factor} ({@link #factor()}).
     *
     * @param factor finite, above 1
     * @return the copy
     */
    public SpikeGuardSpec withFactor(double factor) {
        return new SpikeGuardSpec(policy, factor, window, snapshotEvery, maxEvents);
    }

    /**
     * A copy with another {@code window} ({@link #window()}).
     *
     * @param window steps, at least 10
     * @return the copy
     */
    public SpikeGuardSpec withWindow(int window) {
        return new SpikeGuardSpec(policy, factor, window, snapshotEvery, maxEvents);
    }

    /**
     * A copy with another {@code snapshotEvery} ({@link #snapshotEvery()}).
     *
     * @param snapshotEvery steps, at least 1
     * @return the copy
     */
    public SpikeGuardSpec withSnapshotEvery(int snapshotEvery) {
        return new SpikeGuardSpec(policy, factor, window, snapshotEvery, maxEvents);
    }

    /**
     * A copy with another {@code maxEvents} ({@link #maxEvents()}).
     *
     * @param maxEvents at least 1
     * @return the copy
     */
    public SpikeGuardSpec withMaxEvents(int maxEvents) {
        return new SpikeGuardSpec(policy, factor, window, snapshotEvery, maxEvents);
    }

    /** {@return whether the guard watches at all} */
    public boolean enabled() {
        return policy != Policy.OFF;
    }
}
