package dev.dna.api.spec;

import com.google.errorprone.annotations.CheckReturnValue;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The training objective, the one place its constants live:
 * <pre>
 *   L_res   = mean(sqrt((y_s - ŷ_s)^2 + charbonnierEpsilon))                    (Charbonnier)
 *   mse_p   = mean((eps - e_pos)^2),  mse_n = mean((eps - e_neg)^2)             (batch scalars)
 *   L_noise = 0.5 * (mse_p + relu(mse_p - mse_n + tripletMargin))               (triplet)
 *   L       = L_res + lambda(step) * L_noise
 *   lambda  = noiseWeight * (2 / (1 + exp(-rampSharpness * p)) - 1)
 *   p       = min(1, step / rampSteps)                            with rampStages = 0 (a smooth ramp)
 *   p       = min(1, (floor(step * rampStages / rampSteps) + 1) / rampStages)     with rampStages > 0
 * </pre>
 * {@code step} counts from 0; after {@code rampSteps} steps lambda holds at its maximum
 * {@code noiseWeight * (2 / (1 + exp(-rampSharpness)) - 1)} (0.197 with the reference values).
 *
 * <p><b>One normalisation for every variant.</b> Without residual swap there is no negative pass: the hinge
 * term is absent, not replaced, and {@code L_noise = 0.5 * mse_p}. So the diffusion, shuffle and full variants
 * weigh {@code mse_p} alike, and once the hinge is inactive they pull on the restorer with the same weight;
 * they differ only in the trick each names. The 1/2 is the authors' ({@code models/network.py}: {@code (mse +
 * triplet) / 2}), so the full variant is exactly their objective; their code has no variant without the swap.
 *
 * <p><b>The ramp</b> is the authors' ({@code models/model.py}: {@code p = min(epoch / 300, 1)}, lambda fixed
 * within an epoch, epochs counted from 1): {@code rampStages} stages (their 300 epochs) spread over
 * {@code rampSteps} steps, lambda constant within a stage, then held. Reference {@code rampSteps = 86,100}:
 * 300 epochs of about 287 steps (DFWB's ~55,000 patches an epoch at 24 per GPU on 8 GPUs). A plan with fewer
 * steps than that never reaches the maximum, as the authors' runs would not; a scaled-down run sets its own
 * {@code rampSteps}. {@code rampSteps = 0} spreads the ramp over the whole run instead ({@code p = step /
 * totalSteps}: the maximum only at the last step), which is not the authors' and is kept for old plans.
 *
 * <p>{@code tripletGroups} takes the hinge over groups of samples ({@link #withTripletGroups}); default 1.
 *
 * <p>Reference: epsilon 1e-6 (inside the square root), margin 0.1, weight 0.2, sharpness 5, 86,100 ramp steps in
 * 300 stages, one triplet group.
 */
@CheckReturnValue
public record LossSpec(double charbonnierEpsilon, double tripletMargin, double noiseWeight, double rampSharpness,
        int rampSteps, int rampStages, int tripletGroups) {

    /** Steps of the reference ramp: 300 epochs of about 287 steps. */
    public static final int REFERENCE_RAMP_STEPS = 86_100;
    /** Stages of the reference ramp: the authors' {@code ctrl_epoch}. */
    public static final int REFERENCE_RAMP_STAGES = 300;
    /** The factor in front of {@code (mse_p + hinge)}, for every variant. */
    public static final double NOISE_LOSS_SCALE = 0.5;

    /** Checks the components: an exception names any that is missing or out of range. */
    public LossSpec {
        checkArgument(charbonnierEpsilon > 0 && charbonnierEpsilon < 1,
                "loss.charbonnierEpsilon must be in (0, 1), got %s", charbonnierEpsilon);
        checkArgument(tripletMargin >= 0 && Double.isFinite(tripletMargin),
                "loss.tripletMargin must be finite and >= 0, got %s", tripletMargin);
        checkArgument(noiseWeight >= 0 && Double.isFinite(noiseWeight),
                "loss.noiseWeight must be finite and >= 0, got %s", noiseWeight);
        checkArgument(rampSharpness > 0 && Double.isFinite(rampSharpness),
                "loss.rampSharpness must be finite and > 0, got %s", rampSharpness);
        checkArgument(rampSteps >= 0, "loss.rampSteps must be >= 0 (0: the whole run), got %s", rampSteps);
        checkArgument(rampStages >= 0, "loss.rampStages must be >= 0 (0: a smooth ramp), got %s", rampStages);
        checkArgument(tripletGroups >= 1, "loss.tripletGroups must be >= 1, got %s", tripletGroups);
        checkArgument(rampSteps == 0 || rampStages <= rampSteps,
                "loss.rampStages (%s) must not exceed loss.rampSteps (%s): a stage lasts at least one step", rampStages,
                rampSteps);
    }

    /**
     * The authors' losses: Charbonnier epsilon 1e-6, triplet margin 0.1, lambda 0.2 ramped in 300 stages over
     * {@value #REFERENCE_RAMP_STEPS} steps.
     *
     * @return the spec
     */
    public static LossSpec reference() {
        return new LossSpec(1e-6, 0.1, 0.2, 5.0, REFERENCE_RAMP_STEPS, REFERENCE_RAMP_STAGES, 1);
    }

    /**
     * A copy with another {@code charbonnierEpsilon} ({@link #charbonnierEpsilon()}).
     *
     * @param v in (0, 1)
     * @return the copy
     */
    public LossSpec withCharbonnierEpsilon(double v) {
        return new LossSpec(v, tripletMargin, noiseWeight, rampSharpness, rampSteps, rampStages, tripletGroups);
    }

    /**
     * A copy with another {@code tripletMargin} ({@link #tripletMargin()}).
     *
     * @param v finite, at least 0
     * @return the copy
     */
    public LossSpec withTripletMargin(double v) {
        return new LossSpec(charbonnierEpsilon, v, noiseWeight, rampSharpness, rampSteps, rampStages, tripletGroups);
    }

    /**
     * A copy with another {@code noiseWeight} ({@link #noiseWeight()}).
     *
     * @param v lambda, finite, at least 0
     * @return the copy
     */
    public LossSpec withNoiseWeight(double v) {
        return new LossSpec(charbonnierEpsilon, tripletMargin, v, rampSharpness, rampSteps, rampStages, tripletGroups);
    }

    /**
     * The ramp's sharpness and length in steps; its stages stay, at most one a step (a 40-step ramp of the
     * reference's 300 stages gets 40).
     *
     * @param sharpness finite, above 0
     * @param steps at least 0 (0: the whole run)
     * @return the copy
     */
    public LossSpec withRamp(double sharpness, int steps) {
        return new LossSpec(charbonnierEpsilon, tripletMargin, noiseWeight, sharpness, steps,
                steps == 0 ? rampStages : Math.min(rampStages, steps), tripletGroups);
    }

    /**
     * The number of stages of the ramp (lambda constant within each); 0 for a smooth ramp.
     *
     * @param stages at least 0, at most the ramp's steps
     * @return the copy
     */
    public LossSpec withRampStages(int stages) {
        return new LossSpec(charbonnierEpsilon, tripletMargin, noiseWeight, rampSharpness, rampSteps, stages, tripletGroups);
    }

    /**
     * The triplet hinge over {@code groups} equal groups of the batch, averaged: {@code hinge = mean_g relu(mse_p,g -
     * mse_n,g + margin)}, where {@code mse_p,g} is the positive MSE over group g's samples (mse_p itself is unchanged).
     * 1 (the default) is one batch-scalar hinge, as on one of the authors' GPUs; their 8 GPUs of 24 samples, whose
     * gradients are averaged, are 8 groups of a batch of 192. The batch size must be a multiple of it.
     *
     * @param groups at least 1
     * @return the copy
     */
    public LossSpec withTripletGroups(int groups) {
        return new LossSpec(charbonnierEpsilon, tripletMargin, noiseWeight, rampSharpness, rampSteps, rampStages, groups);
    }

    /**
     * lambda at training step {@code step} (0-based) of a run of {@code totalSteps} (which matters only when
     * {@code rampSteps} is 0).
     *
     * @param step the step, from 0
     * @param totalSteps the run's steps, at least 1
     * @return a weight in [0, noiseWeight)
     */
    public double noiseWeightAt(long step, long totalSteps) {
        checkArgument(step >= 0, "step must be >= 0, got %s", step);
        checkArgument(totalSteps > 0, "totalSteps must be > 0, got %s", totalSteps);
        long span = rampSteps > 0 ? rampSteps : totalSteps;
        double p;
        if (rampStages > 0) {
            long stage = Math.min(rampStages - 1L, (long) Math.floor((double) step * rampStages / span));
            p = (stage + 1.0) / rampStages;
        } else {
            p = Math.min(1.0, (double) step / span);
        }
        return noiseWeight * (2.0 / (1.0 + Math.exp(-rampSharpness * p)) - 1.0);
    }
}
