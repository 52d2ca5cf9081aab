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
 * @param clipFactor for a clip, the guard's factor: the restorer's gradient norm was brought to {@code clipFactor
 *     median}; NaN otherwise
 */
public record SpikeEvent(long step, String signal, double value, double median, Action action, long restoredStep,
        double clipFactor) {

    /**
     * An event that is not a clip ({@code clipFactor} unused).
     *
     * @param step the step that spiked (1-based)
     * @param signal what spiked, e.g. {@code l_res} or {@code grad_res}
     * @param value its value at that step
     * @param median its running median over the guard's window
     * @param action what the guard did
     * @param restoredStep after a rollback, the step whose state was restored; -1 otherwise
     */
    public SpikeEvent(long step, String signal, double value, double median, Action action, long restoredStep) {
        this(step, signal, value, median, action, restoredStep, Double.NaN);
    }

    /** What the trainer did with the step. */
    public enum Action {
        /** The step's update was not applied (weights, Adam's moments and the EMA are those before it). */
        SKIP,
        /** The last good state (weights, moments, EMA) was restored. */
        ROLLBACK,
        /**
         * The step's gradient was scaled down so that the restorer's part has {@code factor} times its running median
         * norm, and applied (a gradient spike: the state moves on, so a lasting rise does not stall the run).
         */
        CLIP
    }

    /**
     * For {@link Action#CLIP}, the restorer gradient's norm after clipping ({@code factor} times the median); else
     * {@code value}.
     *
     * @return the norm
     */
    public double clippedTo() {
        return action == Action.CLIP ? clipFactor * median : value;
    }

    /**
     * {@return one line, e.g. {@code step 9450: l_res 2.34 is 78.0x its running median 0.03: rolled back to the state
     *     after step 9200}}
     */
    public String describe() {
        String what = switch (action) {
            case SKIP -> "update skipped";
            case ROLLBACK -> "rolled back to the state after step " + restoredStep;
            case CLIP -> "gradient clipped to " + String.format(Locale.ROOT, "%.4g", clippedTo()) + " and applied";
        };
        return String.format(Locale.ROOT, "step %d: %s %.4g is %.1fx its running median %.4g: %s", step, signal, value,
                value / median, median, what);
    }
}
