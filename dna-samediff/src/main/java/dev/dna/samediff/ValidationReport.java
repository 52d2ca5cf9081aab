package dev.dna.samediff;

/**
 * Restoration quality on the held-out validation pairs at a step, on [0, 1] images clipped after
 * restoration, for the weights training returns (the EMA, or the raw weights when EMA is off) and for the raw
 * weights of that step (what the authors validate: a sudden drop, the shortcut, shows there first and is
 * smoothed away in the EMA); and how hard each loss pulls on the restorer at that step.
 *
 * @param psnr mean PSNR of the returned (EMA) weights, dB
 * @param ssim mean SSIM of the returned (EMA) weights
 * @param rawPsnr mean PSNR of the raw weights (equal to {@code psnr} when EMA is off)
 * @param rawSsim mean SSIM of the raw weights
 * @param restorationGradNorm L2 norm, over all restorer parameters, of the gradient of {@code L_res}
 *     on the step's batch
 * @param noiseGradNorm the same for {@code lambda * L_noise}, the diffusion loss as weighted at that
 *     step (NaN for plans without diffusion)
 */
public record ValidationReport(long step, double psnr, double ssim, double rawPsnr, double rawSsim, double inputPsnr,
        double restorationGradNorm, double noiseGradNorm) {}
