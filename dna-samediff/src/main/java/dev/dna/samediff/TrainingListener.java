package dev.dna.samediff;

/** Receives training figures as they are produced; for users' own logging. Called on the training thread. */
public interface TrainingListener {

    /**
     * After every optimizer step.
     *
     * @param report the step's losses, learning rate and timings
     */
    default void onStep(StepReport report) {}

    /**
     * After every validation pass.
     *
     * @param report the step and the validation PSNR and SSIM
     */
    default void onValidation(ValidationReport report) {}

    /**
     * After every checkpoint written.
     *
     * @param step the last step the checkpoint holds
     * @param file the checkpoint, complete
     */
    default void onCheckpoint(long step, java.nio.file.Path file) {}

    /**
     * When a step spiked and its update was skipped or the run rolled back ({@link dev.dna.api.spec.SpikeGuardSpec}).
     *
     * @param event what spiked and what was done
     */
    default void onSpike(SpikeEvent event) {}

    /**
     * Once, after the last step: how the run ended (spikes; the last validation beside the best).
     *
     * @param summary the run's spikes and validations
     */
    default void onFinish(TrainingSummary summary) {}
}
