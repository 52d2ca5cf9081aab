package dev.dna.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * The one registry of SameDiff-to-ONNX (opset {@value OnnxExporter#OPSET}) op mappings, the exporter's side of
 * {@link OpImporters}; the converters live by family ({@code ConvolutionConverters}, {@code ResamplingConverters},
 * {@code ShapeConverters}, {@code ArithmeticConverters}, {@code ActivationConverters}). Layouts: SameDiff
 * convolution weights are YXIO [kH, kW, in, out] and become OIHW; depthwise weights [kH, kW, C, m] become
 * [C*m, 1, kH, kW] with group = C; deconvolution weights [kH, kW, out, in] become [in, out, kH, kW].
 * ND4J's GELU is {@code x * sigmoid(1.702 x)} and is exported as exactly that.
 */
public final class OpConverters {
    private static final Map<String, OpConverter> REGISTRY = new TreeMap<>();

    static {
        register("conv2d", ConvolutionConverters::conv2d);
        register("depthwise_conv2d", ConvolutionConverters::depthwise);
        register("deconv2d", ConvolutionConverters::deconv2d);
        register("avgpool2d", (c, op) -> ConvolutionConverters.pool(c, op, "AveragePool"));
        register("maxpool2d", (c, op) -> ConvolutionConverters.pool(c, op, "MaxPool"));
        register("upsampling2d", ResamplingConverters::upsampling);
        register("resize_bilinear", ResamplingConverters::resizeBilinear);
        register("permute", ShapeConverters::permute);
        register("shape_of", (c, op) -> ArithmeticConverters.unary(c, op, "Shape"));
        register("strided_slice", ShapeConverters::stridedSlice);
        register("concat", ShapeConverters::concat);
        register("identity", (c, op) -> ArithmeticConverters.unary(c, op, "Identity"));
        register("add", (c, op) -> ArithmeticConverters.binary(c, op, "Add"));
        register("subtract", (c, op) -> ArithmeticConverters.binary(c, op, "Sub"));
        register("multiply", (c, op) -> ArithmeticConverters.binary(c, op, "Mul"));
        register("divide", (c, op) -> ArithmeticConverters.binary(c, op, "Div"));
        register("add_scalar", (c, op) -> ArithmeticConverters.scalarOp(c, op, "Add", false));
        register("sub_scalar", (c, op) -> ArithmeticConverters.scalarOp(c, op, "Sub", false));
        register("mul_scalar", (c, op) -> ArithmeticConverters.scalarOp(c, op, "Mul", false));
        register("div_scalar", (c, op) -> ArithmeticConverters.scalarOp(c, op, "Div", false));
        register("rsub_scalar", (c, op) -> ArithmeticConverters.scalarOp(c, op, "Sub", true));
        register("relu", ActivationConverters::relu);
        register("leakyrelu", ActivationConverters::leakyRelu);
        register("tanh", (c, op) -> ArithmeticConverters.unary(c, op, "Tanh"));
        register("sigmoid", (c, op) -> ArithmeticConverters.unary(c, op, "Sigmoid"));
        register("swish", (c, op) -> ActivationConverters.sigmoidGated(c, op, 1f));
        register("gelu", (c, op) -> ActivationConverters.sigmoidGated(c, op, 1.702f));
        register("reduce_mean", (c, op) -> ArithmeticConverters.reduce(c, op, "ReduceMean"));
        register("reduce_sum", (c, op) -> ArithmeticConverters.reduce(c, op, "ReduceSum"));
        register("reduce_max", (c, op) -> ArithmeticConverters.reduce(c, op, "ReduceMax"));
        register("reduce_prod", (c, op) -> ArithmeticConverters.reduce(c, op, "ReduceProd"));
        register("reshape", ShapeConverters::reshape);
        register("pad", ShapeConverters::pad);
        register("rsqrt", (c, op) -> {
            String root = c.fresh(c.outputs(op)[0] + "/sqrt");
            c.node("Sqrt", new String[] {constantOrInput(c, op, 0)}, root);
            c.node("Reciprocal", new String[] {root}, c.outputs(op));
        });
        register("sqrt", (c, op) -> c.node("Sqrt", new String[] {constantOrInput(c, op, 0)}, c.outputs(op)));
        register("erf", (c, op) -> c.node("Erf", new String[] {constantOrInput(c, op, 0)}, c.outputs(op)));
        register("expand_dims", (c, op) -> ShapeConverters.axisOp(c, op, "Unsqueeze"));
        register("softmax", ArithmeticConverters::softmax);
        register("pow", (c, op) -> ArithmeticConverters.scalarOp(c, op, "Pow", false));
        register("gather", ShapeConverters::gather);
        register("matmul", ArithmeticConverters::matmul);
        register("depth_to_space", (c, op) -> ResamplingConverters.blockOp(c, op, "DepthToSpace"));
        register("space_to_depth", (c, op) -> ResamplingConverters.blockOp(c, op, "SpaceToDepth"));
        register("squeeze", (c, op) -> ShapeConverters.axisOp(c, op, "Squeeze"));
        register("rdiv_scalar", (c, op) -> ArithmeticConverters.scalarOp(c, op, "Div", true));
    }

    private OpConverters() {}

    /**
     * Adds or replaces the converter of SameDiff op {@code opName}.
     *
     * @param opName a SameDiff op name, e.g. {@code "conv2d"}
     * @param converter writes the op's ONNX nodes
     */
    public static synchronized void register(String opName, OpConverter converter) {
        REGISTRY.put(opName, converter);
    }

    /** The converter for {@code opName}, or null. */
    static synchronized OpConverter get(String opName) {
        return REGISTRY.get(opName);
    }

    /** {@return the SameDiff op names with a converter, sorted} */
    public static synchronized List<String> supported() {
        return new ArrayList<>(REGISTRY.keySet());
    }

    static UnsupportedOpException unsupported(SameDiffOp op, String why) {
        return new UnsupportedOpException(op.getOp().opName(), "op '" + op.getName() + "' with inputs " + op.getInputsToOp(), why);
    }

    static long[] iArgs(SameDiffOp op) {
        DifferentialFunction f = op.getOp();
        return f instanceof DynamicCustomOp d ? d.iArgs() : new long[0];
    }

    /** Input {@code index} of {@code op}, written as an initializer first when it is a weight or constant. */
    static String constantOrInput(ConversionContext c, SameDiffOp op, int index) {
        String name = c.inputs(op)[index];
        INDArray v = c.constantValue(name);
        return v != null ? c.initializer(name, v) : name;
    }

}
