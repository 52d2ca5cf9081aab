package dev.dna.api.spec;

import com.google.errorprone.annotations.CheckReturnValue;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Adam over the restorer and the diffusion net together (one optimizer, as in the reference), with an optional
 * learning-rate schedule and gradient clipping.
 *
 * <p>Reference: learning rate 1e-4 for denoising (5e-5 for deraining and deblurring), betas 0.9 and
 * 0.999, epsilon 1e-8, no weight decay, a constant rate and no clipping.
 *
 * <p>The rate at step {@code s} (1-based) of a run of {@code S} steps ({@link #learningRateAt}):
 * <pre>
 *   warm-up, s &lt;= W:   lr * s / W
 *   CONSTANT:          lr
 *   COSINE:            lr_min + (lr - lr_min) * (1 + cos(pi * (s - W) / (S - W))) / 2
 * </pre>
 * Clipping ({@code clipGradNorm > 0}) scales the gradient of all trained parameters together so that its global L2
 * norm is at most {@code clipGradNorm} ({@code torch.nn.utils.clip_grad_norm_}), before weight decay and Adam.
 *
 * @param schedule how the rate changes over the run
 * @param warmupSteps linear warm-up from 0 over the first steps (0: none)
 * @param minLearningRate the rate a {@link LearningRateSchedule#COSINE} schedule ends at, in [0, learningRate]
 * @param clipGradNorm the largest global gradient norm applied (0: no clipping)
 */
@CheckReturnValue
public record OptimizerSpec(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
        LearningRateSchedule schedule, int warmupSteps, double minLearningRate, double clipGradNorm) {

    /** How the learning rate changes over a run (after the warm-up). */
    public enum LearningRateSchedule {
        /** The rate stays {@code learningRate} (the authors'). */
        CONSTANT,
        /** Half a cosine from {@code learningRate} down to {@code minLearningRate} at the last step. */
        COSINE
    }

    /** Checks the components: an exception names any that is missing or out of range. */
    public OptimizerSpec {
        checkArgument(learningRate > 0 && learningRate < 1, "optimizer.learningRate must be in (0, 1), got %s", learningRate);
        checkArgument(beta1 >= 0 && beta1 < 1, "optimizer.beta1 must be in [0, 1), got %s", beta1);
        checkArgument(beta2 >= 0 && beta2 < 1, "optimizer.beta2 must be in [0, 1), got %s", beta2);
        checkArgument(epsilon > 0 && epsilon < 1, "optimizer.epsilon must be in (0, 1), got %s", epsilon);
        checkArgument(weightDecay >= 0 && weightDecay < 1, "optimizer.weightDecay must be in [0, 1), got %s", weightDecay);
        checkNotNull(schedule, "optimizer.schedule");
        checkArgument(warmupSteps >= 0, "optimizer.warmupSteps must be >= 0, got %s", warmupSteps);
        checkArgument(minLearningRate >= 0 && minLearningRate <= learningRate,
                "optimizer.minLearningRate must be in [0, learningRate = %s], got %s", learningRate, minLearningRate);
        checkArgument(clipGradNorm >= 0 && Double.isFinite(clipGradNorm),
                "optimizer.clipGradNorm must be >= 0 (0: no clipping), got %s", clipGradNorm);
    }

    /**
     * Adam at a constant {@code learningRate}, PyTorch's betas and epsilon, no weight decay, no clipping.
     *
     * @param learningRate in (0, 1)
     * @return the spec
     */
    public static OptimizerSpec adam(double learningRate) {
        return new OptimizerSpec(learningRate, 0.9, 0.999, 1e-8, 0.0, LearningRateSchedule.CONSTANT, 0, 0.0, 0.0);
    }

    /**
     * A copy with another {@code learningRate} ({@link #learningRate()}).
     *
     * @param learningRate in (0, 1)
     * @return the copy
     */
    public OptimizerSpec withLearningRate(double learningRate) {
        return new OptimizerSpec(learningRate, beta1, beta2, epsilon, weightDecay, schedule, warmupSteps, minLearningRate,
                clipGradNorm);
    }

    /**
     * A copy with another {@code weightDecay} ({@link #weightDecay()}).
     *
     * @param weightDecay in [0, 1)
     * @return the copy
     */
    public OptimizerSpec withWeightDecay(double weightDecay) {
        return new OptimizerSpec(learningRate, beta1, beta2, epsilon, weightDecay, schedule, warmupSteps, minLearningRate,
                clipGradNorm);
    }

    /**
     * A cosine decay to {@code minLearningRate} at the run's last step, after {@code warmupSteps} of linear warm-up.
     *
     * @param warmupSteps at least 0
     * @param minLearningRate the last step's rate, from 0 to {@link #learningRate()}
     * @return the copy
     */
    public OptimizerSpec withCosineDecay(int warmupSteps, double minLearningRate) {
        return new OptimizerSpec(learningRate, beta1, beta2, epsilon, weightDecay, LearningRateSchedule.COSINE, warmupSteps,
                minLearningRate, clipGradNorm);
    }

    /**
     * A constant rate after {@code warmupSteps} of linear warm-up (0: none).
     *
     * @param warmupSteps at least 0
     * @return the copy
     */
    public OptimizerSpec withConstantRate(int warmupSteps) {
        return new OptimizerSpec(learningRate, beta1, beta2, epsilon, weightDecay, LearningRateSchedule.CONSTANT, warmupSteps,
                0.0, clipGradNorm);
    }

    /**
     * Clips the global gradient norm at {@code maxNorm} (0: no clipping).
     *
     * @param maxNorm finite, at least 0
     * @return the copy
     */
    public OptimizerSpec withClipGradNorm(double maxNorm) {
        return new OptimizerSpec(learningRate, beta1, beta2, epsilon, weightDecay, schedule, warmupSteps, minLearningRate,
                maxNorm);
    }

    /**
     * The learning rate of step {@code step} (1-based) of a run of {@code totalSteps} steps (see the class comment).
     *
     * @param step from 1
     * @param totalSteps the run's steps
     * @return the rate
     */
    public double learningRateAt(long step, long totalSteps) {
        checkArgument(step >= 1, "step must be >= 1, got %s", step);
        if (warmupSteps > 0 && step <= warmupSteps) {
            return learningRate * step / warmupSteps;
        }
        if (schedule == LearningRateSchedule.CONSTANT || totalSteps <= warmupSteps) {
            return learningRate;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        return minLearningRate + (learningRate - minLearningRate) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
}
