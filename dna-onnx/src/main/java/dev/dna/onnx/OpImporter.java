package dev.dna.onnx;

import onnx.Onnx;

/**
 * Builds the SameDiff ops of one ONNX node: reads its inputs from the context and puts each of its outputs
 * back under the node's output names. Register new ones in {@link OpImporters}.
 */
@FunctionalInterface
public interface OpImporter {
    /**
     * Builds {@code node}.
     *
     * @param ctx the graph being built, with the values of the node's inputs
     * @param node the ONNX node
     * @throws UnsupportedNodeException for a setting of the op that it does not cover
     */
    void build(ImportContext ctx, Onnx.NodeProto node);
}
