package dev.dna.onnx;

import static dev.dna.onnx.ConversionContext.floatAttr;
import static dev.dna.onnx.OpConverters.unsupported;

import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.BaseScalarOp;

/** SameDiff-to-ONNX converters of activation ops (registered in {@link OpConverters}). */
final class ActivationConverters {
    private ActivationConverters() {}

    static void relu(ConversionContext c, SameDiffOp op) {
        if (op.getOp() instanceof BaseScalarOp s && s.getScalarValue() != null && s.getScalarValue().getDouble(0) != 0.0) {
            throw unsupported(op, "relu with cutoff " + s.getScalarValue() + " (only 0 maps to ONNX Relu)");
        }
        ArithmeticConverters.unary(c, op, "Relu");
    }

    static void leakyRelu(ConversionContext c, SameDiffOp op) {
        double alpha;
        if (op.getOp() instanceof BaseScalarOp s && s.getScalarValue() != null) {
            alpha = s.getScalarValue().getDouble(0);
        } else {
            throw unsupported(op, "leaky ReLU without a static slope");
        }
        c.node("LeakyRelu", new String[] {c.inputs(op)[0]}, c.outputs(op)).addAttribute(floatAttr("alpha", (float) alpha));
    }

    /** {@code x * sigmoid(k x)}: swish (k = 1) and ND4J's GELU (k = 1.702). */
    static void sigmoidGated(ConversionContext c, SameDiffOp op, float k) {
        String x = c.inputs(op)[0];
        String arg = x;
        if (k != 1f) {
            arg = c.fresh(x + "/scaled");
            c.node("Mul", new String[] {x, c.scalar("k", k)}, arg);
        }
        String gate = c.fresh(x + "/sigmoid");
        c.node("Sigmoid", new String[] {arg}, gate);
        c.node("Mul", new String[] {x, gate}, c.outputs(op));
    }
}
