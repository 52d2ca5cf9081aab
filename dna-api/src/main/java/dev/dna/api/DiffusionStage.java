package dev.dna.api;

import com.google.errorprone.annotations.CheckReturnValue;

import dev.dna.api.spec.DiffusionSpec;

/** Second stage of the DSL: the plan trains with the diffusion loss; shuffle, swap and loss knobs live here. */
@CheckReturnValue
public final class DiffusionStage extends PlanStage<DiffusionStage> {

    DiffusionStage(PlanDraft draft) {
        super(draft);
    }

    @Override
    DiffusionStage next(PlanDraft draft) {
        return new DiffusionStage(draft);
    }

    /**
     * Replaces the diffusion net and schedule.
     *
     * @param diffusion e.g. {@code Diffusion.unet(32).timesteps(1000)}
     * @return a new stage with it set
     */
    public DiffusionStage withDiffusion(DiffusionSpec diffusion) {
        return with(d -> d.diffusion = diffusion);
    }

    /**
     * Turns on the channel-shuffling layer on both conditions (method step 4).
     *
     * @return a new stage with it on
     */
    public DiffusionStage channelShuffle() {
        return channelShuffle(true);
    }

    /**
     * Turns the channel-shuffling layer on or off.
     *
     * @param on whether to shuffle
     * @return a new stage with it set
     */
    public DiffusionStage channelShuffle(boolean on) {
        return with(d -> d.channelShuffle = on);
    }

    /**
     * Turns on the residual-swap negative pass and the triplet loss (method step 6).
     *
     * @return a new stage with it on
     */
    public DiffusionStage residualSwap() {
        return residualSwap(true);
    }

    /**
     * Turns the residual-swap pass and the triplet loss on or off.
     *
     * @param on whether to swap
     * @return a new stage with it set
     */
    public DiffusionStage residualSwap(boolean on) {
        return with(d -> d.residualSwap = on);
    }

    /**
     * Margin of the triplet loss. Default 0.1.
     *
     * @param margin at least 0
     * @return a new stage with it set
     */
    public DiffusionStage tripletMargin(double margin) {
        return with(d -> d.loss = d.loss.withTripletMargin(margin));
    }

    /**
     * Maximum weight of the diffusion loss (lambda at the end of the ramp). Default 0.2.
     *
     * @param weight lambda, at least 0
     * @return a new stage with it set
     */
    public DiffusionStage noiseWeight(double weight) {
        return with(d -> d.loss = d.loss.withNoiseWeight(weight));
    }

    /**
     * Shape of the lambda ramp: {@code lambda(p) = w (2 / (1 + exp(-sharpness p)) - 1)}, p rising from 0 to 1
     * over the first {@code steps} steps, then held at 1 ({@code steps = 0}: over the whole run). Default
     * (5, 86,100), the authors' 300 epochs; see {@link dev.dna.api.spec.LossSpec}.
     *
     * @param sharpness the ramp's exponent, above 0
     * @param steps the ramp's length in steps, at least 0
     * @return a new stage with it set
     */
    public DiffusionStage noiseWeightRamp(double sharpness, int steps) {
        return with(d -> d.loss = d.loss.withRamp(sharpness, steps));
    }

    /**
     * The triplet hinge over {@code groups} equal groups of the batch, averaged (the authors' per-GPU hinge on
     * several GPUs); 1, the default, is one hinge over the batch. See {@link dev.dna.api.spec.LossSpec#withTripletGroups}.
     *
     * @param groups at least 1, dividing the batch size
     * @return a new stage with it set
     */
    public DiffusionStage tripletGroups(int groups) {
        return with(d -> d.loss = d.loss.withTripletGroups(groups));
    }

    /**
     * Stages of the ramp: lambda is constant within each of {@code stages} equal parts of it, as the authors'
     * is within an epoch; 0 for a smooth ramp. Default 300.
     *
     * @param stages at least 0
     * @return a new stage with it set
     */
    public DiffusionStage noiseWeightRampStages(int stages) {
        return with(d -> d.loss = d.loss.withRampStages(stages));
    }

    /**
     * Stops gradients from the diffusion loss at the conditions, so that it trains EpsNet only and never
     * reaches the restorer. Not the method (which does not detach): a control for experiments and tests.
     *
     * @param detach whether to stop the gradient
     * @return a new stage with it set
     */
    public DiffusionStage detachConditions(boolean detach) {
        return with(d -> d.detachConditions = detach);
    }
}
