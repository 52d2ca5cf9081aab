package dev.dna.onnx;

import onnx.Onnx;

/** An ONNX model has a node the importer cannot build (an op outside the set, or an unsupported setting of one). */
public final class UnsupportedNodeException extends IllegalArgumentException {
    /** The ONNX op type. */
    private final String opType;
    /** The node's name, or its outputs. */
    private final String node;

    UnsupportedNodeException(Onnx.NodeProto n, String why) {
        super("cannot import ONNX node '" + nodeName(n) + "' (" + n.getOpType() + "): " + why);
        this.opType = n.getOpType();
        this.node = nodeName(n);
    }

    static String nodeName(Onnx.NodeProto n) {
        return n.getName().isEmpty() ? "producing " + n.getOutputList() : n.getName();
    }

    /** {@return the ONNX op type, e.g. {@code "Einsum"}} */
    public String opType() {
        return opType;
    }

    /** {@return the node's name (or its outputs when it has none)} */
    public String node() {
        return node;
    }
}
