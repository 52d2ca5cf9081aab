package dev.dna.onnx;

import static dev.dna.onnx.ConversionContext.intAttr;
import static dev.dna.onnx.ConversionContext.ints;
import static dev.dna.onnx.OpConverters.constantOrInput;
import static dev.dna.onnx.OpConverters.iArgs;
import static dev.dna.onnx.OpConverters.unsupported;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseScalarOp;

/** SameDiff-to-ONNX converters of arithmetic ops (registered in {@link OpConverters}). */
final class ArithmeticConverters {
    private ArithmeticConverters() {}

    static void unary(ConversionContext c, SameDiffOp op, String type) {
        c.node(type, new String[] {c.inputs(op)[0]}, c.outputs(op));
    }

    static void binary(ConversionContext c, SameDiffOp op, String type) {
        String[] in = c.inputs(op);
        for (String i : in) {
            INDArray v = c.constantValue(i);
            if (v != null) {
                c.initializer(i, v);
            }
        }
        c.node(type, in, c.outputs(op));
    }

    static void scalarOp(ConversionContext c, SameDiffOp op, String type, boolean reversed) {
        if (!(op.getOp() instanceof BaseScalarOp s) || s.getScalarValue() == null) {
            throw unsupported(op, "scalar op without a static scalar");
        }
        String x = c.inputs(op)[0];
        var v = c.sameDiff().getVariable(x);
        String k = v != null && v.dataType().isIntType() ? c.longScalar("k", s.getScalarValue().getLong(0))
                : c.scalar("k", (float) s.getScalarValue().getDouble(0));
        c.node(type, reversed ? new String[] {k, x} : new String[] {x, k}, c.outputs(op));
    }

    /** A reduction over static dimensions ({@code keepDims} kept), in opset 17's form. */
    static void reduce(ConversionContext c, SameDiffOp op, String type) {
        if (!(op.getOp() instanceof org.nd4j.linalg.api.ops.BaseReduceOp r) || c.inputs(op).length > 1) {
            throw unsupported(op, "a reduction needs static dimensions");
        }
        int[] d = r.getDimensions();
        long[] dims = d == null ? new long[0] : java.util.Arrays.stream(d).asLongStream().toArray();
        boolean axesInput = type.equals("ReduceSum"); // opset 13 made ReduceSum's axes an input, the others' stay attributes until 18
        List<String> inputs = new ArrayList<>(List.of(constantOrInput(c, op, 0)));
        if (axesInput && dims.length > 0) {
            inputs.add(c.longInitializer("axes", dims));
        }
        var n = c.node(type, inputs.toArray(String[]::new), c.outputs(op))
                .addAttribute(intAttr("keepdims", r.isKeepDims() ? 1 : 0));
        if (!axesInput && dims.length > 0) {
            n.addAttribute(ints("axes", dims));
        }
    }

    /** Softmax along the op's dimension (iArgs[0], default the last). */
    static void softmax(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        c.node("Softmax", new String[] {constantOrInput(c, op, 0)}, c.outputs(op)).addAttribute(intAttr("axis",
                a.length > 0 ? a[0] : -1));
    }

    /** A matrix product without transposes (iArgs: transpose x, y, result), batched over the leading axes. */
    static void matmul(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        for (long t : a) {
            if (t != 0) {
                throw unsupported(op, "a product with transposed operands, iArgs " + java.util.Arrays.toString(a));
            }
        }
        c.node("MatMul", new String[] {constantOrInput(c, op, 0), constantOrInput(c, op, 1)}, c.outputs(op));
    }
}
