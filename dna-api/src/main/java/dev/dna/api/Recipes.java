package dev.dna.api;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.spec.OptimizerSpec;
import dev.dna.api.spec.RestorerSpec;

/**
 * dna's recipes at the scale of a CPU (two cores, minutes to hours): the full method's plans that the command line, the
 * examples and the benchmarks start from, each calibrated as docs/results.md says. Every field can be changed after with
 * {@link Adaptation#from}; {@link AdaptationPlan#ablations()} gives the variants of one recipe.
 *
 * <p>The scale, against the paper's (restorer 8.56 M parameters, noise predictor 62.6 M, 128-pixel patches, batch 24 x 8,
 * lambda 0.2, Adam 1e-4): a noise predictor 16 wide with two levels, one ResBlock a level, no attention; 48-pixel patches,
 * batch 4 per domain; lambda 1 (from scratch 0.2 did nothing, 2 diverged; fine-tuning, 1 beat 0.2 on SIDD's validation
 * scenes; docs/results.md).
 */
public final class Recipes {
    /** Patch side of the CPU recipes. */
    public static final int PATCH = 48;
    /** Images per domain per step. */
    public static final int BATCH = 4;
    /** Learning rate from scratch (1e-3 diverged now and then in the calibration). */
    public static final double SCRATCH_LEARNING_RATE = 5e-4;
    /**
     * Peak learning rate when fine-tuning a pretrained restorer, calibrated on SIDD's validation scenes: 5e-5 above 2e-5
     * at lambda 0.2 and 1; 1e-4 fell below its first validation after the warm-up (docs/results.md).
     */
    public static final double FINE_TUNE_LEARNING_RATE = 5e-5;
    /**
     * Final weight lambda of the diffusion loss (the paper's is 0.2: from scratch it left the method no better than
     * vanilla at this scale and 2 diverged; fine-tuning on SIDD's validation scenes 1 beat 0.2 by 0.3 dB).
     */
    public static final double NOISE_WEIGHT = 1.0;
    /** Steps of the fine-tuning recipe. */
    public static final int FINE_TUNE_STEPS = 600;

    private Recipes() {}

    /** The diffusion stage shared by the recipes: the CPU-scale noise predictor, lambda 1, shuffle and swap. */
    private static DiffusionStage method(RestorerSpec restorer, int steps, long seed, int rampSteps) {
        return Adaptation.of(restorer)
                .withDiffusion(Diffusion.unet(16).multipliers(1, 2).resBlocks(1).middleAttention(false).dropout(0.1))
                .noiseWeight(NOISE_WEIGHT)
                .noiseWeightRamp(5, rampSteps)
                .channelShuffle()
                .residualSwap()
                .patchSize(PATCH)
                .batchSize(BATCH)
                .steps(steps)
                .emaDecay(0.999)
                .seed(seed);
    }

    /**
     * Adaptation from scratch, the paper's protocol at CPU scale: a UNet restorer 16 wide with two levels, Adam 5e-4 at a
     * constant rate, lambda 1 ramped over the first fifth of the run (in the authors' 300 stages) then held.
     *
     * @param steps optimizer steps, at least 1
     * @param seed the run's seed
     * @return the full method's plan ({@link AdaptationPlan#ablation} gives the other variants)
     */
    public static AdaptationPlan fromScratch(int steps, long seed) {
        checkArgument(steps >= 1, "steps must be >= 1, got %s", steps);
        return method(Restorers.unet(16, 2), steps, seed, Math.max(1, steps / 5))
                .learningRate(SCRATCH_LEARNING_RATE).build();
    }

    /**
     * Adaptation as fine-tuning of a pretrained {@code restorer} (start its weights with {@code startFrom}): Adam at
     * {@link #FINE_TUNE_LEARNING_RATE}, warmed up over the first tenth of the run (fresh moments would otherwise move every
     * weight by a whole learning rate at the first steps) and decayed by a cosine to a hundredth; lambda ramped over the
     * first fifth.
     *
     * @param restorer the pretrained network's spec, e.g. {@code denoiser.spec()}
     * @param steps optimizer steps, at least 1
     * @param seed the run's seed
     * @return the full method's plan ({@link AdaptationPlan#ablation} gives the other variants)
     */
    public static AdaptationPlan fineTuning(RestorerSpec restorer, int steps, long seed) {
        checkNotNull(restorer, "restorer");
        checkArgument(steps >= 1, "steps must be >= 1, got %s", steps);
        OptimizerSpec opt = OptimizerSpec.adam(FINE_TUNE_LEARNING_RATE).withCosineDecay(steps / 10,
                FINE_TUNE_LEARNING_RATE / 100);
        return method(restorer, steps, seed, Math.max(1, steps / 5)).optimizer(opt).build();
    }
}
