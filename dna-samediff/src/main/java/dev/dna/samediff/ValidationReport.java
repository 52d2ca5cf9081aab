package dev.dna.samediff;

/**
 * Restoration quality on the held-out validation pairs at a step, measured with the EMA weights (or
 * the raw weights when EMA is off), on [0, 1] images clipped after restoration; and how hard each loss
 * pulls on the restorer at that step.
 *
 * @param restorationGradNorm L2 norm, over all restorer parameters, of the gradient of {@code L_res}
 *     on the step's batch
 * @param noiseGradNorm the same for {@code lambda * L_noise}, the diffusion loss as weighted at that
 *     step (NaN for plans without diffusion)
 */
public record ValidationReport(long step, double psnr, double ssim, double inputPsnr, double restorationGradNorm,
        double noiseGradNorm) {}
