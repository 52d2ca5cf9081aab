/**
 * The SameDiff engine's API: {@link dev.dna.samediff.SameDiffTrainer} trains a plan,
 * {@link dev.dna.samediff.TrainedRestorer} restores and saves, {@link dev.dna.samediff.ModelZoo} loads pretrained
 * restorers; listeners receive step, validation, spike and summary reports.
 */
package dev.dna.samediff;
