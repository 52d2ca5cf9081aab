package dev.dna.api;

import com.google.errorprone.annotations.CheckReturnValue;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.spec.RestorerSpec;

/**
 * Entry point of the plan DSL.
 *
 * <pre>{@code
 * AdaptationPlan plan = Adaptation.of(Restorers.unet(32, 3))
 *     .withDiffusion(Diffusion.unet(32).timesteps(1000))
 *     .channelShuffle()
 *     .residualSwap()
 *     .patchSize(64).batchSize(8).steps(5000).seed(1)
 *     .build();
 * }</pre>
 */
@CheckReturnValue
public final class Adaptation {
    private Adaptation() {}

    /**
     * Starts a plan for {@code restorer}; every other field has its reference default.
     *
     * @param restorer the network to adapt, e.g. {@code Restorers.unet(32, 3)}
     * @return the first stage of the DSL
     */
    public static SyntheticStage of(RestorerSpec restorer) {
        checkNotNull(restorer, "restorer");
        PlanDraft d = new PlanDraft();
        d.restorer = restorer;
        return new SyntheticStage(d);
    }

    /**
     * A stage holding all of {@code plan}'s fields, to derive a changed plan from it.
     *
     * @param plan a plan to change
     * @return a stage whose {@code build()} gives {@code plan} back until something is changed
     */
    public static DiffusionStage from(AdaptationPlan plan) {
        checkNotNull(plan, "plan");
        return new DiffusionStage(PlanDraft.of(plan));
    }
}
