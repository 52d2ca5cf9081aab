package dev.dna.samediff.graph;

import dev.dna.api.spec.CustomRestorerSpec;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Builds a user-defined restorer's subgraph: from the input {@code x} of shape [N, 3, H, W] to the
 * network output of the same shape (the residual R when the spec is residual; the engine adds x).
 * Create parameters through {@code layers} (deterministic, seeded initialization; names get the
 * restorer's prefix) and use only ops with correct gradients in M2.1 (see CONTRIBUTING.md). H and W
 * may be any multiple of the spec's downsampling factor.
 */
@FunctionalInterface
public interface RestorerFactory {
    /**
     * Builds the restorer on {@code x}.
     *
     * @param layers creates the parameters (seeded, with the restorer's prefix)
     * @param x the input [N, 3, H, W]
     * @param spec the user's restorer spec
     * @return the network output [N, 3, H, W]: the residual R when the spec is residual, the image otherwise
     */
    SDVariable build(Layers layers, SDVariable x, CustomRestorerSpec spec);
}
