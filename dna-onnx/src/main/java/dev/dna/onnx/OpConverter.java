package dev.dna.onnx;

import org.nd4j.autodiff.samediff.internal.SameDiffOp;

/**
 * Writes the ONNX nodes for one SameDiff op. Its ONNX outputs must carry the op's SameDiff output
 * names, so that later nodes find them. Register new ones in {@link OpConverters}.
 */
@FunctionalInterface
public interface OpConverter {
    /**
     * Appends the ONNX nodes (and initializers) computing {@code op} to {@code ctx}'s graph.
     *
     * @param ctx the ONNX graph being written, with the names of the op's inputs
     * @param op the SameDiff op
     */
    void convert(ConversionContext ctx, SameDiffOp op);
}
