/**
 * Immutable specifications of a plan's parts: restorers, the diffusion net and its schedule, the loss, the
 * optimizer and the spike guard. Each validates its fields in its constructor and names the one out of range.
 */
package dev.dna.api.spec;
