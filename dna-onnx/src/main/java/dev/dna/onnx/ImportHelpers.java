package dev.dna.onnx;

import static dev.dna.onnx.ImportContext.f;
import static dev.dna.onnx.ImportContext.has;
import static dev.dna.onnx.ImportContext.s;
import static dev.dna.onnx.ImportContext.static4;

import java.util.function.UnaryOperator;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What the importer families share: outputs, refusals, unary ops, broadcasting. */
final class ImportHelpers {
    private ImportHelpers() {}

    static UnsupportedNodeException unsupported(Onnx.NodeProto n, String why) {
        return new UnsupportedNodeException(n, why);
    }

    static String out(Onnx.NodeProto n) {
        return n.getOutput(0);
    }

    static void unary(ImportContext c, Onnx.NodeProto n, UnaryOperator<SDVariable> f) {
        String x = n.getInput(0);
        c.put(out(n), f.apply(c.var(x)), c.shape(x));
    }

    static void alias(ImportContext c, Onnx.NodeProto n) {
        String x = n.getInput(0);
        if (c.isConstant(x)) {
            c.putConstant(out(n), c.constant(x));
        } else {
            c.put(out(n), c.var(x), c.shape(x));
        }
    }

    static INDArray initializer(ImportContext c, Onnx.NodeProto n, int index, String what) {
        INDArray w = has(n, index) ? c.constant(n.getInput(index)) : null;
        if (w == null) {
            throw unsupported(n, what + " ('" + (has(n, index) ? n.getInput(index) : "") + "') must be an initializer");
        }
        return w;
    }

    /** {@code x * s} with {@code s} broadcast: expanded when x's shape is static (a faster backward pass in M2.1). */
    static SDVariable mulBroadcast(ImportContext c, SDVariable x, SDVariable s, long[] shape) {
        return static4(shape) ? c.layers().mulBroadcast(x, s, shape) : x.mul(s);
    }

    /** A per-channel vector [C] reshaped to [1, C, 1, 1]. */
    static SDVariable perChannel(ImportContext c, SDVariable v, long channels) {
        return c.sameDiff().reshape(v, 1, channels, 1, 1);
    }

    static long convOut(long in, long k, long stride, long padTotal, long dilation) {
        return in < 0 ? -1 : (in + padTotal - ((k - 1) * dilation + 1)) / stride + 1;
    }
}
