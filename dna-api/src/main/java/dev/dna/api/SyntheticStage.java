package dev.dna.api;

import com.google.errorprone.annotations.CheckReturnValue;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.spec.DiffusionSpec;

/**
 * First stage of the DSL: a restorer trained on synthetic pairs. {@link #build()} here gives the
 * "vanilla" plan; {@link #withDiffusion(DiffusionSpec)} adds the diffusion loss on real images.
 */
@CheckReturnValue
public final class SyntheticStage extends PlanStage<SyntheticStage> {

    SyntheticStage(PlanDraft draft) {
        super(draft);
    }

    @Override
    SyntheticStage next(PlanDraft draft) {
        return new SyntheticStage(draft);
    }

    /**
     * Adds the conditional diffusion noise predictor and its loss (no shuffle, no swap yet).
     *
     * @param diffusion e.g. {@code Diffusion.unet(32).timesteps(1000)}
     * @return the next stage of the DSL
     */
    public DiffusionStage withDiffusion(DiffusionSpec diffusion) {
        checkNotNull(diffusion, "diffusion");
        PlanDraft d = draft.copy();
        d.diffusion = diffusion;
        return new DiffusionStage(d);
    }
}
