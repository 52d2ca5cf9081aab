package dev.dna.samediff;

/** Receives training figures as they are produced; for users' own logging. Called on the training thread. */
public interface TrainingListener {

    /** After every optimizer step. */
    default void onStep(StepReport report) {}

    /** After every validation pass. */
    default void onValidation(ValidationReport report) {}

    /** After every checkpoint written. */
    default void onCheckpoint(long step, java.nio.file.Path file) {}

    /** When a step spiked and its update was skipped or the run rolled back ({@link dev.dna.api.spec.SpikeGuardSpec}). */
    default void onSpike(SpikeEvent event) {}

    /** Once, after the last step: how the run ended (spikes; the last validation beside the best). */
    default void onFinish(TrainingSummary summary) {}
}
