package dev.dna.samediff;

/**
 * A loss term, or the gradient of a parameter, became NaN or infinite; the step was not applied and no
 * checkpoint was written for it.
 */
public final class TrainingDivergedException extends RuntimeException {
    /** The step that diverged. */
    private final long step;
    /** The loss term or parameter that became non-finite, or {@code "spikes"}. */
    private final String term;
    /** Where the non-finite values start, as the trainer traced it. */
    private final String origin;

    private TrainingDivergedException(long step, String term, String what, String losses, String origin) {
        super("training diverged at step " + step + ": " + what + " (" + losses + "); where it starts: " + origin
                + "; weights are those after step " + (step - 1) + ", and earlier checkpoints were kept");
        this.step = step;
        this.term = term;
        this.origin = origin;
    }

    static TrainingDivergedException loss(long step, String term, double value, String losses, String origin) {
        return new TrainingDivergedException(step, term, "loss term '" + term + "' is " + value, losses, origin);
    }

    static TrainingDivergedException gradient(long step, String parameter, String losses, String origin) {
        return new TrainingDivergedException(step, parameter, "the gradient of parameter '" + parameter
                + "' is not finite, though every loss term is", losses, origin);
    }

    static TrainingDivergedException spikes(long step, int count, String last) {
        return new TrainingDivergedException(step, "spikes", count + " loss spikes (skipped or rolled back), more than the plan's "
                + "spikeGuard.maxEvents; the last: " + last, "see the log's spike column", "the spike guard's events");
    }

    /** {@return the step that diverged (1-based); the weights are those after the step before it} */
    public long step() {
        return step;
    }

    /** {@return the loss term that is not finite, or the parameter whose gradient is not} */
    public String term() {
        return term;
    }

    /**
     * Where the first NaN or infinity of the step comes from, as found by running the step again: an input of the
     * step, a parameter, or the first op that turned finite inputs into non-finite values (e.g. an overflow, or a
     * broken derivative).
     *
     * @return one line
     */
    public String origin() {
        return origin;
    }
}
