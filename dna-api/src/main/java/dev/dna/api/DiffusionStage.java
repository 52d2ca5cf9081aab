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

    /** Replaces the diffusion net and schedule. */
    public DiffusionStage withDiffusion(DiffusionSpec diffusion) {
        return with(d -> d.diffusion = diffusion);
    }

    /** Turns on the channel-shuffling layer on both conditions (method step 4). */
    public DiffusionStage channelShuffle() {
        return channelShuffle(true);
    }

    /** Turns the channel-shuffling layer on or off. */
    public DiffusionStage channelShuffle(boolean on) {
        return with(d -> d.channelShuffle = on);
    }

    /** Turns on the residual-swap negative pass and the triplet loss (method step 6). */
    public DiffusionStage residualSwap() {
        return residualSwap(true);
    }

    /** Turns the residual-swap pass and the triplet loss on or off. */
    public DiffusionStage residualSwap(boolean on) {
        return with(d -> d.residualSwap = on);
    }

    /** Margin of the triplet loss. Default 0.1. */
    public DiffusionStage tripletMargin(double margin) {
        return with(d -> d.loss = d.loss.withTripletMargin(margin));
    }

    /** Maximum weight of the diffusion loss (lambda at the end of the ramp). Default 0.2. */
    public DiffusionStage noiseWeight(double weight) {
        return with(d -> d.loss = d.loss.withNoiseWeight(weight));
    }

    /**
     * Shape of the lambda ramp: {@code lambda(p) = w (2 / (1 + exp(-sharpness p)) - 1)}, p rising from 0 to 1
     * over the first {@code steps} steps, then held at 1 ({@code steps = 0}: over the whole run). Default
     * (5, 86,100), the authors' 300 epochs; see {@link dev.dna.api.spec.LossSpec}.
     */
    public DiffusionStage noiseWeightRamp(double sharpness, int steps) {
        return with(d -> d.loss = d.loss.withRamp(sharpness, steps));
    }

    /**
     * The triplet hinge over {@code groups} equal groups of the batch, averaged (the authors' per-GPU hinge on
     * several GPUs); 1, the default, is one hinge over the batch. See {@link dev.dna.api.spec.LossSpec#withTripletGroups}.
     */
    public DiffusionStage tripletGroups(int groups) {
        return with(d -> d.loss = d.loss.withTripletGroups(groups));
    }

    /**
     * Stages of the ramp: lambda is constant within each of {@code stages} equal parts of it, as the authors'
     * is within an epoch; 0 for a smooth ramp. Default 300.
     */
    public DiffusionStage noiseWeightRampStages(int stages) {
        return with(d -> d.loss = d.loss.withRampStages(stages));
    }

    /**
     * Stops gradients from the diffusion loss at the conditions, so that it trains EpsNet only and never
     * reaches the restorer. Not the method (which does not detach): a control for experiments and tests.
     */
    public DiffusionStage detachConditions(boolean detach) {
        return with(d -> d.detachConditions = detach);
    }
}
