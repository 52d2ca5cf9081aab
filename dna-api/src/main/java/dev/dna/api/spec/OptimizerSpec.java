package dev.dna.api.spec;

import com.google.errorprone.annotations.CheckReturnValue;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Adam over the restorer and the diffusion net together (one optimizer, as in the reference).
 *
 * <p>Reference: learning rate 1e-4 for denoising (5e-5 for deraining and deblurring), betas 0.9 and
 * 0.999, epsilon 1e-8, no weight decay.
 */
@CheckReturnValue
public record OptimizerSpec(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {

    public OptimizerSpec {
        checkArgument(learningRate > 0 && learningRate < 1, "optimizer.learningRate must be in (0, 1), got %s", learningRate);
        checkArgument(beta1 >= 0 && beta1 < 1, "optimizer.beta1 must be in [0, 1), got %s", beta1);
        checkArgument(beta2 >= 0 && beta2 < 1, "optimizer.beta2 must be in [0, 1), got %s", beta2);
        checkArgument(epsilon > 0 && epsilon < 1, "optimizer.epsilon must be in (0, 1), got %s", epsilon);
        checkArgument(weightDecay >= 0 && weightDecay < 1, "optimizer.weightDecay must be in [0, 1), got %s", weightDecay);
    }

    public static OptimizerSpec adam(double learningRate) {
        return new OptimizerSpec(learningRate, 0.9, 0.999, 1e-8, 0.0);
    }

    public OptimizerSpec withLearningRate(double learningRate) {
        return new OptimizerSpec(learningRate, beta1, beta2, epsilon, weightDecay);
    }

    public OptimizerSpec withWeightDecay(double weightDecay) {
        return new OptimizerSpec(learningRate, beta1, beta2, epsilon, weightDecay);
    }
}
