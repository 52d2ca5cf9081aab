package dev.dna.onnx;

import static dev.dna.onnx.ArithmeticImporters.*;
import static dev.dna.onnx.ResamplingImporters.*;
import static dev.dna.onnx.MathImporters.*;
import static dev.dna.onnx.ImportHelpers.*;
import static dev.dna.onnx.ImportContext.f;
import static dev.dna.onnx.ImportContext.s;

import dev.dna.samediff.graph.Layers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;

/**
 * The one registry of ONNX-to-SameDiff op mappings, the importer's side of {@link OpConverters}; the importers themselves
 * live by family ({@code ConvolutionImporters}, {@code ActivationImporters}, {@code ArithmeticImporters},
 * {@code ResamplingImporters}, {@code NormalizationImporters}, {@code PaddingImporters}, {@code ShapeImporters},
 * {@code PixelShuffleImporters}, {@code MathImporters}; shared helpers in {@code ImportHelpers}) (same layouts:
 * ONNX convolution weights OIHW become YXIO {@code [kH, kW, in, out]}, ONNX transposed-convolution weights
 * {@code [in, out, kH, kW]} become {@code [kH, kW, out, in]}). Only ops whose gradients are checked in M2.1 are
 * emitted, so that an imported network trains: PRelu and Clip are composed from ReLUs, BatchNormalization is
 * folded into the convolution before it (or applied with frozen statistics), InstanceNormalization is composed
 * from means, grouped convolutions are per-group convolutions on channel slices, Resize is nearest repetition or
 * the factor-2 bilinear upsamplings of {@link Layers#upsample2}, reflect and edge padding are slices and concat.
 * Shape arithmetic ({@code Shape}, {@code Gather}, {@code Slice}, {@code Unsqueeze}, {@code Concat}, {@code Cast}
 * and arithmetic on their results) is folded to constants when the sizes are known at import time.
 */
public final class OpImporters {
    private static final Map<String, OpImporter> REGISTRY = new TreeMap<>();

    static {
        register("Conv", ConvolutionImporters::conv);
        register("ConvTranspose", ConvolutionImporters::convTranspose);
        register("Relu", (c, n) -> unary(c, n, x -> c.sameDiff().nn().relu(x, 0)));
        register("LeakyRelu", (c, n) -> unary(c, n, x -> c.sameDiff().nn().leakyRelu(x, f(n, "alpha", 0.01f))));
        register("Sigmoid", (c, n) -> unary(c, n, x -> c.sameDiff().nn().sigmoid(x)));
        register("Tanh", (c, n) -> unary(c, n, x -> c.sameDiff().nn().tanh(x)));
        register("PRelu", ActivationImporters::prelu);
        register("Clip", ActivationImporters::clip);
        register("Add", (c, n) -> binary(c, n, '+'));
        register("Sub", (c, n) -> binary(c, n, '-'));
        register("Mul", (c, n) -> binary(c, n, '*'));
        register("Div", (c, n) -> binary(c, n, '/'));
        register("Concat", ArithmeticImporters::concat);
        register("Identity", ImportHelpers::alias);
        register("Dropout", ImportHelpers::alias);
        register("Constant", ArithmeticImporters::constant);
        register("Resize", ResamplingImporters::resize);
        register("Upsample", ResamplingImporters::resize);
        register("MaxPool", (c, n) -> pool(c, n, Pooling2D.Pooling2DType.MAX));
        register("AveragePool", (c, n) -> pool(c, n, Pooling2D.Pooling2DType.AVG));
        register("GlobalAveragePool", ResamplingImporters::globalAveragePool);
        register("BatchNormalization", NormalizationImporters::batchNorm);
        register("InstanceNormalization", NormalizationImporters::instanceNorm);
        register("Pad", PaddingImporters::pad);
        register("Shape", ShapeImporters::shape);
        register("Gather", ShapeImporters::gather);
        register("Slice", ShapeImporters::slice);
        register("Unsqueeze", MathImporters::unsqueeze);
        register("Cast", MathImporters::cast);
        register("Reshape", MathImporters::reshape);
        register("Transpose", MathImporters::transpose);
        register("ReduceMean", (c, n) -> reduce(c, n, 'm'));
        register("ReduceSum", (c, n) -> reduce(c, n, 's'));
        register("ReduceMax", (c, n) -> reduce(c, n, 'x'));
        register("ReduceL2", (c, n) -> reduce(c, n, '2'));
        register("Pow", MathImporters::pow);
        register("Sqrt", (c, n) -> unary(c, n, x -> c.sameDiff().math().sqrt(x)));
        register("Reciprocal", (c, n) -> unary(c, n, x -> x.rdiv(1.0)));
        register("Erf", (c, n) -> unary(c, n, x -> c.sameDiff().math().erf(x)));
        register("HardSigmoid", (c, n) -> unary(c, n, x -> hardSigmoid(c.sameDiff(), x, f(n, "alpha", 0.2f), f(n, "beta", 0.5f))));
        register("HardSwish", (c, n) -> unary(c, n, x -> x.mul(hardSigmoid(c.sameDiff(), x, 1f / 6, 0.5f))));
        register("Squeeze", MathImporters::squeeze);
        register("DepthToSpace", PixelShuffleImporters::depthToSpace);
        register("SpaceToDepth", PixelShuffleImporters::spaceToDepth);
        register("Split", ShapeImporters::split);
        register("ConstantOfShape", ShapeImporters::constantOfShape);
        register("LayerNormalization", ShapeImporters::layerNorm);
        register("Softmax", ShapeImporters::softmax);
        register("MatMul", ShapeImporters::matmul);
        register("Expand", ShapeImporters::expand);
    }

    private OpImporters() {}

    /**
     * Adds or replaces the importer of ONNX op type {@code opType}.
     *
     * @param opType an ONNX op type, e.g. {@code "Conv"}
     * @param importer builds the op's SameDiff equivalent
     */
    public static synchronized void register(String opType, OpImporter importer) {
        REGISTRY.put(opType, importer);
    }

    /**
     * Removes the importer of {@code opType} (a user's own registration; tests).
     *
     * @param opType an ONNX op type
     */
    public static synchronized void unregister(String opType) {
        REGISTRY.remove(opType);
    }

    static synchronized OpImporter get(String opType) {
        return REGISTRY.get(opType);
    }

    /** {@return the ONNX op types with an importer, sorted} */
    public static synchronized List<String> supported() {
        return new ArrayList<>(REGISTRY.keySet());
    }
}
