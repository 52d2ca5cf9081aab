package dev.dna.api.spec;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The training objective, the one place its constants live:
 * <pre>
 *   L_res   = mean(sqrt((y_s - ŷ_s)^2 + charbonnierEpsilon))                    (Charbonnier)
 *   mse_p   = mean((eps - e_pos)^2),  mse_n = mean((eps - e_neg)^2)             (batch scalars)
 *   L_noise = 0.5 * (mse_p + relu(mse_p - mse_n + tripletMargin))               (triplet)
 *   L       = L_res + lambda(p) * L_noise
 *   lambda(p) = noiseWeight * (2 / (1 + exp(-rampSharpness * p)) - 1),  p = min(1, step / rampSteps)
 * </pre>
 * Without residual swap there is no negative pass and {@code L_noise = mse_p}.
 * {@code rampSteps = 0} ramps over the whole run ({@code p = step / totalSteps}).
 *
 * <p>Reference: epsilon 1e-6 (inside the square root), margin 0.1, weight 0.2, sharpness 5.
 */
public record LossSpec(double charbonnierEpsilon, double tripletMargin, double noiseWeight, double rampSharpness,
        int rampSteps) {

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
    }

    public static LossSpec reference() {
        return new LossSpec(1e-6, 0.1, 0.2, 5.0, 0);
    }

    public LossSpec withCharbonnierEpsilon(double v) {
        return new LossSpec(v, tripletMargin, noiseWeight, rampSharpness, rampSteps);
    }

    public LossSpec withTripletMargin(double v) {
        return new LossSpec(charbonnierEpsilon, v, noiseWeight, rampSharpness, rampSteps);
    }

    public LossSpec withNoiseWeight(double v) {
        return new LossSpec(charbonnierEpsilon, tripletMargin, v, rampSharpness, rampSteps);
    }

    public LossSpec withRamp(double sharpness, int steps) {
        return new LossSpec(charbonnierEpsilon, tripletMargin, noiseWeight, sharpness, steps);
    }

    /**
     * lambda at training step {@code step} (0-based) of a run of {@code totalSteps}.
     *
     * @return a weight in [0, noiseWeight)
     */
    public double noiseWeightAt(long step, long totalSteps) {
        checkArgument(step >= 0, "step must be >= 0, got %s", step);
        checkArgument(totalSteps > 0, "totalSteps must be > 0, got %s", totalSteps);
        long span = rampSteps > 0 ? rampSteps : totalSteps;
        double p = Math.min(1.0, (double) step / span);
        return noiseWeight * (2.0 / (1.0 + Math.exp(-rampSharpness * p)) - 1.0);
    }
}
