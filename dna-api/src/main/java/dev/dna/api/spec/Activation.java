package dev.dna.api.spec;

/**
 * Pointwise nonlinearity of a network. {@link #LEAKY_RELU} uses negative slope {@value #LEAKY_SLOPE},
 * the reference restorer's.
 */
public enum Activation {
    /** {@code max(0, x)}. */
    RELU,
    /** {@code x} for {@code x >= 0}, else {@link #LEAKY_SLOPE} {@code x}. */
    LEAKY_RELU,
    /** {@code x * sigmoid(x)} (swish). */
    SILU,
    /** The Gaussian error linear unit in its sigmoid approximation, {@code x * sigmoid(1.702 x)} (as ND4J's). */
    GELU,
    /** {@code tanh(x)}. */
    TANH;

    /** Negative slope of {@link #LEAKY_RELU}. */
    public static final double LEAKY_SLOPE = 0.2;
}
