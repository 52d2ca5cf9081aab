package dev.dna.samediff;

/** A loss term became NaN or infinite; the step was not applied and no checkpoint was written for it. */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;
    private final String term;

    TrainingDivergedException(long step, String term, double value, String all) {
        super("training diverged at step " + step + ": loss term '" + term + "' is " + value + " (" + all
                + "); weights are those after step " + (step - 1) + ", and earlier checkpoints were kept");
        this.step = step;
        this.term = term;
    }

    public long step() {
        return step;
    }

    public String term() {
        return term;
    }
}
