/**
 * Images as data: folders of photographs ({@link dev.dna.api.data.ImageSet}), aligned pairs
 * ({@link dev.dna.api.data.ImagePairs}), random training patches ({@link dev.dna.api.data.PatchDataset}), fixed
 * realizations of a degradation, the embedded photographs, and the real-noise benchmarks with their splits by scene
 * ({@link dev.dna.api.data.RealNoise}).
 */
package dev.dna.api.data;
