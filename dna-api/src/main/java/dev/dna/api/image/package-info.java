/**
 * Images [C, H, W] and batches [N, C, H, W] of floats in [0, 1], PNG and JPEG reading (bounded by a pixel
 * limit checked from the header) and writing, dihedral transforms, downscaling, and tiled inference for images of any
 * size.
 */
package dev.dna.api.image;
