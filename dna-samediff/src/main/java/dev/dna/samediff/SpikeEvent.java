package dev.dna.samediff;

import java.util.Locale;

/**
 * A training step that spiked ({@link dev.dna.api.spec.SpikeGuardSpec}): its value far above its running median, and
 * what the trainer did.
 *
 * @param step the step (1-based)
 * @param signal what spiked: {@code l_res} (the restorer's loss on the synthetic pairs) or {@code grad_restorer} (the
 *     norm of the gradient reaching the restorer)
 * @param value its value at the step
 * @param median its median over the last accepted steps
 * @param action what was done
 * @param restoredStep after a rollback, the step whose state was restored; -1 otherwise
 */
public record SpikeEvent(long step, String signal, double value, double median, Action action, long restoredStep) {

    /** What the trainer did with the step. */
    public enum Action {
        /** The step's update was not applied (weights, Adam's moments and the EMA are those before it). */
        SKIP,
        /** The last good state (weights, moments, EMA) was restored. */
        ROLLBACK
    }

    /** One line: {@code step 9450: l_res 2.34 is 78.0x its running median 0.03: rolled back to the state after step 9200}. */
    public String describe() {
        String what = action == Action.SKIP ? "update skipped" : "rolled back to the state after step " + restoredStep;
        return String.format(Locale.ROOT, "step %d: %s %.4g is %.1fx its running median %.4g: %s", step, signal, value,
                value / median, median, what);
    }
}
