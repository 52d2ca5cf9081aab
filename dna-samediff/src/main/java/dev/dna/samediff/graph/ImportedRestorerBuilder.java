package dev.dna.samediff.graph;

import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spec.ValueRange;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Builds an imported restorer ({@link OnnxRestorerSpec}) as SameDiff ops; dna-onnx provides it through
 * {@link java.util.ServiceLoader}. Same contract as {@link RestorerFactory}: from {@code x} [n, 3, h, w] in the
 * plan's value range {@code range} (-1 for a size known only at run time) to the network output in that range
 * (the residual R when {@link OnnxRestorerSpec#residual()}, the restored image otherwise). The model's own
 * initializers are the starting weights, created through {@code layers} so that they get the restorer's prefix.
 */
public interface ImportedRestorerBuilder {
    /**
     * Builds the imported network on {@code x}.
     *
     * @param layers creates the parameters (with the restorer's prefix)
     * @param x the input [n, 3, h, w] in {@code range}
     * @param spec the imported model and how it is used
     * @param range the plan's value range
     * @param n the batch size, -1 when known only at run time
     * @param h the height, -1 when known only at run time
     * @param w the width, -1 when known only at run time
     * @return the network's output [n, 3, h, w] in {@code range}
     */
    SDVariable build(Layers layers, SDVariable x, OnnxRestorerSpec spec, ValueRange range, long n, long h, long w);
}
