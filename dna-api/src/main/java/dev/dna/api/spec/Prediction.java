package dev.dna.api.spec;

/**
 * What an imported network outputs, for its degraded input {@code x} (both in the model's value range).
 * The method works on the residual {@code R = y - x}; each case says how R follows from the output.
 */
public enum Prediction {
    /** The restored image {@code y} (most PyTorch exports, including DnCNN written as {@code x - noise(x)}). */
    RESTORED,
    /** The residual: {@code y = x + out}. */
    RESIDUAL,
    /** The noise, DnCNN's raw output: {@code y = x - out}. */
    NOISE
}
