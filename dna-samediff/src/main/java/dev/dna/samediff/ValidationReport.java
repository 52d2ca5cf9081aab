package dev.dna.samediff;

/**
 * Restoration quality on the held-out validation pairs at a step, measured with the EMA weights (or
 * the raw weights when EMA is off), on [0, 1] images clipped after restoration.
 */
public record ValidationReport(long step, double psnr, double ssim, double inputPsnr) {}
