package dev.dna.api;

import com.google.errorprone.annotations.CheckReturnValue;

import dev.dna.api.spec.LossSpec;
import dev.dna.api.spec.OptimizerSpec;
import dev.dna.api.spec.ValueRange;
import java.util.function.Consumer;

/**
 * The knobs every stage of the {@link Adaptation} DSL has. Every stage is an immutable value: each
 * method returns a new stage and leaves this one as it was. {@link #build()} validates the whole plan.
 *
 * @param <S> the concrete stage, so that chained calls keep it
 */
@CheckReturnValue
public abstract sealed class PlanStage<S extends PlanStage<S>> permits SyntheticStage, DiffusionStage {
    final PlanDraft draft;

    PlanStage(PlanDraft draft) {
        this.draft = draft;
    }

    abstract S next(PlanDraft draft);

    final S with(Consumer<PlanDraft> change) {
        PlanDraft d = draft.copy();
        change.accept(d);
        return next(d);
    }

    /**
     * The restorer trained: the same plan around another network, e.g. {@link Restorers#fromOnnx} a model of one's
     * own, or the spec of a {@code restorer.dna} to warm-start from.
     *
     * @param restorer the network to train
     * @return a new stage with it set
     */
    public S restorer(dev.dna.api.spec.RestorerSpec restorer) {
        com.google.common.base.Preconditions.checkNotNull(restorer, "restorer");
        return with(d -> d.restorer = restorer);
    }

    /**
     * Training steps (optimizer updates). Default 10000.
     *
     * @param steps at least 1 (checked by {@link #build()})
     * @return a new stage with it set
     */
    public S steps(int steps) {
        return with(d -> d.steps = steps);
    }

    /**
     * Images per domain per step (B synthetic pairs and B real images). Default 8.
     *
     * @param batchSize 1 to 4096, a multiple of the triplet groups (checked by {@link #build()})
     * @return a new stage with it set
     */
    public S batchSize(int batchSize) {
        return with(d -> d.batchSize = batchSize);
    }

    /**
     * Side of the square training patches; a multiple of the networks' downsampling. Default 128.
     *
     * @param patchSize in pixels, 4 to 4096 (checked by {@link #build()})
     * @return a new stage with it set
     */
    public S patchSize(int patchSize) {
        return with(d -> d.patchSize = patchSize);
    }

    /**
     * Whether patches get one of the 8 dihedral transforms at random. Default true.
     *
     * @param augment whether to flip and rotate
     * @return a new stage with it set
     */
    public S augment(boolean augment) {
        return with(d -> d.augment = augment);
    }

    /**
     * Seed of every random draw in training (noise, t, level, masks, patches, init). Default 0.
     *
     * @param seed any value
     * @return a new stage with it set
     */
    public S seed(long seed) {
        return with(d -> d.seed = seed);
    }

    /**
     * Adam settings. Default {@code OptimizerSpec.adam(1e-4)}.
     *
     * @param optimizer Adam's rates, schedule and clipping
     * @return a new stage with it set
     */
    public S optimizer(OptimizerSpec optimizer) {
        return with(d -> d.optimizer = optimizer);
    }

    /**
     * Shortcut for the optimizer's learning rate.
     *
     * @param learningRate Adam's peak rate, above 0
     * @return a new stage with it set
     */
    public S learningRate(double learningRate) {
        return with(d -> d.optimizer = d.optimizer.withLearningRate(learningRate));
    }

    /**
     * Decay of the exponential moving average of the weights, in [0, 1); 0 turns EMA off. Default 0.9999.
     *
     * @param emaDecay in [0, 1) (checked by {@link #build()})
     * @return a new stage with it set
     */
    public S emaDecay(double emaDecay) {
        return with(d -> d.emaDecay = emaDecay);
    }

    /**
     * What training does when a step's loss or gradient spikes far above its running level (a loss spike is skipped or
     * rolled back, a gradient spike clipped). Default
     * {@link dev.dna.api.spec.SpikeGuardSpec#rollback()}; {@code SpikeGuardSpec.off()} is the authors' behaviour.
     *
     * @param spikeGuard the guard's settings
     * @return a new stage with it set
     */
    public S spikeGuard(dev.dna.api.spec.SpikeGuardSpec spikeGuard) {
        return with(d -> d.spikeGuard = spikeGuard);
    }

    /**
     * Pixel range the networks see. Default [0, 1] (denoising); the reference uses [-1, 1] otherwise.
     *
     * @param valueRange the networks' pixel range
     * @return a new stage with it set
     */
    public S valueRange(ValueRange valueRange) {
        return with(d -> d.valueRange = valueRange);
    }

    /**
     * All loss constants at once. Default {@link LossSpec#reference()}.
     *
     * @param loss every loss constant
     * @return a new stage with it set
     */
    public S loss(LossSpec loss) {
        return with(d -> d.loss = loss);
    }

    /**
     * Epsilon inside the Charbonnier square root. Default 1e-6.
     *
     * @param epsilon above 0
     * @return a new stage with it set
     */
    public S charbonnierEpsilon(double epsilon) {
        return with(d -> d.loss = d.loss.withCharbonnierEpsilon(epsilon));
    }

    /**
     * Validates the fields together and returns the plan.
     *
     * @return the plan
     * @throws IllegalArgumentException naming the field when a value is out of range or the fields do not fit together
     *     (a patch size the networks cannot take, a channel shuffle without the diffusion loss)
     */
    public AdaptationPlan build() {
        return AdaptationPlan.validate(draft);
    }
}
