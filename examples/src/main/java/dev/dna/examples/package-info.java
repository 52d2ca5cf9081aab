/**
 * Runnable programs: the main job ({@code DenoisingBenchmark}), the pretraining of the shipped denoiser
 * ({@code PretrainDenoiser}), adapting an ONNX model, and the performance benchmarks.
 */
package dev.dna.examples;
