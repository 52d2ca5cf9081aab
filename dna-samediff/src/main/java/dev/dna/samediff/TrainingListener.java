package dev.dna.samediff;

/** Receives training figures as they are produced; for users' own logging. Called on the training thread. */
public interface TrainingListener {

    /** After every optimizer step. */
    default void onStep(StepReport report) {}

    /** After every validation pass. */
    default void onValidation(ValidationReport report) {}

    /** After every checkpoint written. */
    default void onCheckpoint(long step, java.nio.file.Path file) {}
}
