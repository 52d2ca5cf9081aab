package dev.dna.onnx;

import static dev.dna.onnx.ConversionContext.intAttr;
import static dev.dna.onnx.ConversionContext.ints;
import static dev.dna.onnx.ConversionContext.stringAttr;
import static dev.dna.onnx.OpConverters.constantOrInput;
import static dev.dna.onnx.OpConverters.iArgs;
import static dev.dna.onnx.OpConverters.unsupported;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/** SameDiff-to-ONNX converters of shape ops (registered in {@link OpConverters}). */
final class ShapeConverters {
    private ShapeConverters() {}

    static void permute(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        if (a.length == 0 || c.inputs(op).length > 1) {
            throw unsupported(op, "permute needs static dimensions");
        }
        c.node("Transpose", new String[] {c.inputs(op)[0]}, c.outputs(op)).addAttribute(ints("perm", a));
    }

    static void stridedSlice(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        if (a.length < 5 || (a.length - 5) % 3 != 0) {
            throw unsupported(op, "strided_slice needs static begin/end/strides, iArgs " + java.util.Arrays.toString(a));
        }
        long beginMask = a[0];
        long ellipsis = a[1];
        long endMask = a[2];
        if (ellipsis != 0 || a[3] != 0 || a[4] != 0) {
            throw unsupported(op, "ellipsis, new-axis and shrink masks are not supported");
        }
        int rank = (a.length - 5) / 3;
        List<Long> starts = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        List<Long> axes = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            long begin = a[5 + d];
            long end = a[5 + rank + d];
            long stride = a[5 + 2 * rank + d];
            boolean bm = (beginMask >> d & 1) == 1;
            boolean em = (endMask >> d & 1) == 1;
            if (bm && em && stride == 1) {
                continue;
            }
            if (stride <= 0) {
                throw unsupported(op, "only positive strides are supported");
            }
            axes.add((long) d);
            starts.add(bm ? 0L : begin);
            ends.add(em ? Long.MAX_VALUE : end);
            steps.add(stride);
        }
        String[] inputs = {constantOrInput(c, op, 0), c.longInitializer("starts", unbox(starts)), c.longInitializer("ends", unbox(ends)),
            c.longInitializer("axes", unbox(axes)), c.longInitializer("steps", unbox(steps))};
        c.node("Slice", inputs, c.outputs(op));
    }

    static long[] unbox(List<Long> l) {
        return l.stream().mapToLong(Long::longValue).toArray();
    }

    static void concat(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        if (a.length < 1) {
            throw unsupported(op, "concat needs a static axis");
        }
        String[] in = c.inputs(op);
        for (int k = 0; k < in.length; k++) {
            in[k] = constantOrInput(c, op, k);
        }
        c.node("Concat", in, c.outputs(op)).addAttribute(intAttr("axis", a[0]));
    }

    /** A gather along a static axis (iArgs[0]) with constant indices (the second input, or the op's own list). */
    static void gather(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        String[] in = c.inputs(op);
        String indices;
        if (in.length > 1) {
            INDArray v = c.constantValue(in[1]);
            if (v == null) {
                throw unsupported(op, "gather with indices computed at run time");
            }
            indices = c.initializer(in[1], v.castTo(org.nd4j.linalg.api.buffer.DataType.INT64));
        } else {
            throw unsupported(op, "gather without an indices input");
        }
        c.node("Gather", new String[] {constantOrInput(c, op, 0), indices}, c.outputs(op))
                .addAttribute(intAttr("axis", a.length > 0 ? a[0] : 0));
    }

    /** Unsqueeze or Squeeze of the static axes in the op's iArgs (opset 13+: the axes as an int64 input). */
    static void axisOp(ConversionContext c, SameDiffOp op, String type) {
        long[] a = iArgs(op);
        if (a.length == 0 || c.inputs(op).length > 1) {
            throw unsupported(op, type + " needs static axes");
        }
        c.node(type, new String[] {constantOrInput(c, op, 0), c.longInitializer("axes", a)}, c.outputs(op));
    }

    /** A reshape to a static shape (the iArgs after the order flag, or a constant shape input), in C order. */
    static void reshape(ConversionContext c, SameDiffOp op) {
        String[] in = c.inputs(op);
        long[] shape;
        if (in.length > 1) {
            INDArray s = c.constantValue(in[1]);
            if (s == null) { // a shape computed at run time (from Shape, Gather, Concat): passed on as it is
                c.node("Reshape", new String[] {constantOrInput(c, op, 0), in[1]}, c.outputs(op));
                return;
            }
            shape = s.castTo(org.nd4j.linalg.api.buffer.DataType.INT64).toLongVector();
        } else {
            long[] a = iArgs(op);
            if (a.length == 0) {
                throw unsupported(op, "reshape without a static shape");
            }
            // M2.1 puts the order first, as minus its character ('c': -99, 'f': -102); the rest is the shape
            long order = Math.abs(a[0]);
            shape = order == 'c' || order == 'f' ? java.util.Arrays.copyOfRange(a, 1, a.length) : a;
            if (order == 'f') {
                throw unsupported(op, "reshape in Fortran order");
            }
        }
        c.node("Reshape", new String[] {constantOrInput(c, op, 0), c.longInitializer("shape", shape)}, c.outputs(op));
    }

    /** M2.1's pad (inputs: x, paddings [rank, 2]; iArgs: mode 0 constant, 1 reflect, 2 symmetric; tArgs: value). */
    static void pad(ConversionContext c, SameDiffOp op) {
        String[] in = c.inputs(op);
        INDArray p = c.constantValue(in[1]);
        if (p == null) {
            throw unsupported(op, "paddings computed at run time");
        }
        long[][] pads = new long[(int) p.size(0)][2];
        long[] flat = p.castTo(org.nd4j.linalg.api.buffer.DataType.INT64).reshape(-1).toLongVector();
        long[] onnxPads = new long[flat.length];
        int rank = pads.length;
        for (int d = 0; d < rank; d++) {
            onnxPads[d] = flat[2 * d];
            onnxPads[rank + d] = flat[2 * d + 1];
        }
        long[] a = iArgs(op);
        long mode = a.length > 0 ? a[0] : 0;
        if (mode == 2) {
            throw unsupported(op, "symmetric padding (ONNX has constant, reflect and edge)");
        }
        double[] t = op.getOp() instanceof DynamicCustomOp d ? d.tArgs() : new double[0];
        float value = t.length > 0 ? (float) t[0] : 0f;
        List<String> inputs = new ArrayList<>(List.of(constantOrInput(c, op, 0), c.longInitializer("pads", onnxPads)));
        if (mode == 0) {
            inputs.add(c.scalar("pad_value", value));
        }
        c.node("Pad", inputs.toArray(String[]::new), c.outputs(op)).addAttribute(stringAttr("mode", mode == 0 ? "constant"
                : "reflect"));
    }
}
