package dev.dna.api.spec;

/**
 * Pointwise nonlinearity of a network. {@link #LEAKY_RELU} uses negative slope {@value #LEAKY_SLOPE},
 * the reference restorer's.
 */
public enum Activation {
    RELU,
    LEAKY_RELU,
    SILU,
    GELU,
    TANH;

    /** Negative slope of {@link #LEAKY_RELU}. */
    public static final double LEAKY_SLOPE = 0.2;
}
