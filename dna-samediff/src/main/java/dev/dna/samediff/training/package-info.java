/**
 * The state of a training run behind {@link dev.dna.samediff.SameDiffTrainer}: the feed of every placeholder (all
 * randomness drawn in Java), the parameters in flat buffers with Adam and the EMA, the random streams, one gradient
 * step, and checkpoint files (written to a temporary file, then moved). Internal: public for the trainer only, no
 * compatibility promise.
 */
package dev.dna.samediff.training;
