/**
 * The diffusion noise schedule: betas, cumulative products, sampling of the timestep and the continuous
 * noise level.
 */
package dev.dna.api.schedule;
