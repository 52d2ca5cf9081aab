package dev.dna.samediff;

/**
 * A loss term, or the gradient of a parameter, became NaN or infinite; the step was not applied and no
 * checkpoint was written for it.
 */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;
    private final String term;

    private TrainingDivergedException(long step, String term, String what, String losses) {
        super("training diverged at step " + step + ": " + what + " (" + losses + "); weights are those after step "
                + (step - 1) + ", and earlier checkpoints were kept");
        this.step = step;
        this.term = term;
    }

    static TrainingDivergedException loss(long step, String term, double value, String losses) {
        return new TrainingDivergedException(step, term, "loss term '" + term + "' is " + value, losses);
    }

    static TrainingDivergedException gradient(long step, String parameter, String losses) {
        return new TrainingDivergedException(step, parameter, "the gradient of parameter '" + parameter
                + "' is not finite, though every loss term is", losses);
    }

    /** The step that diverged (1-based); the weights are those after the step before it. */
    public long step() {
        return step;
    }

    /** The loss term that is not finite, or the parameter whose gradient is not. */
    public String term() {
        return term;
    }
}
