package dev.dna.samediff;

import java.util.Map;
import java.util.Optional;

/**
 * Figures of one training step, reported when the step is done (its validation, if due, included).
 *
 * @param step 1-based index of the step just taken
 * @param totalSteps the plan's steps
 * @param lambda weight of the diffusion loss at this step
 * @param losses every loss term by name ({@code loss, l_res, mse_pos, mse_neg, hinge, l_noise} with the residual swap,
 *     {@code hinge} its triplet hinge; without it {@code loss, l_res, mse_pos, l_noise}; vanilla:
 *     {@code loss, l_res}), in graph order
 * @param seconds wall time of the step, everything included
 * @param dataSeconds the part of {@code seconds} spent drawing the step's patches from the datasets (cropping
 *     and, for a synthetic dataset, degrading them in Java); the rest is the step proper: the random draws of
 *     the feed, the forward and backward pass, Adam and the EMA
 * @param learningRate the optimizer's rate at this step (its schedule's, see
 *     {@link dev.dna.api.spec.OptimizerSpec#learningRateAt})
 * @param gradNorm the global L2 norm of the gradient over every trained parameter, before any clipping
 * @param validation the step's validation, at a validation step ({@link SameDiffTrainer#validateEvery})
 * @param spike what the spike guard did at the step, if anything ({@link dev.dna.api.spec.SpikeGuardSpec})
 */
public record StepReport(long step, long totalSteps, double lambda, Map<String, Double> losses, double seconds,
        double dataSeconds, double learningRate, double gradNorm, Optional<ValidationReport> validation,
        Optional<SpikeEvent> spike) {
    /** Checks the components: an exception names any that is missing or out of range. */
    public StepReport {
        losses = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(losses));
        java.util.Objects.requireNonNull(validation, "validation");
        java.util.Objects.requireNonNull(spike, "spike");
    }

    /** {@return {@code seconds - dataSeconds}: the step without drawing its data} */
    public double computeSeconds() {
        return seconds - dataSeconds;
    }

    /** {@return the total loss of the step, {@code res_weight l_res + lambda l_noise}} */
    public double loss() {
        return losses.get("loss");
    }
}
