/**
 * Every random stream of a run, named and seeded from the plan's seed, with state that checkpoints save and
 * restore.
 */
package dev.dna.api.random;
