package dev.dna.onnx;

import static dev.dna.onnx.ConversionContext.floatAttr;
import static dev.dna.onnx.ConversionContext.intAttr;
import static dev.dna.onnx.ConversionContext.ints;
import static dev.dna.onnx.ConversionContext.stringAttr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseScalarOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * The one registry of SameDiff-to-ONNX (opset {@value OnnxExporter#OPSET}) op mappings. Layouts: SameDiff
 * convolution weights are YXIO [kH, kW, in, out] and become OIHW; depthwise weights [kH, kW, C, m] become
 * [C*m, 1, kH, kW] with group = C; deconvolution weights [kH, kW, out, in] become [in, out, kH, kW].
 * ND4J's GELU is {@code x * sigmoid(1.702 x)} and is exported as exactly that.
 */
public final class OpConverters {
    private static final Map<String, OpConverter> REGISTRY = new TreeMap<>();

    static {
        register("conv2d", OpConverters::conv2d);
        register("depthwise_conv2d", OpConverters::depthwise);
        register("deconv2d", OpConverters::deconv2d);
        register("avgpool2d", (c, op) -> pool(c, op, "AveragePool"));
        register("maxpool2d", (c, op) -> pool(c, op, "MaxPool"));
        register("upsampling2d", OpConverters::upsampling);
        register("resize_bilinear", OpConverters::resizeBilinear);
        register("permute", OpConverters::permute);
        register("shape_of", (c, op) -> unary(c, op, "Shape"));
        register("strided_slice", OpConverters::stridedSlice);
        register("concat", OpConverters::concat);
        register("identity", (c, op) -> unary(c, op, "Identity"));
        register("add", (c, op) -> binary(c, op, "Add"));
        register("subtract", (c, op) -> binary(c, op, "Sub"));
        register("multiply", (c, op) -> binary(c, op, "Mul"));
        register("divide", (c, op) -> binary(c, op, "Div"));
        register("add_scalar", (c, op) -> scalarOp(c, op, "Add", false));
        register("sub_scalar", (c, op) -> scalarOp(c, op, "Sub", false));
        register("mul_scalar", (c, op) -> scalarOp(c, op, "Mul", false));
        register("div_scalar", (c, op) -> scalarOp(c, op, "Div", false));
        register("rsub_scalar", (c, op) -> scalarOp(c, op, "Sub", true));
        register("relu", OpConverters::relu);
        register("leakyrelu", OpConverters::leakyRelu);
        register("tanh", (c, op) -> unary(c, op, "Tanh"));
        register("sigmoid", (c, op) -> unary(c, op, "Sigmoid"));
        register("swish", (c, op) -> sigmoidGated(c, op, 1f));
        register("gelu", (c, op) -> sigmoidGated(c, op, 1.702f));
        register("reduce_mean", (c, op) -> reduce(c, op, "ReduceMean"));
        register("reduce_sum", (c, op) -> reduce(c, op, "ReduceSum"));
        register("reduce_max", (c, op) -> reduce(c, op, "ReduceMax"));
        register("reduce_prod", (c, op) -> reduce(c, op, "ReduceProd"));
        register("reshape", OpConverters::reshape);
        register("pad", OpConverters::pad);
        register("rsqrt", (c, op) -> {
            String root = c.fresh(c.outputs(op)[0] + "/sqrt");
            c.node("Sqrt", new String[] {constantOrInput(c, op, 0)}, root);
            c.node("Reciprocal", new String[] {root}, c.outputs(op));
        });
        register("sqrt", (c, op) -> c.node("Sqrt", new String[] {constantOrInput(c, op, 0)}, c.outputs(op)));
        register("erf", (c, op) -> c.node("Erf", new String[] {constantOrInput(c, op, 0)}, c.outputs(op)));
        register("expand_dims", (c, op) -> axisOp(c, op, "Unsqueeze"));
        register("softmax", OpConverters::softmax);
        register("pow", (c, op) -> scalarOp(c, op, "Pow", false));
        register("gather", OpConverters::gather);
        register("matmul", OpConverters::matmul);
        register("depth_to_space", (c, op) -> blockOp(c, op, "DepthToSpace"));
        register("space_to_depth", (c, op) -> blockOp(c, op, "SpaceToDepth"));
        register("squeeze", (c, op) -> axisOp(c, op, "Squeeze"));
        register("rdiv_scalar", (c, op) -> scalarOp(c, op, "Div", true));
    }

    private OpConverters() {}

    /** Adds or replaces the converter of SameDiff op {@code opName}. */
    public static synchronized void register(String opName, OpConverter converter) {
        REGISTRY.put(opName, converter);
    }

    /** The converter for {@code opName}, or null. */
    static synchronized OpConverter get(String opName) {
        return REGISTRY.get(opName);
    }

    /** Op names with a converter. */
    public static synchronized List<String> supported() {
        return new ArrayList<>(REGISTRY.keySet());
    }

    static UnsupportedOpException unsupported(SameDiffOp op, String why) {
        return new UnsupportedOpException(op.getOp().opName(), "op '" + op.getName() + "' with inputs " + op.getInputsToOp(), why);
    }

    private static long[] iArgs(SameDiffOp op) {
        DifferentialFunction f = op.getOp();
        return f instanceof DynamicCustomOp d ? d.iArgs() : new long[0];
    }

    private static INDArray weights(ConversionContext c, SameDiffOp op, int index) {
        String name = c.inputs(op)[index];
        INDArray w = c.constantValue(name);
        if (w == null) {
            throw unsupported(op, "input " + index + " ('" + name + "') must be a weight (variable or constant), not computed");
        }
        return w;
    }

    private static void conv2d(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        String[] in = c.inputs(op);
        if (a.length < 11 || a[9] != 0 || a[10] != 0) {
            throw unsupported(op, "only NCHW data with YXIO weights is supported, iArgs " + java.util.Arrays.toString(a));
        }
        INDArray w = weights(c, op, 1).permute(3, 2, 0, 1);
        List<String> inputs = new ArrayList<>(List.of(in[0], c.floatInitializer(in[1] + "/oihw", w)));
        if (in.length > 2) {
            inputs.add(c.floatInitializer(in[2], weights(c, op, 2)));
        }
        var n = c.node("Conv", inputs.toArray(String[]::new), c.outputs(op))
                .addAttribute(ints("kernel_shape", a[0], a[1])).addAttribute(ints("strides", a[2], a[3]))
                .addAttribute(ints("dilations", a[6], a[7]));
        padding(op, n, a[8] == 1, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    }

    /** SAME with stride 1 and odd kernels: symmetric explicit pads; SAME otherwise: SAME_UPPER; VALID: pads. */
    private static void padding(SameDiffOp op, onnx.Onnx.NodeProto.Builder n, boolean same, long kh, long kw, long sh,
            long sw, long ph, long pw, long dh, long dw) {
        if (!same) {
            n.addAttribute(ints("pads", ph, pw, ph, pw));
            return;
        }
        long ekh = (kh - 1) * dh + 1;
        long ekw = (kw - 1) * dw + 1;
        if (sh == 1 && sw == 1 && ekh % 2 == 1 && ekw % 2 == 1) {
            n.addAttribute(ints("pads", ekh / 2, ekw / 2, ekh / 2, ekw / 2));
        } else {
            n.addAttribute(stringAttr("auto_pad", "SAME_UPPER"));
        }
    }

    private static void depthwise(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        String[] in = c.inputs(op);
        if (a.length < 10 || a[9] != 0) {
            throw unsupported(op, "only NCHW depthwise convolution is supported, iArgs " + java.util.Arrays.toString(a));
        }
        INDArray w = weights(c, op, 1);
        long ch = w.size(2);
        long mult = w.size(3);
        INDArray onnxW = w.permute(2, 3, 0, 1).dup('c').reshape(ch * mult, 1, w.size(0), w.size(1));
        List<String> inputs = new ArrayList<>(List.of(in[0], c.floatInitializer(in[1] + "/grouped", onnxW)));
        if (in.length > 2) {
            inputs.add(c.floatInitializer(in[2], weights(c, op, 2)));
        }
        var n = c.node("Conv", inputs.toArray(String[]::new), c.outputs(op))
                .addAttribute(ints("kernel_shape", a[0], a[1])).addAttribute(ints("strides", a[2], a[3]))
                .addAttribute(ints("dilations", a[6], a[7])).addAttribute(intAttr("group", ch));
        padding(op, n, a[8] == 1, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    }

    private static void deconv2d(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        String[] in = c.inputs(op);
        if (a.length < 10 || a[8] != 0 || a[9] != 0 || a[4] != 0 || a[5] != 0) {
            throw unsupported(op, "only VALID, unpadded NCHW transposed convolution is supported, iArgs "
                    + java.util.Arrays.toString(a));
        }
        INDArray w = weights(c, op, 1).permute(3, 2, 0, 1);
        List<String> inputs = new ArrayList<>(List.of(in[0], c.floatInitializer(in[1] + "/iohw", w)));
        if (in.length > 2) {
            inputs.add(c.floatInitializer(in[2], weights(c, op, 2)));
        }
        c.node("ConvTranspose", inputs.toArray(String[]::new), c.outputs(op))
                .addAttribute(ints("kernel_shape", a[0], a[1])).addAttribute(ints("strides", a[2], a[3]))
                .addAttribute(ints("dilations", a[6], a[7]));
    }

    private static void pool(ConversionContext c, SameDiffOp op, String type) {
        long[] a = iArgs(op);
        if (a.length < 11 || a[8] != 0 || a[10] != 0 || a[4] != 0 || a[5] != 0 || a[6] != 1 || a[7] != 1) {
            throw unsupported(op, "only VALID, unpadded, undilated NCHW pooling is supported, iArgs " + java.util.Arrays.toString(a));
        }
        c.node(type, c.inputs(op), c.outputs(op)).addAttribute(ints("kernel_shape", a[0], a[1]))
                .addAttribute(ints("strides", a[2], a[3]));
    }

    private static void upsampling(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        if (a.length < 3 || a[2] != 1) {
            throw unsupported(op, "only NCHW nearest upsampling is supported, iArgs " + java.util.Arrays.toString(a));
        }
        String scales = c.fresh("scales");
        float[] s = {1f, 1f, a[0], a[1]};
        c.floatInitializer(scales, org.nd4j.linalg.factory.Nd4j.create(s, new long[] {4}, 'c'));
        c.node("Resize", new String[] {c.inputs(op)[0], "", scales}, c.outputs(op))
                .addAttribute(stringAttr("mode", "nearest"))
                .addAttribute(stringAttr("coordinate_transformation_mode", "asymmetric"))
                .addAttribute(stringAttr("nearest_mode", "floor"));
    }

    /**
     * ND4J's {@code resize_bilinear} (NHWC input, output size [newH, newW] as a tensor or as iArgs) to ONNX Resize
     * with {@code sizes} [N, newH, newW, C]; corners aligned, half-pixel centres or TensorFlow's asymmetric mapping
     * as its boolean arguments say.
     */
    private static void resizeBilinear(ConversionContext c, SameDiffOp op) {
        boolean[] b = op.getOp() instanceof DynamicCustomOp d ? d.bArgs() : new boolean[0];
        long[] a = iArgs(op);
        boolean alignCorners = b.length > 0 && b[0];
        boolean halfPixel = b.length > 1 && b[1];
        String[] in = c.inputs(op);
        String hw;
        if (in.length > 1) {
            hw = in[1];
        } else if (a.length >= 2) {
            hw = c.longInitializer("size", a[0], a[1]);
        } else {
            throw unsupported(op, "resize_bilinear without an output size");
        }
        String shape = c.fresh("shape");
        c.node("Shape", new String[] {in[0]}, shape);
        String n = c.fresh("n");
        c.node("Slice", new String[] {shape, c.longInitializer("starts", 0), c.longInitializer("ends", 1)}, n);
        String ch = c.fresh("c");
        c.node("Slice", new String[] {shape, c.longInitializer("starts", 3), c.longInitializer("ends", 4)}, ch);
        String hw64 = c.fresh("hw");
        c.node("Cast", new String[] {hw}, hw64).addAttribute(intAttr("to", onnx.Onnx.TensorProto.DataType.INT64.getNumber()));
        String sizes = c.fresh("sizes");
        c.node("Concat", new String[] {n, hw64, ch}, sizes).addAttribute(intAttr("axis", 0));
        c.node("Resize", new String[] {in[0], "", "", sizes}, c.outputs(op))
                .addAttribute(stringAttr("mode", "linear"))
                .addAttribute(stringAttr("coordinate_transformation_mode",
                        alignCorners ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric"));
    }

    private static void permute(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        if (a.length == 0 || c.inputs(op).length > 1) {
            throw unsupported(op, "permute needs static dimensions");
        }
        c.node("Transpose", new String[] {c.inputs(op)[0]}, c.outputs(op)).addAttribute(ints("perm", a));
    }

    private static void stridedSlice(ConversionContext c, SameDiffOp op) {
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

    private static long[] unbox(List<Long> l) {
        return l.stream().mapToLong(Long::longValue).toArray();
    }

    private static void concat(ConversionContext c, SameDiffOp op) {
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
    private static void gather(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        String[] in = c.inputs(op);
        String indices;
        if (in.length > 1) {
            INDArray v = c.constantValue(in[1]);
            if (v == null) {
                throw unsupported(op, "gather with indices computed at run time");
            }
            indices = c.initializer(in[1], v.castTo(org.nd4j.linalg.api.buffer.DataType.LONG));
        } else {
            throw unsupported(op, "gather without an indices input");
        }
        c.node("Gather", new String[] {constantOrInput(c, op, 0), indices}, c.outputs(op))
                .addAttribute(intAttr("axis", a.length > 0 ? a[0] : 0));
    }

    /** Softmax along the op's dimension (iArgs[0], default the last). */
    private static void softmax(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        c.node("Softmax", new String[] {constantOrInput(c, op, 0)}, c.outputs(op)).addAttribute(intAttr("axis",
                a.length > 0 ? a[0] : -1));
    }

    /** A matrix product without transposes (iArgs: transpose x, y, result), batched over the leading axes. */
    private static void matmul(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        for (long t : a) {
            if (t != 0) {
                throw unsupported(op, "a product with transposed operands, iArgs " + java.util.Arrays.toString(a));
            }
        }
        c.node("MatMul", new String[] {constantOrInput(c, op, 0), constantOrInput(c, op, 1)}, c.outputs(op));
    }

    /** M2.1's depth_to_space / space_to_depth (iArgs: block size, then 0 for NCHW): ONNX's DCR order. */
    private static void blockOp(ConversionContext c, SameDiffOp op, String type) {
        long[] a = iArgs(op);
        if (a.length < 2 || a[1] != 0) {
            throw unsupported(op, type + " needs NCHW data and a static block size, iArgs " + java.util.Arrays.toString(a));
        }
        var n = c.node(type, new String[] {constantOrInput(c, op, 0)}, c.outputs(op)).addAttribute(intAttr("blocksize", a[0]));
        if (type.equals("DepthToSpace")) {
            n.addAttribute(stringAttr("mode", "DCR"));
        }
    }

    /** Unsqueeze or Squeeze of the static axes in the op's iArgs (opset 13+: the axes as an int64 input). */
    private static void axisOp(ConversionContext c, SameDiffOp op, String type) {
        long[] a = iArgs(op);
        if (a.length == 0 || c.inputs(op).length > 1) {
            throw unsupported(op, type + " needs static axes");
        }
        c.node(type, new String[] {constantOrInput(c, op, 0), c.longInitializer("axes", a)}, c.outputs(op));
    }

    /** Input {@code index} of {@code op}, written as an initializer first when it is a weight or constant. */
    private static String constantOrInput(ConversionContext c, SameDiffOp op, int index) {
        String name = c.inputs(op)[index];
        INDArray v = c.constantValue(name);
        return v != null ? c.initializer(name, v) : name;
    }

    /** A reduction over static dimensions ({@code keepDims} kept), in opset 17's form. */
    private static void reduce(ConversionContext c, SameDiffOp op, String type) {
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

    /** A reshape to a static shape (the iArgs after the order flag, or a constant shape input), in C order. */
    private static void reshape(ConversionContext c, SameDiffOp op) {
        String[] in = c.inputs(op);
        long[] shape;
        if (in.length > 1) {
            INDArray s = c.constantValue(in[1]);
            if (s == null) { // a shape computed at run time (from Shape, Gather, Concat): passed on as it is
                c.node("Reshape", new String[] {constantOrInput(c, op, 0), in[1]}, c.outputs(op));
                return;
            }
            shape = s.castTo(org.nd4j.linalg.api.buffer.DataType.LONG).toLongVector();
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
    private static void pad(ConversionContext c, SameDiffOp op) {
        String[] in = c.inputs(op);
        INDArray p = c.constantValue(in[1]);
        if (p == null) {
            throw unsupported(op, "paddings computed at run time");
        }
        long[][] pads = new long[(int) p.size(0)][2];
        long[] flat = p.castTo(org.nd4j.linalg.api.buffer.DataType.LONG).reshape(-1).toLongVector();
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

    private static void unary(ConversionContext c, SameDiffOp op, String type) {
        c.node(type, new String[] {c.inputs(op)[0]}, c.outputs(op));
    }

    private static void binary(ConversionContext c, SameDiffOp op, String type) {
        String[] in = c.inputs(op);
        for (String i : in) {
            INDArray v = c.constantValue(i);
            if (v != null) {
                c.initializer(i, v);
            }
        }
        c.node(type, in, c.outputs(op));
    }

    private static void scalarOp(ConversionContext c, SameDiffOp op, String type, boolean reversed) {
        if (!(op.getOp() instanceof BaseScalarOp s) || s.getScalarValue() == null) {
            throw unsupported(op, "scalar op without a static scalar");
        }
        String x = c.inputs(op)[0];
        var v = c.sameDiff().getVariable(x);
        String k = v != null && v.dataType().isIntType() ? c.longScalar("k", s.getScalarValue().getLong(0))
                : c.scalar("k", (float) s.getScalarValue().getDouble(0));
        c.node(type, reversed ? new String[] {k, x} : new String[] {x, k}, c.outputs(op));
    }

    private static void relu(ConversionContext c, SameDiffOp op) {
        if (op.getOp() instanceof BaseScalarOp s && s.getScalarValue() != null && s.getScalarValue().getDouble(0) != 0.0) {
            throw unsupported(op, "relu with cutoff " + s.getScalarValue() + " (only 0 maps to ONNX Relu)");
        }
        unary(c, op, "Relu");
    }

    private static void leakyRelu(ConversionContext c, SameDiffOp op) {
        double alpha;
        if (op.getOp() instanceof BaseScalarOp s && s.getScalarValue() != null) {
            alpha = s.getScalarValue().getDouble(0);
        } else {
            throw unsupported(op, "leaky ReLU without a static slope");
        }
        c.node("LeakyRelu", new String[] {c.inputs(op)[0]}, c.outputs(op)).addAttribute(floatAttr("alpha", (float) alpha));
    }

    /** {@code x * sigmoid(k x)}: swish (k = 1) and ND4J's GELU (k = 1.702). */
    private static void sigmoidGated(ConversionContext c, SameDiffOp op, float k) {
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
