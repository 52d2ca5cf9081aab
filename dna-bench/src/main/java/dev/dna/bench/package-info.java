/**
 * The denoising benchmark behind the main job and {@code dna bench}: the ablation variants and the oracle trained with
 * the same seeds and budget on a synthetic and a real (or simulated) domain, resumable runs, tables with paired
 * differences, curves and the grid of restored test crops.
 */
package dev.dna.bench;
