/**
 * Image quality (PSNR and SSIM, over RGB or luma, checked against scikit-image) and the colour AWGN benchmark
 * ({@link dev.dna.api.metrics.AwgnBenchmark}).
 */
package dev.dna.api.metrics;
