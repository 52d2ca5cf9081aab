package dev.dna.onnx;

import static dev.dna.onnx.ImportContext.f;
import static dev.dna.onnx.ImportContext.has;
import static dev.dna.onnx.ImportContext.i;
import static dev.dna.onnx.ImportContext.ints;
import static dev.dna.onnx.ImportContext.s;
import static dev.dna.onnx.ImportContext.static4;

import dev.dna.api.spec.Upsampling;
import dev.dna.samediff.graph.Layers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.PadMode;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one registry of ONNX-to-SameDiff op mappings, the importer's side of {@link OpConverters} (same layouts:
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
        register("Conv", OpImporters::conv);
        register("ConvTranspose", OpImporters::convTranspose);
        register("Relu", (c, n) -> unary(c, n, x -> c.sameDiff().nn().relu(x, 0)));
        register("LeakyRelu", (c, n) -> unary(c, n, x -> c.sameDiff().nn().leakyRelu(x, f(n, "alpha", 0.01f))));
        register("Sigmoid", (c, n) -> unary(c, n, x -> c.sameDiff().nn().sigmoid(x)));
        register("Tanh", (c, n) -> unary(c, n, x -> c.sameDiff().nn().tanh(x)));
        register("PRelu", OpImporters::prelu);
        register("Clip", OpImporters::clip);
        register("Add", (c, n) -> binary(c, n, '+'));
        register("Sub", (c, n) -> binary(c, n, '-'));
        register("Mul", (c, n) -> binary(c, n, '*'));
        register("Div", (c, n) -> binary(c, n, '/'));
        register("Concat", OpImporters::concat);
        register("Identity", OpImporters::alias);
        register("Dropout", OpImporters::alias);
        register("Constant", OpImporters::constant);
        register("Resize", OpImporters::resize);
        register("Upsample", OpImporters::resize);
        register("MaxPool", (c, n) -> pool(c, n, Pooling2D.Pooling2DType.MAX));
        register("AveragePool", (c, n) -> pool(c, n, Pooling2D.Pooling2DType.AVG));
        register("GlobalAveragePool", OpImporters::globalAveragePool);
        register("BatchNormalization", OpImporters::batchNorm);
        register("InstanceNormalization", OpImporters::instanceNorm);
        register("Pad", OpImporters::pad);
        register("Shape", OpImporters::shape);
        register("Gather", OpImporters::gather);
        register("Slice", OpImporters::slice);
        register("Unsqueeze", OpImporters::unsqueeze);
        register("Cast", OpImporters::cast);
        register("Reshape", OpImporters::reshape);
        register("Transpose", OpImporters::transpose);
        register("ReduceMean", (c, n) -> reduce(c, n, 'm'));
        register("ReduceSum", (c, n) -> reduce(c, n, 's'));
        register("ReduceMax", (c, n) -> reduce(c, n, 'x'));
        register("ReduceL2", (c, n) -> reduce(c, n, '2'));
        register("Pow", OpImporters::pow);
        register("Sqrt", (c, n) -> unary(c, n, x -> c.sameDiff().math().sqrt(x)));
        register("Reciprocal", (c, n) -> unary(c, n, x -> x.rdiv(1.0)));
        register("Erf", (c, n) -> unary(c, n, x -> c.sameDiff().math().erf(x)));
        register("HardSigmoid", (c, n) -> unary(c, n, x -> hardSigmoid(c.sameDiff(), x, f(n, "alpha", 0.2f), f(n, "beta", 0.5f))));
        register("HardSwish", (c, n) -> unary(c, n, x -> x.mul(hardSigmoid(c.sameDiff(), x, 1f / 6, 0.5f))));
        register("Squeeze", OpImporters::squeeze);
        register("DepthToSpace", OpImporters::depthToSpace);
        register("SpaceToDepth", OpImporters::spaceToDepth);
        register("Split", OpImporters::split);
        register("ConstantOfShape", OpImporters::constantOfShape);
        register("LayerNormalization", OpImporters::layerNorm);
        register("Softmax", OpImporters::softmax);
        register("MatMul", OpImporters::matmul);
        register("Expand", OpImporters::expand);
    }

    private OpImporters() {}

    /** Adds or replaces the importer of ONNX op type {@code opType}. */
    public static synchronized void register(String opType, OpImporter importer) {
        REGISTRY.put(opType, importer);
    }

    /** Removes the importer of {@code opType} (a user's own registration; tests). */
    public static synchronized void unregister(String opType) {
        REGISTRY.remove(opType);
    }

    static synchronized OpImporter get(String opType) {
        return REGISTRY.get(opType);
    }

    /** ONNX op types with an importer. */
    public static synchronized List<String> supported() {
        return new ArrayList<>(REGISTRY.keySet());
    }

    private static UnsupportedNodeException unsupported(Onnx.NodeProto n, String why) {
        return new UnsupportedNodeException(n, why);
    }

    private static String out(Onnx.NodeProto n) {
        return n.getOutput(0);
    }

    private static void unary(ImportContext c, Onnx.NodeProto n, UnaryOperator<SDVariable> f) {
        String x = n.getInput(0);
        c.put(out(n), f.apply(c.var(x)), c.shape(x));
    }

    private static void alias(ImportContext c, Onnx.NodeProto n) {
        String x = n.getInput(0);
        if (c.isConstant(x)) {
            c.putConstant(out(n), c.constant(x));
        } else {
            c.put(out(n), c.var(x), c.shape(x));
        }
    }

    private static INDArray initializer(ImportContext c, Onnx.NodeProto n, int index, String what) {
        INDArray w = has(n, index) ? c.constant(n.getInput(index)) : null;
        if (w == null) {
            throw unsupported(n, what + " ('" + (has(n, index) ? n.getInput(index) : "") + "') must be an initializer");
        }
        return w;
    }

    /** {@code x * s} with {@code s} broadcast: expanded when x's shape is static (a faster backward pass in M2.1). */
    private static SDVariable mulBroadcast(ImportContext c, SDVariable x, SDVariable s, long[] shape) {
        return static4(shape) ? c.layers().mulBroadcast(x, s, shape) : x.mul(s);
    }

    /** A per-channel vector [C] reshaped to [1, C, 1, 1]. */
    private static SDVariable perChannel(ImportContext c, SDVariable v, long channels) {
        return c.sameDiff().reshape(v, 1, channels, 1, 1);
    }

    private static long convOut(long in, long k, long stride, long padTotal, long dilation) {
        return in < 0 ? -1 : (in + padTotal - ((k - 1) * dilation + 1)) / stride + 1;
    }

    // convolutions

    private static void conv(ImportContext c, Onnx.NodeProto n) {
        INDArray w = initializer(c, n, 1, "the kernel");
        if (w.rank() != 4) {
            throw unsupported(n, "only 2-D convolution is supported, kernel shape " + Arrays.toString(w.shape()));
        }
        String xName = n.getInput(0);
        long[] xs = c.shape(xName);
        long group = i(n, "group", 1);
        long outCh = w.size(0);
        long inPerGroup = w.size(1);
        long kh = w.size(2);
        long kw = w.size(3);
        long[] st = ints(n, "strides", 1, 1);
        long[] dil = ints(n, "dilations", 1, 1);
        long[] pads = ints(n, "pads", 0, 0, 0, 0);
        String autoPad = s(n, "auto_pad", "NOTSET");
        boolean same = false;
        switch (autoPad) {
            case "NOTSET" -> { }
            case "VALID" -> pads = new long[] {0, 0, 0, 0};
            case "SAME_UPPER", "SAME_LOWER" -> {
                long ekh = (kh - 1) * dil[0] + 1;
                long ekw = (kw - 1) * dil[1] + 1;
                if (st[0] == 1 && st[1] == 1 && ekh % 2 == 1 && ekw % 2 == 1) {
                    pads = new long[] {ekh / 2, ekw / 2, ekh / 2, ekw / 2};
                } else if (autoPad.equals("SAME_UPPER")) {
                    same = true;
                } else {
                    throw unsupported(n, "auto_pad SAME_LOWER with stride or an even kernel");
                }
            }
            default -> throw unsupported(n, "auto_pad " + autoPad);
        }
        if (pads[0] != pads[2] || pads[1] != pads[3]) {
            throw unsupported(n, "asymmetric pads " + Arrays.toString(pads) + " (put a Pad node before it)");
        }
        if (xs[1] > 0 && xs[1] != inPerGroup * group) {
            throw unsupported(n, "input has " + xs[1] + " channels, the kernel expects " + inPerGroup * group);
        }
        Conv2DConfig cfg = Conv2DConfig.builder().kH(kh).kW(kw).sH(st[0]).sW(st[1]).pH(pads[0]).pW(pads[1])
                .dH(dil[0]).dW(dil[1]).paddingMode(same ? PaddingMode.SAME : PaddingMode.VALID).dataFormat("NCHW")
                .weightsFormat(WeightsFormat.YXIO).build();
        INDArray bias = has(n, 2) ? initializer(c, n, 2, "the bias") : null;
        SameDiff sd = c.sameDiff();
        SDVariable x = c.var(xName);
        SDVariable y;
        String wName = n.getInput(1);
        if (group == 1) {
            SDVariable wv = c.weight(wName, w.permute(2, 3, 1, 0).dup('c'));
            SDVariable bv = bias == null ? null : c.weight(n.getInput(2), bias);
            y = bv == null ? sd.cnn().conv2d(c.fresh(wName), x, wv, cfg) : sd.cnn().conv2d(c.fresh(wName), x, wv, bv, cfg);
        } else {
            long outPerGroup = outCh / group;
            SDVariable[] parts = new SDVariable[Math.toIntExact(group)];
            for (int g = 0; g < group; g++) {
                SDVariable xg = channelSlice(sd, x, g * inPerGroup, (g + 1) * inPerGroup);
                INDArray wg = w.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(g * outPerGroup, (g + 1) * outPerGroup),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.all());
                SDVariable wv = c.weight(wName + "#group" + g, wg.permute(2, 3, 1, 0).dup('c'));
                if (bias == null) {
                    parts[g] = sd.cnn().conv2d(c.fresh(wName), xg, wv, cfg);
                } else {
                    INDArray bg = bias.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(g * outPerGroup, (g + 1) * outPerGroup)).dup();
                    parts[g] = sd.cnn().conv2d(c.fresh(wName), xg, wv, c.weight(n.getInput(2) + "#group" + g, bg), cfg);
                }
            }
            y = sd.concat(1, parts);
        }
        long h = same ? (xs[2] < 0 ? -1 : (xs[2] + st[0] - 1) / st[0]) : convOut(xs[2], kh, st[0], 2 * pads[0], dil[0]);
        long wd = same ? (xs[3] < 0 ? -1 : (xs[3] + st[1] - 1) / st[1]) : convOut(xs[3], kw, st[1], 2 * pads[1], dil[1]);
        c.put(out(n), y, xs[0], outCh, h, wd);
    }

    /** Channels [from, to) of an NCHW tensor. */
    private static SDVariable channelSlice(SameDiff sd, SDVariable x, long from, long to) {
        return sd.stridedSlice(x, new long[] {0, from, 0, 0}, new long[] {0, to, 0, 0}, new long[] {1, 1, 1, 1},
                0b1101, 0b1101, 0, 0, 0);
    }

    private static void convTranspose(ImportContext c, Onnx.NodeProto n) {
        INDArray w = initializer(c, n, 1, "the kernel");
        if (w.rank() != 4) {
            throw unsupported(n, "only 2-D transposed convolution is supported, kernel shape " + Arrays.toString(w.shape()));
        }
        if (i(n, "group", 1) != 1) {
            throw unsupported(n, "grouped transposed convolution (group " + i(n, "group", 1) + ")");
        }
        if (ImportContext.attr(n, "output_shape") != null) {
            throw unsupported(n, "the output_shape attribute (give pads instead)");
        }
        String autoPad = s(n, "auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw unsupported(n, "auto_pad " + autoPad);
        }
        long[] st = ints(n, "strides", 1, 1);
        long[] dil = ints(n, "dilations", 1, 1);
        long[] pads = autoPad.equals("VALID") ? new long[4] : ints(n, "pads", 0, 0, 0, 0);
        long[] outPad = ints(n, "output_padding", 0, 0);
        if (dil[0] != 1 || dil[1] != 1) {
            throw unsupported(n, "dilated transposed convolution");
        }
        if (outPad[0] > pads[2] || outPad[1] > pads[3]) {
            throw unsupported(n, "output_padding " + Arrays.toString(outPad) + " larger than the end pads " + Arrays.toString(pads));
        }
        String xName = n.getInput(0);
        long[] xs = c.shape(xName);
        long inCh = w.size(0);
        long outCh = w.size(1);
        long kh = w.size(2);
        long kw = w.size(3);
        SameDiff sd = c.sameDiff();
        DeConv2DConfig cfg = DeConv2DConfig.builder().kH(kh).kW(kw).sH(st[0]).sW(st[1]).isSameMode(false)
                .dataFormat("NCHW").build();
        SDVariable wv = c.weight(n.getInput(1), w.permute(2, 3, 1, 0).dup('c'));
        SDVariable y = has(n, 2) ? sd.cnn().deconv2d(c.fresh(n.getInput(1)), c.var(xName), wv, c.weight(n.getInput(2), initializer(c, n, 2, "the bias")), cfg)
                : sd.cnn().deconv2d(c.fresh(n.getInput(1)), c.var(xName), wv, cfg);
        long fullH = xs[2] < 0 ? -1 : (xs[2] - 1) * st[0] + kh;
        long fullW = xs[3] < 0 ? -1 : (xs[3] - 1) * st[1] + kw;
        long cropBottom = pads[2] - outPad[0];
        long cropRight = pads[3] - outPad[1];
        if (pads[0] != 0 || pads[1] != 0 || cropBottom != 0 || cropRight != 0) {
            int endMask = 0b0011 | (cropBottom == 0 ? 0b0100 : 0) | (cropRight == 0 ? 0b1000 : 0);
            y = sd.stridedSlice(y, new long[] {0, 0, pads[0], pads[1]}, new long[] {0, 0, -cropBottom, -cropRight},
                    new long[] {1, 1, 1, 1}, 0b0011, endMask, 0, 0, 0);
        }
        if (xs[1] > 0 && xs[1] != inCh) {
            throw unsupported(n, "input has " + xs[1] + " channels, the kernel expects " + inCh);
        }
        c.put(out(n), y, xs[0], outCh, fullH < 0 ? -1 : fullH - pads[0] - cropBottom, fullW < 0 ? -1 : fullW - pads[1] - cropRight);
    }

    // activations

    /** {@code relu(x) + slope * (x - relu(x))}: max(0, x) + slope min(0, x), with exact gradients. */
    private static void prelu(ImportContext c, Onnx.NodeProto n) {
        String xName = n.getInput(0);
        long[] xs = c.shape(xName);
        INDArray slopeInit = c.constant(n.getInput(1));
        long[] ss = slopeInit != null ? slopeInit.shape() : c.shape(n.getInput(1));
        long[] target = new long[4];
        Arrays.fill(target, 1);
        for (int k = 0; k < ss.length; k++) {
            target[4 - ss.length + k] = ss[k];
        }
        SameDiff sd = c.sameDiff();
        // a weight slope is made a parameter of rank 4 at once (no reshape op, which the exporter does not map)
        SDVariable slope = slopeInit != null ? c.weight(n.getInput(1), slopeInit.reshape(target))
                : sd.reshape(c.var(n.getInput(1)), target);
        SDVariable x = c.var(xName);
        SDVariable pos = sd.nn().relu(x, 0);
        SDVariable neg = x.sub(pos);
        c.put(out(n), pos.add(mulBroadcast(c, neg, slope, xs)), xs);
    }

    /** {@code lo + relu(x - lo) - relu(x - hi)}. */
    private static void clip(ImportContext c, Onnx.NodeProto n) {
        Double lo = null;
        Double hi = null;
        if (has(n, 1)) {
            lo = scalar(c, n, 1);
        } else if (ImportContext.attr(n, "min") != null) {
            lo = (double) f(n, "min", 0f);
        }
        if (has(n, 2)) {
            hi = scalar(c, n, 2);
        } else if (ImportContext.attr(n, "max") != null) {
            hi = (double) f(n, "max", 0f);
        }
        SameDiff sd = c.sameDiff();
        SDVariable x = c.var(n.getInput(0));
        SDVariable y = x;
        if (lo != null) {
            y = sd.nn().relu(x.sub(lo), 0).add(lo);
        }
        if (hi != null) {
            y = y.sub(sd.nn().relu(x.sub(hi), 0));
        }
        c.put(out(n), y, c.shape(n.getInput(0)));
    }

    private static double scalar(ImportContext c, Onnx.NodeProto n, int index) {
        INDArray v = c.constant(n.getInput(index));
        if (v == null || v.length() != 1) {
            throw unsupported(n, "input " + index + " ('" + n.getInput(index) + "') must be a constant scalar");
        }
        return v.getDouble(0);
    }

    // arithmetic

    private static void binary(ImportContext c, Onnx.NodeProto n, char op) {
        String a = n.getInput(0);
        String b = n.getInput(1);
        if (c.shapeValue(a) != null || c.shapeValue(b) != null) {
            shapeArithmetic(c, n, op);
            return;
        }
        boolean ca = c.isConstant(a);
        boolean cb = c.isConstant(b);
        if (ca && cb) {
            c.putConstant(out(n), fold(n, c.constant(a), c.constant(b), op));
            return;
        }
        if (cb && c.constant(b).length() == 1) {
            double k = c.constant(b).getDouble(0);
            SDVariable x = c.var(a);
            SDVariable y = switch (op) {
                case '+' -> x.add(k);
                case '-' -> x.sub(k);
                case '*' -> x.mul(k);
                default -> x.div(k);
            };
            c.put(out(n), y, c.shape(a));
            return;
        }
        if (ca && c.constant(a).length() == 1) {
            double k = c.constant(a).getDouble(0);
            SDVariable x = c.var(b);
            SDVariable y = switch (op) {
                case '+' -> x.add(k);
                case '-' -> x.rsub(k);
                case '*' -> x.mul(k);
                default -> x.rdiv(k);
            };
            c.put(out(n), y, c.shape(b));
            return;
        }
        SDVariable va = operand(c, a);
        SDVariable vb = operand(c, b);
        long[] sa = c.shape(a);
        long[] sb = c.shape(b);
        long[] so = broadcastShape(n, sa, sb);
        SameDiff sd = c.sameDiff();
        va = toRank(sd, va, sa, so.length);
        vb = toRank(sd, vb, sb, so.length);
        SDVariable y = switch (op) {
            case '+' -> va.add(vb);
            case '-' -> va.sub(vb);
            case '*' -> Arrays.equals(sa, so) && !Arrays.equals(sb, so) ? mulBroadcast(c, va, vb, so)
                    : Arrays.equals(sb, so) && !Arrays.equals(sa, so) ? mulBroadcast(c, vb, va, so) : va.mul(vb);
            default -> va.div(vb);
        };
        c.put(out(n), y, so);
    }

    /**
     * Integer arithmetic on shape values (sizes computed at run time): int64 throughout, division truncating as ONNX's;
     * the entries known at import time are computed too.
     */
    private static void shapeArithmetic(ImportContext c, Onnx.NodeProto n, char op) {
        long[][] known = new long[2][];
        SDVariable[] v = new SDVariable[2];
        long[] shape = {};
        for (int k = 0; k < 2; k++) {
            String name = n.getInput(k);
            if (c.shapeValue(name) != null) {
                known[k] = c.shapeValue(name);
                v[k] = c.var(name);
                shape = c.shape(name);
            } else {
                INDArray value = c.constant(name);
                if (value == null) {
                    throw unsupported(n, "arithmetic between a shape value and a tensor computed from images");
                }
                known[k] = OnnxTensors.longs(value);
                v[k] = c.sameDiff().constant(c.freshConstantName("shape_k"), value.castTo(DataType.LONG).reshape(-1));
            }
        }
        int len = Math.max(known[0].length, known[1].length);
        long[] r = new long[len];
        for (int k = 0; k < len; k++) {
            long x = known[0][known[0].length == 1 ? 0 : k];
            long y = known[1][known[1].length == 1 ? 0 : k];
            r[k] = x < 0 || y < 0 ? -1 : switch (op) {
                case '+' -> x + y;
                case '-' -> x - y;
                case '*' -> x * y;
                default -> y == 0 ? -1 : x / y;
            };
        }
        SDVariable y = switch (op) {
            case '+' -> v[0].add(v[1]);
            case '-' -> v[0].sub(v[1]);
            case '*' -> v[0].mul(v[1]);
            default -> v[0].div(v[1]);
        };
        c.putShapeValue(out(n), y, r, shape);
    }

    /** A float initializer operand is a weight (trainable); other constants stay constants. */
    private static SDVariable operand(ImportContext c, String name) {
        INDArray v = c.constant(name);
        if (v != null && c.isConstant(name) && v.dataType().isFPType() && c.isInitializer(name)) {
            return c.weight(name);
        }
        return c.var(name);
    }

    private static SDVariable toRank(SameDiff sd, SDVariable v, long[] shape, int rank) {
        if (shape.length == rank) {
            return v;
        }
        long[] t = new long[rank];
        Arrays.fill(t, 1);
        System.arraycopy(shape, 0, t, rank - shape.length, shape.length);
        return sd.reshape(v, t);
    }

    private static long[] broadcastShape(Onnx.NodeProto n, long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] o = new long[r];
        for (int k = 0; k < r; k++) {
            long x = k - (r - a.length) >= 0 ? a[k - (r - a.length)] : 1;
            long y = k - (r - b.length) >= 0 ? b[k - (r - b.length)] : 1;
            if (x == 1) {
                o[k] = y;
            } else if (y == 1 || x == y) {
                o[k] = x;
            } else if (x < 0 || y < 0) {
                o[k] = Math.max(x, y);
            } else {
                throw unsupported(n, "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
        }
        return o;
    }

    /** Constant folding of elementwise arithmetic (same shapes, or one side a scalar). */
    private static INDArray fold(Onnx.NodeProto n, INDArray a, INDArray b, char op) {
        boolean integer = !a.dataType().isFPType() && !b.dataType().isFPType();
        double[] x = OnnxTensors.doubles(a);
        double[] y = OnnxTensors.doubles(b);
        if (x.length != y.length && x.length != 1 && y.length != 1) {
            throw unsupported(n, "folding constants of shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
        int len = Math.max(x.length, y.length);
        double[] r = new double[len];
        for (int k = 0; k < len; k++) {
            double u = x[x.length == 1 ? 0 : k];
            double v = y[y.length == 1 ? 0 : k];
            r[k] = switch (op) {
                case '+' -> u + v;
                case '-' -> u - v;
                case '*' -> u * v;
                default -> integer ? Math.floor(u / v) : u / v;
            };
        }
        long[] shape = x.length >= y.length ? a.shape() : b.shape();
        INDArray out = shape.length == 0 ? Nd4j.scalar(r[0]) : Nd4j.create(r, shape, DataType.DOUBLE);
        return integer ? out.castTo(DataType.LONG) : out;
    }

    private static void concat(ImportContext c, Onnx.NodeProto n) {
        List<String> in = n.getInputList();
        long axis = i(n, "axis", 0);
        if (in.stream().anyMatch(x -> c.shapeValue(x) != null)) { // a shape assembled from run-time and fixed sizes
            List<Long> known = new ArrayList<>();
            SDVariable[] parts = new SDVariable[in.size()];
            for (int k = 0; k < in.size(); k++) {
                long[] kv = c.shapeValue(in.get(k));
                if (kv == null) {
                    INDArray v = c.constant(in.get(k));
                    if (v == null) {
                        throw unsupported(n, "a shape assembled from a tensor computed from images");
                    }
                    kv = OnnxTensors.longs(v);
                    parts[k] = c.sameDiff().constant(c.freshConstantName("shape_part"), v.castTo(DataType.LONG).reshape(-1));
                } else {
                    parts[k] = c.var(in.get(k));
                }
                for (long x : kv) {
                    known.add(x);
                }
            }
            long[] kv = known.stream().mapToLong(Long::longValue).toArray();
            c.putShapeValue(out(n), c.sameDiff().concat(0, parts), kv, kv.length);
            return;
        }
        if (in.stream().allMatch(c::isConstant)) {
            INDArray[] parts = in.stream().map(c::constant).map(a -> a.rank() == 0 ? a.reshape(1) : a).toArray(INDArray[]::new);
            long ax = axis < 0 ? axis + parts[0].rank() : axis;
            c.putConstant(out(n), Nd4j.concat((int) ax, parts));
            return;
        }
        long[] s0 = c.shape(in.get(0)).clone();
        int ax = (int) (axis < 0 ? axis + s0.length : axis);
        SDVariable[] vars = new SDVariable[in.size()];
        long total = 0;
        for (int k = 0; k < in.size(); k++) {
            vars[k] = c.var(in.get(k));
            long d = c.shape(in.get(k))[ax];
            total = total < 0 || d < 0 ? -1 : total + d;
        }
        s0[ax] = total;
        c.put(out(n), c.sameDiff().concat(ax, vars), s0);
    }

    private static void constant(ImportContext c, Onnx.NodeProto n) {
        Onnx.AttributeProto a = n.getAttributeCount() == 1 ? n.getAttribute(0) : null;
        if (a == null) {
            throw unsupported(n, "a Constant node needs exactly one value attribute");
        }
        INDArray v = switch (a.getName()) {
            case "value" -> OnnxTensors.toArray(a.getT());
            case "value_float" -> Nd4j.scalar((double) a.getF());
            case "value_floats" -> Nd4j.createFromArray(a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
            case "value_int" -> Nd4j.scalar(a.getI());
            case "value_ints" -> Nd4j.createFromArray(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            default -> throw unsupported(n, "a Constant with " + a.getName());
        };
        c.putConstant(out(n), v);
    }

    // resampling

    private static void resize(ImportContext c, Onnx.NodeProto n) {
        String xName = n.getInput(0);
        long[] xs = c.shape(xName);
        boolean upsampleOp = n.getOpType().equals("Upsample");
        double[] scales = null;
        int scalesIndex = upsampleOp || n.getInputCount() == 2 ? 1 : 2;
        if (has(n, scalesIndex) && c.constant(n.getInput(scalesIndex)) != null && c.constant(n.getInput(scalesIndex)).length() > 0) {
            scales = OnnxTensors.doubles(c.constant(n.getInput(scalesIndex)));
        } else if (!upsampleOp && has(n, 3) && c.constant(n.getInput(3)) != null) {
            long[] sizes = OnnxTensors.longs(c.constant(n.getInput(3)));
            if (!static4(xs) || sizes.length != 4) {
                throw unsupported(n, "output sizes with input sizes known only at run time (give scales)");
            }
            scales = new double[4];
            for (int k = 0; k < 4; k++) {
                scales[k] = (double) sizes[k] / xs[k];
            }
        } else if (ImportContext.attr(n, "scales") != null) {
            scales = ImportContext.attr(n, "scales").getFloatsList().stream().mapToDouble(Float::doubleValue).toArray();
        }
        if (scales == null || scales.length != 4) {
            throw unsupported(n, "scales or sizes must be constants of 4 values");
        }
        // integer factors on axes 1 and 2 of a 4-D tensor: a channels-last one (NHWC, as dna's own exports resize between
        // two Transposes); it is resized as NCHW between two permutes
        boolean channelsLast = scales[0] == 1 && scales[3] == 1 && scales[1] != 1;
        SDVariable x = c.var(xName);
        if (channelsLast) {
            scales = new double[] {1, 1, scales[1], scales[2]};
            xs = new long[] {xs[0], xs[3], xs[1], xs[2]};
            x = x.permute(0, 3, 1, 2);
        }
        if (scales[0] != 1 || scales[1] != 1 || scales[2] != Math.rint(scales[2]) || scales[3] != Math.rint(scales[3])
                || scales[2] < 1 || scales[3] < 1) {
            throw unsupported(n, "scales " + Arrays.toString(scales) + " (integer factors on H and W only, of NCHW or NHWC)");
        }
        int sh = (int) scales[2];
        int sw = (int) scales[3];
        String mode = s(n, "mode", "nearest");
        boolean opset10 = upsampleOp || n.getInputCount() == 2;
        String ctm = opset10 ? "asymmetric" : s(n, "coordinate_transformation_mode", "half_pixel");
        String nearestMode = opset10 ? "floor" : s(n, "nearest_mode", "round_prefer_floor");
        long[] os = {xs[0], xs[1], xs[2] < 0 ? -1 : xs[2] * sh, xs[3] < 0 ? -1 : xs[3] * sw};
        if (sh == 1 && sw == 1) {
            putResized(c, n, x, xs, channelsLast);
            return;
        }
        if (mode.equals("nearest")) {
            if (!isRepetition(ctm, nearestMode, sh) || !isRepetition(ctm, nearestMode, sw)) {
                throw unsupported(n, "nearest with coordinate_transformation_mode " + ctm + " and nearest_mode " + nearestMode
                        + " is not a repetition of pixels");
            }
            putResized(c, n, c.sameDiff().cnn().upsampling2d(x, sh, sw, true), os, channelsLast);
            return;
        }
        if (!mode.equals("linear") && !mode.equals("bilinear")) {
            throw unsupported(n, "mode " + mode + " (nearest and linear are supported)");
        }
        if (sh != 2 || sw != 2) {
            throw unsupported(n, "linear resize by " + sh + "x" + sw + " (factor 2 is supported)");
        }
        if (xs[1] <= 0) {
            throw unsupported(n, "linear resize of a tensor whose channel count is unknown");
        }
        Upsampling u = switch (ctm) {
            case "align_corners" -> Upsampling.BILINEAR_ALIGN_CORNERS;
            case "half_pixel", "pytorch_half_pixel" -> Upsampling.BILINEAR;
            default -> throw unsupported(n, "linear with coordinate_transformation_mode " + ctm
                    + " (align_corners, half_pixel and pytorch_half_pixel are supported)");
        };
        putResized(c, n, c.layers().upsample2(c.fresh("resize"), x, u, xs), os, channelsLast);
    }

    /** The resized NCHW {@code v} of shape {@code s} as the node's output, permuted back if the input was channels-last. */
    private static void putResized(ImportContext c, Onnx.NodeProto n, SDVariable v, long[] s, boolean channelsLast) {
        if (channelsLast) {
            c.put(out(n), v.permute(0, 2, 3, 1), s[0], s[2], s[3], s[1]);
        } else {
            c.put(out(n), v, s);
        }
    }

    /** Whether ONNX nearest resizing by the integer {@code scale} maps output index i to input i / scale. */
    static boolean isRepetition(String ctm, String nearestMode, int scale) {
        int in = 7;
        int outLen = in * scale;
        for (int o = 0; o < outLen; o++) {
            double src = switch (ctm) {
                case "asymmetric" -> o / (double) scale;
                case "half_pixel", "pytorch_half_pixel" -> (o + 0.5) / scale - 0.5;
                case "tf_half_pixel_for_nn" -> (o + 0.5) / scale;
                case "align_corners" -> o * (in - 1.0) / (outLen - 1.0);
                default -> Double.NaN;
            };
            long idx = switch (nearestMode) {
                case "floor" -> (long) Math.floor(src);
                case "ceil" -> (long) Math.ceil(src);
                case "round_prefer_ceil" -> (long) Math.floor(src + 0.5);
                case "round_prefer_floor" -> (long) Math.ceil(src - 0.5);
                default -> Long.MIN_VALUE;
            };
            idx = Math.max(0, Math.min(in - 1, idx));
            if (Double.isNaN(src) || idx != o / scale) {
                return false;
            }
        }
        return true;
    }

    private static void pool(ImportContext c, Onnx.NodeProto n, Pooling2D.Pooling2DType type) {
        long[] k = ints(n, "kernel_shape");
        if (k.length != 2) {
            throw unsupported(n, "only 2-D pooling is supported, kernel_shape " + Arrays.toString(k));
        }
        long[] st = ints(n, "strides", 1, 1);
        long[] pads = ints(n, "pads", 0, 0, 0, 0);
        long[] dil = ints(n, "dilations", 1, 1);
        String autoPad = s(n, "auto_pad", "NOTSET");
        if (Arrays.stream(pads).anyMatch(p -> p != 0) || !(autoPad.equals("NOTSET") || autoPad.equals("VALID"))) {
            throw unsupported(n, "padded pooling (pads " + Arrays.toString(pads) + ", auto_pad " + autoPad + ")");
        }
        if (dil[0] != 1 || dil[1] != 1) {
            throw unsupported(n, "dilated pooling");
        }
        String xName = n.getInput(0);
        long[] xs = c.shape(xName);
        if (i(n, "ceil_mode", 0) != 0 && (xs[2] < 0 || xs[3] < 0 || (xs[2] - k[0]) % st[0] != 0 || (xs[3] - k[1]) % st[1] != 0)) {
            throw unsupported(n, "ceil_mode 1 where it differs from floor");
        }
        Pooling2DConfig cfg = Pooling2DConfig.builder().kH(k[0]).kW(k[1]).sH(st[0]).sW(st[1]).type(type)
                .paddingMode(PaddingMode.VALID).isNHWC(false).build();
        SameDiff sd = c.sameDiff();
        SDVariable y = type == Pooling2D.Pooling2DType.MAX ? sd.cnn().maxPooling2d(c.var(xName), cfg)
                : sd.cnn().avgPooling2d(c.var(xName), cfg);
        c.put(out(n), y, xs[0], xs[1], convOut(xs[2], k[0], st[0], 0, 1), convOut(xs[3], k[1], st[1], 0, 1));
    }

    private static void globalAveragePool(ImportContext c, Onnx.NodeProto n) {
        long[] xs = c.shape(n.getInput(0));
        c.put(out(n), c.var(n.getInput(0)).mean(true, 2, 3), xs[0], xs[1], 1, 1);
    }

    // normalization

    /** Frozen statistics: {@code (x - mean) * gamma / sqrt(var + eps) + beta}, gamma and beta trained. */
    private static void batchNorm(ImportContext c, Onnx.NodeProto n) {
        if (i(n, "training_mode", 0) != 0) {
            throw unsupported(n, "training_mode 1 (export the model in eval mode)");
        }
        double eps = f(n, "epsilon", 1e-5f);
        INDArray mean = initializer(c, n, 3, "the running mean");
        INDArray var = initializer(c, n, 4, "the running variance");
        initializer(c, n, 1, "the scale");
        initializer(c, n, 2, "the bias");
        long ch = mean.length();
        String xName = n.getInput(0);
        long[] xs = c.shape(xName);
        SameDiff sd = c.sameDiff();
        INDArray invStd = Nd4j.create(Arrays.stream(OnnxTensors.doubles(var)).map(v -> 1 / Math.sqrt(v + eps)).toArray(), new long[] {ch}, DataType.DOUBLE);
        SDVariable k = c.weight(n.getInput(1)).mul(c.layers().constant(c.freshConstantName("bn_invstd"), invStd));
        SDVariable shift = c.weight(n.getInput(2)).sub(k.mul(c.layers().constant(c.freshConstantName("bn_mean"), mean)));
        c.put(out(n), mulBroadcast(c, c.var(xName), perChannel(c, k, ch), xs).add(perChannel(c, shift, ch)), xs);
    }

    private static void instanceNorm(ImportContext c, Onnx.NodeProto n) {
        double eps = f(n, "epsilon", 1e-5f);
        INDArray scale = initializer(c, n, 1, "the scale");
        initializer(c, n, 2, "the bias");
        long ch = scale.length();
        String xName = n.getInput(0);
        long[] xs = c.shape(xName);
        SameDiff sd = c.sameDiff();
        SDVariable x = c.var(xName);
        SDVariable centered = x.sub(x.mean(true, 2, 3));
        SDVariable var = centered.mul(centered).mean(true, 2, 3);
        SDVariable normed = mulBroadcast(c, centered, sd.math().rsqrt(var.add(eps)), xs);
        SDVariable y = mulBroadcast(c, normed, perChannel(c, c.weight(n.getInput(1)), ch), xs).add(perChannel(c, c.weight(n.getInput(2)), ch));
        c.put(out(n), y, xs);
    }

    // padding

    private static void pad(ImportContext c, Onnx.NodeProto n) {
        String mode = s(n, "mode", "constant");
        long[] pads;
        if (has(n, 1)) {
            INDArray p = c.constant(n.getInput(1));
            if (p == null) {
                throw unsupported(n, "pads must be a constant");
            }
            pads = OnnxTensors.longs(p);
        } else {
            pads = ints(n, "pads");
        }
        if (has(n, 3)) {
            throw unsupported(n, "the axes input (give pads for all four axes)");
        }
        double value = has(n, 2) ? scalar(c, n, 2) : f(n, "value", 0f);
        String xName = n.getInput(0);
        long[] xs = c.shape(xName);
        if (pads.length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0) {
            throw unsupported(n, "pads " + Arrays.toString(pads) + " (only H and W of an NCHW tensor may be padded)");
        }
        if (Arrays.stream(pads).anyMatch(p -> p < 0)) {
            throw unsupported(n, "negative pads (cropping)");
        }
        long[] os = {xs[0], xs[1], xs[2] < 0 ? -1 : xs[2] + pads[2] + pads[6], xs[3] < 0 ? -1 : xs[3] + pads[3] + pads[7]};
        SDVariable x = c.var(xName);
        if (Arrays.stream(pads).allMatch(p -> p == 0)) {
            c.put(out(n), x, xs);
            return;
        }
        SameDiff sd = c.sameDiff();
        SDVariable y = switch (mode) {
            case "constant" -> sd.nn().pad(x, sd.constant(Nd4j.createFromArray(new int[][] {{0, 0}, {0, 0},
                {(int) pads[2], (int) pads[6]}, {(int) pads[3], (int) pads[7]}})), PadMode.CONSTANT, value);
            case "edge", "reflect" -> padBySlices(sd, padBySlices(sd, x, 2, pads[2], pads[6], mode), 3, pads[3], pads[7], mode);
            default -> throw unsupported(n, "mode " + mode);
        };
        c.put(out(n), y, os);
    }

    /** Edge or reflect padding of one axis from single-row slices and a concat (exact gradients). */
    private static SDVariable padBySlices(SameDiff sd, SDVariable x, int axis, long before, long after, String mode) {
        if (before == 0 && after == 0) {
            return x;
        }
        List<SDVariable> parts = new ArrayList<>();
        for (long k = before; k >= 1; k--) {
            parts.add(row(sd, x, axis, mode.equals("edge") ? 0 : k));
        }
        parts.add(x);
        for (long k = 1; k <= after; k++) {
            parts.add(row(sd, x, axis, mode.equals("edge") ? -1 : -1 - k));
        }
        return sd.concat(axis, parts.toArray(SDVariable[]::new));
    }

    /** Row {@code index} (negative: from the end) of {@code axis}, keeping the axis. */
    private static SDVariable row(SameDiff sd, SDVariable x, int axis, long index) {
        long[] begin = new long[4];
        long[] end = new long[4];
        begin[axis] = index;
        end[axis] = index + 1;
        int others = 0b1111 & ~(1 << axis);
        int endMask = others | (index == -1 ? 1 << axis : 0);
        return sd.stridedSlice(x, begin, end, new long[] {1, 1, 1, 1}, others, endMask, 0, 0, 0);
    }

    // shape arithmetic, folded at import time

    private static INDArray constantInput(ImportContext c, Onnx.NodeProto n, int index) {
        INDArray v = has(n, index) ? c.constant(n.getInput(index)) : null;
        if (v == null) {
            throw unsupported(n, "input " + index + " depends on sizes known only at run time; the importer folds shape "
                    + "arithmetic when the sizes are fixed (export with fixed sizes, or without size-dependent ops)");
        }
        return v;
    }

    private static void shape(ImportContext c, Onnx.NodeProto n) {
        long[] s = c.shape(n.getInput(0));
        if (Arrays.stream(s).anyMatch(d -> d < 0)) { // computed at run time; its known entries fold where they are read
            c.putShapeValue(out(n), c.sameDiff().shape(c.var(n.getInput(0))), s, s.length);
            return;
        }
        c.putConstant(out(n), Nd4j.createFromArray(s));
    }

    private static void gather(ImportContext c, Onnx.NodeProto n) {
        long[] partial = c.shapeValue(n.getInput(0));
        if (partial != null) {
            INDArray idx = constantInput(c, n, 1);
            long[] ix = OnnxTensors.longs(idx);
            long[] r = new long[ix.length];
            for (int k = 0; k < ix.length; k++) {
                ix[k] = ix[k] < 0 ? ix[k] + partial.length : ix[k];
                r[k] = partial[(int) ix[k]];
            }
            if (Arrays.stream(r).allMatch(d -> d >= 0)) {
                c.putConstant(out(n), idx.rank() == 0 ? Nd4j.scalar(r[0]) : Nd4j.createFromArray(r));
            } else {
                SDVariable g = c.sameDiff().gather(c.var(n.getInput(0)), c.sameDiff().constant(
                        c.freshConstantName("gather_idx"), Nd4j.createFromArray(ix)), 0);
                c.putShapeValue(out(n), g, r, idx.rank() == 0 ? new long[0] : new long[] {ix.length});
            }
            return;
        }
        if (!c.isConstant(n.getInput(0))) {
            gatherComputed(c, n);
            return;
        }
        INDArray data = constantInput(c, n, 0);
        INDArray idx = constantInput(c, n, 1);
        if (data.rank() != 1 || i(n, "axis", 0) != 0) {
            throw unsupported(n, "gather from a tensor of rank " + data.rank() + " (1-D shape vectors are folded)");
        }
        double[] d = OnnxTensors.doubles(data);
        long[] ix = OnnxTensors.longs(idx);
        double[] r = new double[ix.length];
        for (int k = 0; k < ix.length; k++) {
            r[k] = d[(int) (ix[k] < 0 ? ix[k] + d.length : ix[k])];
        }
        INDArray v = idx.rank() == 0 ? Nd4j.scalar(r[0]) : Nd4j.createFromArray(r);
        c.putConstant(out(n), data.dataType().isFPType() ? v : v.castTo(DataType.LONG));
    }

    /**
     * Gather of one constant index from a computed tensor (SwinIR's {@code qkv[0]}): a slice of that index along the axis,
     * then a squeeze of the axis (M2.1's gather has no usable gradient; these two have).
     */
    private static void gatherComputed(ImportContext c, Onnx.NodeProto n) {
        INDArray idx = constantInput(c, n, 1);
        if (idx.length() != 1) {
            throw unsupported(n, "gathering " + idx.length() + " indices from a computed tensor (one constant index is supported)");
        }
        long[] xs = c.shape(n.getInput(0));
        int ax = (int) (i(n, "axis", 0) < 0 ? i(n, "axis", 0) + xs.length : i(n, "axis", 0));
        long k = idx.getLong(0);
        if (k < 0) {
            if (xs[ax] < 0) {
                throw unsupported(n, "a negative index along an axis whose size is known only at run time");
            }
            k += xs[ax];
        }
        org.nd4j.autodiff.samediff.SDIndex[] sel = new org.nd4j.autodiff.samediff.SDIndex[xs.length];
        Arrays.fill(sel, org.nd4j.autodiff.samediff.SDIndex.all());
        sel[ax] = org.nd4j.autodiff.samediff.SDIndex.interval(k, k + 1);
        SDVariable y = c.var(n.getInput(0)).get(sel);
        long[] os;
        if (idx.rank() == 0) {
            y = c.sameDiff().squeeze(y, ax);
            os = new long[xs.length - 1];
            for (int d = 0, o = 0; d < xs.length; d++) {
                if (d != ax) {
                    os[o++] = xs[d];
                }
            }
        } else {
            os = xs.clone();
            os[ax] = 1;
        }
        c.put(out(n), y, os);
    }

    private static void slice(ImportContext c, Onnx.NodeProto n) {
        long[] partial = c.shapeValue(n.getInput(0));
        if (partial != null) { // a slice of a shape value is one
            long[] starts = has(n, 1) ? OnnxTensors.longs(constantInput(c, n, 1)) : ints(n, "starts");
            long[] ends = has(n, 2) ? OnnxTensors.longs(constantInput(c, n, 2)) : ints(n, "ends");
            long len = partial.length;
            long b = Math.max(0, Math.min(len, starts[0] < 0 ? starts[0] + len : starts[0]));
            long e = Math.max(b, Math.min(len, ends[0] < 0 ? ends[0] + len : ends[0]));
            long[] part = Arrays.copyOfRange(partial, (int) b, (int) e);
            if (Arrays.stream(part).allMatch(d -> d >= 0)) {
                c.putConstant(out(n), Nd4j.createFromArray(part));
            } else {
                c.putShapeValue(out(n), c.var(n.getInput(0)).get(org.nd4j.autodiff.samediff.SDIndex.interval(b, e)), part,
                        part.length);
            }
            return;
        }
        if (!c.isConstant(n.getInput(0))) {
            sliceComputed(c, n);
            return;
        }
        INDArray data = constantInput(c, n, 0);
        if (data.rank() != 1) {
            c.putConstant(out(n), sliceConstant(c, n, data));
            return;
        }
        long[] starts = has(n, 1) ? OnnxTensors.longs(constantInput(c, n, 1)) : ints(n, "starts");
        long[] ends = has(n, 2) ? OnnxTensors.longs(constantInput(c, n, 2)) : ints(n, "ends");
        long[] steps = has(n, 4) ? OnnxTensors.longs(constantInput(c, n, 4)) : new long[] {1};
        if (starts.length != 1 || steps[0] != 1) {
            throw unsupported(n, "a slice with more than one axis or a step");
        }
        long len = data.length();
        long b = Math.max(0, Math.min(len, starts[0] < 0 ? starts[0] + len : starts[0]));
        long e = Math.max(0, Math.min(len, ends[0] < 0 ? ends[0] + len : ends[0]));
        double[] d = OnnxTensors.doubles(data);
        INDArray v = Nd4j.createFromArray(Arrays.copyOfRange(d, (int) b, (int) Math.max(b, e)));
        c.putConstant(out(n), data.dataType().isFPType() ? v : v.castTo(DataType.LONG));
    }

    /** A Slice of a constant of any rank, steps of any sign (ONNX's clamping of starts and ends), folded. */
    private static INDArray sliceConstant(ImportContext c, Onnx.NodeProto n, INDArray data) {
        long[] starts = has(n, 1) ? OnnxTensors.longs(constantInput(c, n, 1)) : ints(n, "starts");
        long[] ends = has(n, 2) ? OnnxTensors.longs(constantInput(c, n, 2)) : ints(n, "ends");
        long[] axes = has(n, 3) ? OnnxTensors.longs(constantInput(c, n, 3)) : ints(n, "axes");
        long[] steps = has(n, 4) ? OnnxTensors.longs(constantInput(c, n, 4)) : new long[0];
        INDArray d = data.dup('c');
        int rank = d.rank();
        long[] shape = d.shape();
        long[][] picks = new long[rank][];
        for (int k = 0; k < rank; k++) {
            picks[k] = java.util.stream.LongStream.range(0, shape[k]).toArray();
        }
        for (int k = 0; k < starts.length; k++) {
            int ax = (int) (axes.length > k ? (axes[k] < 0 ? axes[k] + rank : axes[k]) : k);
            long step = steps.length > k ? steps[k] : 1;
            long len = shape[ax];
            long b = starts[k] < 0 ? starts[k] + len : starts[k];
            long e = ends[k] < 0 ? ends[k] + len : ends[k];
            List<Long> at = new ArrayList<>();
            if (step > 0) {
                for (long q = Math.max(0, Math.min(len, b)); q < Math.max(0, Math.min(len, e)); q += step) {
                    at.add(q);
                }
            } else {
                for (long q = Math.max(-1, Math.min(len - 1, b)); q > Math.max(-1, Math.min(len - 1, e)); q += step) {
                    at.add(q);
                }
            }
            picks[ax] = at.stream().mapToLong(Long::longValue).toArray();
        }
        long[] os = new long[rank];
        long total = 1;
        for (int k = 0; k < rank; k++) {
            os[k] = picks[k].length;
            total *= os[k];
        }
        double[] v = new double[(int) total];
        long[] idx = new long[rank];
        for (int flat = 0; flat < total; flat++) {
            long rem = flat;
            for (int k = rank - 1; k >= 0; k--) {
                idx[k] = picks[k][(int) (rem % os[k])];
                rem /= os[k];
            }
            v[flat] = d.getDouble(idx);
        }
        INDArray out = Nd4j.create(v, os, DataType.DOUBLE);
        return data.dataType().isFPType() ? out : out.castTo(DataType.LONG);
    }

    /**
     * A Slice of a computed tensor: constant starts, ends, axes (default: the first ones) and steps of 1, on axes whose
     * size is known or that are taken from a start to the end; a strided slice (exported as ONNX Slice).
     */
    private static void sliceComputed(ImportContext c, Onnx.NodeProto n) {
        long[] xs = c.shape(n.getInput(0));
        long[] starts = has(n, 1) ? OnnxTensors.longs(constantInput(c, n, 1)) : ints(n, "starts");
        long[] ends = has(n, 2) ? OnnxTensors.longs(constantInput(c, n, 2)) : ints(n, "ends");
        long[] axes = has(n, 3) ? OnnxTensors.longs(constantInput(c, n, 3)) : ints(n, "axes");
        long[] steps = has(n, 4) ? OnnxTensors.longs(constantInput(c, n, 4)) : new long[0];
        if (axes.length == 0) {
            axes = java.util.stream.LongStream.range(0, starts.length).toArray();
        }
        org.nd4j.autodiff.samediff.SDIndex[] idx = new org.nd4j.autodiff.samediff.SDIndex[xs.length];
        Arrays.fill(idx, org.nd4j.autodiff.samediff.SDIndex.all());
        long[] os = xs.clone();
        for (int k = 0; k < axes.length; k++) {
            int ax = (int) (axes[k] < 0 ? axes[k] + xs.length : axes[k]);
            if (steps.length > k && steps[k] != 1) {
                throw unsupported(n, "a slice with step " + steps[k]);
            }
            long len = xs[ax];
            long b = starts[k];
            long e = ends[k];
            if (len < 0) {
                if (b == 0 && e >= Integer.MAX_VALUE) {
                    continue; // the whole axis
                }
                throw unsupported(n, "slicing axis " + ax + ", whose size is known only at run time");
            }
            b = Math.max(0, Math.min(len, b < 0 ? b + len : b));
            e = Math.max(b, Math.min(len, e < 0 ? e + len : e));
            idx[ax] = org.nd4j.autodiff.samediff.SDIndex.interval(b, e);
            os[ax] = e - b;
        }
        c.put(out(n), c.var(n.getInput(0)).get(idx), os);
    }

    /**
     * Split along a static axis into the sizes of its {@code split} input (opset 13+) or attribute, else equal parts (one
     * per output; {@code num_outputs} in opset 18); each part a strided slice (exported as ONNX Slice).
     */
    private static void split(ImportContext c, Onnx.NodeProto n) {
        long[] xs = c.shape(n.getInput(0));
        int ax = (int) (i(n, "axis", 0) < 0 ? i(n, "axis", 0) + xs.length : i(n, "axis", 0));
        if (xs[ax] < 0) {
            throw unsupported(n, "splitting axis " + ax + ", whose size is known only at run time");
        }
        int parts = n.getOutputCount();
        long[] sizes = has(n, 1) ? OnnxTensors.longs(constantInput(c, n, 1)) : ints(n, "split");
        if (sizes.length == 0) {
            if (xs[ax] % parts != 0) {
                throw unsupported(n, "an axis of " + xs[ax] + " into " + parts + " equal parts");
            }
            sizes = new long[parts];
            Arrays.fill(sizes, xs[ax] / parts);
        }
        if (sizes.length != parts || Arrays.stream(sizes).sum() != xs[ax]) {
            throw unsupported(n, "split sizes " + Arrays.toString(sizes) + " for an axis of " + xs[ax] + " and " + parts
                    + " outputs");
        }
        SDVariable x = c.var(n.getInput(0));
        long start = 0;
        for (int k = 0; k < parts; k++) {
            org.nd4j.autodiff.samediff.SDIndex[] idx = new org.nd4j.autodiff.samediff.SDIndex[xs.length];
            for (int d = 0; d < xs.length; d++) {
                idx[d] = d == ax ? org.nd4j.autodiff.samediff.SDIndex.interval(start, start + sizes[k])
                        : org.nd4j.autodiff.samediff.SDIndex.all();
            }
            long[] os = xs.clone();
            os[ax] = sizes[k];
            c.put(n.getOutput(k), x.get(idx), os);
            start += sizes[k];
        }
    }

    /** ConstantOfShape of a constant shape: the value attribute (default float 0) in that shape, folded. */
    private static void constantOfShape(ImportContext c, Onnx.NodeProto n) {
        long[] shape = OnnxTensors.longs(constantInput(c, n, 0));
        Onnx.AttributeProto a = ImportContext.attr(n, "value");
        INDArray value = a != null ? OnnxTensors.toArray(a.getT()) : Nd4j.scalar(0.0);
        long total = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        if (total > OnnxTensors.MAX_VALUES) {
            throw unsupported(n, "a constant of shape " + Arrays.toString(shape));
        }
        INDArray out = shape.length == 0 ? Nd4j.scalar(value.getDouble(0))
                : Nd4j.valueArrayOf(shape, value.getDouble(0), DataType.DOUBLE);
        c.putConstant(out(n), value.dataType().isFPType() ? out : out.castTo(DataType.LONG));
    }

    /**
     * LayerNormalization over the axes from {@code axis} on: {@code (x - mean) / sqrt(var + eps) * scale + bias}, the
     * biased variance, scale and bias trained (broadcast over the normalised axes).
     */
    private static void layerNorm(ImportContext c, Onnx.NodeProto n) {
        long[] xs = c.shape(n.getInput(0));
        long axis = i(n, "axis", -1);
        int first = (int) (axis < 0 ? axis + xs.length : axis);
        int[] dims = java.util.stream.IntStream.range(first, xs.length).toArray();
        double eps = f(n, "epsilon", 1e-5f);
        SameDiff sd = c.sameDiff();
        SDVariable x = c.var(n.getInput(0));
        SDVariable centered = x.sub(x.mean(true, dims));
        SDVariable var = centered.mul(centered).mean(true, dims);
        SDVariable y = centered.mul(sd.math().rsqrt(var.add(eps))).mul(operand(c, n.getInput(1)));
        if (has(n, 2)) {
            y = y.add(operand(c, n.getInput(2)));
        }
        c.put(out(n), y, xs);
    }

    /** Softmax along one axis (opset 13's semantics, which older opsets share along the last axis). */
    private static void softmax(ImportContext c, Onnx.NodeProto n) {
        long[] xs = c.shape(n.getInput(0));
        if (ImportContext.attr(n, "axis") == null && xs.length > 2) {
            throw unsupported(n, "a softmax without an explicit axis (its default changed from 1 to -1 in opset 13)");
        }
        long axis = i(n, "axis", -1);
        int ax = (int) (axis < 0 ? axis + xs.length : axis);
        c.put(out(n), c.sameDiff().nn().softmax(c.var(n.getInput(0)), ax), xs);
    }

    /** MatMul of two computed tensors of the same rank (2 or batched), or a tensor and a weight matrix. */
    private static void matmul(ImportContext c, Onnx.NodeProto n) {
        long[] as = c.shape(n.getInput(0));
        long[] bs = c.shape(n.getInput(1));
        if (as.length < 2 || bs.length < 2) {
            throw unsupported(n, "a product of tensors of ranks " + as.length + " and " + bs.length);
        }
        SDVariable a = operand(c, n.getInput(0));
        SDVariable b = operand(c, n.getInput(1));
        SameDiff sd = c.sameDiff();
        if (bs.length == 2 && as.length > 2) { // activations [..., K] times a matrix [K, N] (a Linear layer): as 2-D
            long lead = 1;
            int unknown = 0;
            for (int k = 0; k < as.length - 1; k++) {
                unknown += as[k] < 0 ? 1 : 0;
                lead = as[k] < 0 ? lead : lead * as[k];
            }
            if (unknown > 1) {
                throw unsupported(n, "a product of a tensor of shape " + Arrays.toString(as) + " with a matrix");
            }
            long[] os = as.clone();
            os[os.length - 1] = bs[1];
            long[] back = os.clone();
            SDVariable flat = sd.reshape(a, -1, as[as.length - 1]);
            c.put(out(n), sd.reshape(sd.mmul(flat, b), back), os);
            return;
        }
        if (as.length != bs.length) {
            b = toRank(sd, b, bs, as.length);
            long[] t = new long[as.length];
            Arrays.fill(t, 1);
            System.arraycopy(bs, 0, t, as.length - bs.length, bs.length);
            bs = t;
        }
        long[] os = as.clone();
        os[os.length - 1] = bs[bs.length - 1];
        c.put(out(n), sd.mmul(a, b), os);
    }

    /**
     * Expand: the input as it is, with the broadcast shape recorded; correct wherever the result meets broadcasting ops
     * (as torch's exports use it: F.normalize's divisor, say), which broadcast it themselves.
     */
    private static void expand(ImportContext c, Onnx.NodeProto n) {
        long[] xs = c.shape(n.getInput(0));
        if (c.isConstant(n.getInput(0))) {
            c.putConstant(out(n), c.constant(n.getInput(0)));
            return;
        }
        c.put(out(n), c.var(n.getInput(0)), xs);
    }

    // pixel shuffles

    /**
     * DepthToSpace ([N, C r^2, H, W] to [N, C, H r, W r]). DCR (ONNX's default, TensorFlow's) is M2.1's depth_to_space;
     * CRD (PyTorch's PixelShuffle) reads the channels in another order, so its input is first permuted by a fixed 1x1
     * convolution (exact; exported as a Conv).
     */
    private static void depthToSpace(ImportContext c, Onnx.NodeProto n) {
        int r = (int) i(n, "blocksize", 0);
        long[] xs = c.shape(n.getInput(0));
        if (r < 1 || xs[1] < 0 || xs[1] % ((long) r * r) != 0) {
            throw unsupported(n, "blocksize " + r + " for " + xs[1] + " channels");
        }
        long ch = xs[1] / ((long) r * r);
        SDVariable x = c.var(n.getInput(0));
        if (s(n, "mode", "DCR").equals("CRD")) {
            // CRD reads channel c r^2 + i r + j where DCR reads (i r + j) C + c: out channel k of the permutation takes
            // in channel perm(k)
            int total = (int) xs[1];
            double[] w = new double[total * total]; // YXIO [1, 1, in, out]
            for (int cc = 0; cc < ch; cc++) {
                for (int ij = 0; ij < r * r; ij++) {
                    int dcr = ij * (int) ch + cc;
                    int crd = cc * r * r + ij;
                    w[crd * total + dcr] = 1;
                }
            }
            SDVariable kernel = c.layers().constant(c.freshConstantName("crd_to_dcr"),
                    Nd4j.create(w, new long[] {1, 1, total, total}, DataType.DOUBLE));
            Conv2DConfig cfg = Conv2DConfig.builder().kH(1).kW(1).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1)
                    .paddingMode(PaddingMode.VALID).dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
            x = c.sameDiff().cnn().conv2d(x, kernel, cfg);
        }
        SDVariable y = c.sameDiff().cnn().depthToSpace(x, r, org.nd4j.enums.DataFormat.NCHW);
        c.put(out(n), y, xs[0], ch, xs[2] < 0 ? -1 : xs[2] * r, xs[3] < 0 ? -1 : xs[3] * r);
    }

    /** SpaceToDepth ([N, C, H, W] to [N, C r^2, H / r, W / r], ONNX's only order, TensorFlow's): M2.1's space_to_depth. */
    private static void spaceToDepth(ImportContext c, Onnx.NodeProto n) {
        int r = (int) i(n, "blocksize", 0);
        long[] xs = c.shape(n.getInput(0));
        if (r < 1) {
            throw unsupported(n, "blocksize " + r);
        }
        SDVariable y = c.sameDiff().cnn().spaceToDepth(c.var(n.getInput(0)), r, org.nd4j.enums.DataFormat.NCHW);
        c.put(out(n), y, xs[0], xs[1] < 0 ? -1 : xs[1] * r * r, xs[2] < 0 ? -1 : xs[2] / r, xs[3] < 0 ? -1 : xs[3] / r);
    }

    // reductions and elementwise math

    /**
     * ReduceMean, ReduceSum, ReduceMax, ReduceL2 over constant axes (an attribute before opset 18, an input from 13 for
     * ReduceSum and from 18 for the rest; none: every axis), keepdims as the node says.
     */
    private static void reduce(ImportContext c, Onnx.NodeProto n, char kind) {
        long[] xs = c.shape(n.getInput(0));
        long[] axes = has(n, 1) ? OnnxTensors.longs(constantInput(c, n, 1)) : ints(n, "axes");
        if (axes.length == 0) {
            if (i(n, "noop_with_empty_axes", 0) == 1) {
                alias(c, n);
                return;
            }
            axes = java.util.stream.LongStream.range(0, xs.length).toArray();
        }
        boolean keep = i(n, "keepdims", 1) == 1;
        int[] dims = Arrays.stream(axes).mapToInt(a -> (int) (a < 0 ? a + xs.length : a)).sorted().toArray();
        SDVariable x = c.var(n.getInput(0));
        SDVariable y = switch (kind) {
            case 'm' -> x.mean(keep, dims);
            case 's' -> x.sum(keep, dims);
            case 'x' -> x.max(keep, dims);
            default -> c.sameDiff().math().sqrt(x.mul(x).sum(keep, dims));
        };
        List<Long> os = new ArrayList<>();
        for (int k = 0; k < xs.length; k++) {
            final int kk = k;
            boolean reduced = Arrays.stream(dims).anyMatch(d -> d == kk);
            if (!reduced) {
                os.add(xs[k]);
            } else if (keep) {
                os.add(1L);
            }
        }
        c.put(out(n), y, os.stream().mapToLong(Long::longValue).toArray());
    }

    /** Pow with a constant scalar exponent: 2 as a product (the cheaper backward), 0.5 as a square root, else pow. */
    private static void pow(ImportContext c, Onnx.NodeProto n) {
        INDArray e = c.constant(n.getInput(1));
        if (e == null || e.length() != 1) {
            throw unsupported(n, "the exponent must be a constant scalar");
        }
        double k = e.getDouble(0);
        if (c.isConstant(n.getInput(0))) { // folded (torch traces (channels // heads) ** -0.5 as a Pow of sizes)
            INDArray b = c.constant(n.getInput(0)).castTo(DataType.DOUBLE);
            c.putConstant(out(n), org.nd4j.linalg.ops.transforms.Transforms.pow(b, k, true));
            return;
        }
        unary(c, n, x -> k == 2 ? x.mul(x) : k == 1 ? x.mul(1.0) : k == 0.5 ? c.sameDiff().math().sqrt(x)
                : c.sameDiff().math().pow(x, k));
    }

    /** {@code max(0, min(1, alpha x + beta))}, as two ReLUs (exported as such). */
    private static SDVariable hardSigmoid(SameDiff sd, SDVariable x, float alpha, float beta) {
        SDVariable a = x.mul(alpha).add(beta);
        return sd.nn().relu(a, 0).sub(sd.nn().relu(a.sub(1.0), 0));
    }

    /** Squeeze of size-1 axes (an attribute before opset 13, an input after; none: every size-1 axis), as a reshape. */
    private static void squeeze(ImportContext c, Onnx.NodeProto n) {
        long[] xs = c.shape(n.getInput(0));
        long[] axes = has(n, 1) ? OnnxTensors.longs(constantInput(c, n, 1)) : ints(n, "axes");
        List<Long> drop = new ArrayList<>();
        for (long a : axes) {
            drop.add(a < 0 ? a + xs.length : a);
        }
        List<Long> os = new ArrayList<>();
        for (int k = 0; k < xs.length; k++) {
            boolean squeezed = axes.length == 0 ? xs[k] == 1 : drop.contains((long) k);
            if (squeezed && xs[k] != 1) {
                throw unsupported(n, "axis " + k + " has size " + xs[k] + (xs[k] < 0 ? " (known only at run time)" : ""));
            }
            if (!squeezed) {
                os.add(xs[k]);
            }
        }
        long[] shape = os.stream().mapToLong(Long::longValue).toArray();
        if (c.isConstant(n.getInput(0))) {
            c.putConstant(out(n), c.constant(n.getInput(0)).reshape(shape));
            return;
        }
        if (Arrays.stream(shape).filter(d -> d < 0).count() > 1) { // sizes known at run time: one squeeze per axis
            SDVariable y = c.var(n.getInput(0));
            List<Long> gone = new ArrayList<>();
            for (int k = 0; k < xs.length; k++) {
                if (axes.length == 0 ? xs[k] == 1 : drop.contains((long) k)) {
                    gone.add((long) k);
                }
            }
            for (int k = gone.size() - 1; k >= 0; k--) {
                y = c.sameDiff().squeeze(y, gone.get(k).intValue());
            }
            c.put(out(n), y, shape);
            return;
        }
        c.put(out(n), c.sameDiff().reshape(c.var(n.getInput(0)), shape), shape);
    }

    private static void unsqueeze(ImportContext c, Onnx.NodeProto n) {
        long[] known = c.shapeValue(n.getInput(0));
        if (known != null) { // a scalar shape value is held as a vector of one already: only its recorded shape changes
            if (c.shape(n.getInput(0)).length > 1) {
                throw unsupported(n, "unsqueezing a shape value of rank " + c.shape(n.getInput(0)).length);
            }
            c.putShapeValue(out(n), c.var(n.getInput(0)), known, c.shape(n.getInput(0)).length == 0 ? new long[] {1}
                    : new long[] {1, known.length});
            return;
        }
        if (!c.isConstant(n.getInput(0))) {
            long[] xs = c.shape(n.getInput(0));
            long[] axes = has(n, 1) ? OnnxTensors.longs(constantInput(c, n, 1)) : ints(n, "axes");
            long[] os = new long[xs.length + axes.length];
            List<Long> ax = new ArrayList<>();
            for (long a : axes) {
                ax.add(a < 0 ? a + os.length : a);
            }
            int src = 0;
            for (int k = 0; k < os.length; k++) {
                os[k] = ax.contains((long) k) ? 1 : xs[src++];
            }
            if (Arrays.stream(os).filter(d -> d < 0).count() > 1) { // sizes known at run time: one expand_dims per axis
                SDVariable y = c.var(n.getInput(0));
                for (long a : ax.stream().sorted().toList()) {
                    y = c.sameDiff().expandDims(y, (int) a);
                }
                c.put(out(n), y, os);
                return;
            }
            c.put(out(n), c.sameDiff().reshape(c.var(n.getInput(0)), os), os);
            return;
        }
        INDArray data = c.constant(n.getInput(0));
        c.putConstant(out(n), data.rank() == 0 ? data.reshape(1) : data.reshape(1, data.length()));
    }

    private static void cast(ImportContext c, Onnx.NodeProto n) {
        long to = i(n, "to", Onnx.TensorProto.DataType.FLOAT.getNumber());
        long[] known = c.shapeValue(n.getInput(0));
        if (known != null && (to == Onnx.TensorProto.DataType.INT64.getNumber() || to == Onnx.TensorProto.DataType.INT32.getNumber())) {
            c.putShapeValue(out(n), c.var(n.getInput(0)), known, c.shape(n.getInput(0)));
            return;
        }
        if (known != null && (to == Onnx.TensorProto.DataType.FLOAT.getNumber() || to == Onnx.TensorProto.DataType.DOUBLE.getNumber())) {
            // sizes become values of a computation on images
            c.put(out(n), c.sameDiff().castTo(c.var(n.getInput(0)), DataType.FLOAT), c.shape(n.getInput(0)));
            return;
        }
        boolean toFloat = to == Onnx.TensorProto.DataType.FLOAT.getNumber() || to == Onnx.TensorProto.DataType.DOUBLE.getNumber();
        if (c.isConstant(n.getInput(0))) {
            INDArray v = c.constant(n.getInput(0));
            c.putConstant(out(n), toFloat ? v.castTo(DataType.DOUBLE) : v.castTo(DataType.LONG));
        } else if (toFloat) {
            alias(c, n);
        } else {
            throw unsupported(n, "casting a computed tensor to type " + to);
        }
    }

    private static void reshape(ImportContext c, Onnx.NodeProto n) {
        if (c.shapeValue(n.getInput(1)) != null) {
            reshapeDynamic(c, n);
            return;
        }
        long[] target = OnnxTensors.longs(constantInput(c, n, 1));
        long[] xs = c.shape(n.getInput(0));
        long[] os = target.clone();
        for (int k = 0; k < os.length; k++) {
            if (os[k] == 0 && i(n, "allowzero", 0) == 0) {
                os[k] = xs[k];
            }
        }
        if (Arrays.stream(os).filter(d -> d < 0).count() > 1) {
            if (c.isConstant(n.getInput(0))) {
                throw unsupported(n, "a reshape to " + Arrays.toString(target) + " of a constant of shape " + Arrays.toString(xs));
            }
            reshapeDynamic(c, n); // several sizes known only at run time: the target is completed at run time
            return;
        }
        if (c.isConstant(n.getInput(0))) {
            c.putConstant(out(n), c.constant(n.getInput(0)).reshape(os));
            return;
        }
        c.put(out(n), c.sameDiff().reshape(c.var(n.getInput(0)), os), os);
    }

    /**
     * A Reshape to a shape computed at run time. ONNX's 0 (copy the input's size; allowzero 0) becomes the input's own
     * size, read at run time where it is not known; -1 stays for the reshape to fill.
     */
    private static void reshapeDynamic(ImportContext c, Onnx.NodeProto n) {
        SameDiff sd = c.sameDiff();
        long[] known = c.shapeValue(n.getInput(1));
        SDVariable target;
        if (known == null) { // a constant target with copies (0) of sizes known only at run time
            known = OnnxTensors.longs(constantInput(c, n, 1));
            target = sd.constant(c.freshConstantName("reshape_to"), Nd4j.createFromArray(known));
        } else {
            target = c.var(n.getInput(1));
        }
        long[] xs = c.shape(n.getInput(0));
        boolean copies = i(n, "allowzero", 0) == 0 && Arrays.stream(known).anyMatch(d -> d == 0);
        long[] os = known.clone();
        if (copies) {
            SDVariable[] parts = new SDVariable[known.length];
            SDVariable inShape = null;
            for (int k = 0; k < known.length; k++) {
                if (known[k] == 0) {
                    os[k] = xs[k];
                    if (xs[k] >= 0) {
                        parts[k] = sd.constant(c.freshConstantName("copy"), Nd4j.createFromArray(new long[] {xs[k]}));
                    } else {
                        inShape = inShape != null ? inShape : sd.shape(c.var(n.getInput(0)));
                        parts[k] = inShape.get(org.nd4j.autodiff.samediff.SDIndex.interval(k, k + 1));
                    }
                } else {
                    parts[k] = target.get(org.nd4j.autodiff.samediff.SDIndex.interval(k, k + 1));
                }
            }
            target = sd.concat(0, parts);
        }
        target = fillInferred(c, n, target, known, os);
        long total = Arrays.stream(xs).reduce(1, (a, b) -> a < 0 || b < 0 ? -1 : a * b);
        long rest = 1;
        int fill = -1;
        for (int k = 0; k < os.length; k++) {
            if (os[k] == -1 && fill < 0 && known[k] == -1) {
                fill = k;
            } else {
                rest = rest < 0 || os[k] < 0 ? -1 : rest * os[k];
            }
        }
        if (fill >= 0 && total >= 0 && rest > 0) {
            os[fill] = total / rest;
        }
        c.put(out(n), sd.reshape(c.var(n.getInput(0)), target), os);
    }

    /**
     * M2.1's reshape does not infer a -1 in a shape given at run time: where the target has one (a literal -1, known at
     * import), it is computed at run time as the input's size over the product of the target's other entries.
     */
    private static SDVariable fillInferred(ImportContext c, Onnx.NodeProto n, SDVariable target, long[] known, long[] os) {
        int j = -1;
        for (int k = 0; k < known.length; k++) {
            if (known[k] == -1 && literalMinusOne(c, n, k)) {
                j = k;
            }
        }
        if (j < 0) {
            return target;
        }
        SameDiff sd = c.sameDiff();
        SDVariable total = sd.prod(sd.shape(c.var(n.getInput(0))), true, 0);
        List<SDVariable> others = new ArrayList<>();
        if (j > 0) {
            others.add(target.get(org.nd4j.autodiff.samediff.SDIndex.interval(0, j)));
        }
        if (j < known.length - 1) {
            others.add(target.get(org.nd4j.autodiff.samediff.SDIndex.interval(j + 1, known.length)));
        }
        SDVariable rest = others.isEmpty() ? sd.constant(c.freshConstantName("one"), Nd4j.createFromArray(new long[] {1}))
                : sd.prod(others.size() == 1 ? others.get(0) : sd.concat(0, others.toArray(SDVariable[]::new)), true, 0);
        SDVariable fill = total.div(rest);
        List<SDVariable> parts = new ArrayList<>();
        if (j > 0) {
            parts.add(target.get(org.nd4j.autodiff.samediff.SDIndex.interval(0, j)));
        }
        parts.add(fill);
        if (j < known.length - 1) {
            parts.add(target.get(org.nd4j.autodiff.samediff.SDIndex.interval(j + 1, known.length)));
        }
        return sd.concat(0, parts.toArray(SDVariable[]::new));
    }

    /** Whether entry {@code k} of the node's target shape is a literal -1 (a constant target), not an unknown size. */
    private static boolean literalMinusOne(ImportContext c, Onnx.NodeProto n, int k) {
        INDArray t = c.constant(n.getInput(1));
        return t != null && OnnxTensors.longs(t)[k] == -1;
    }

    private static void transpose(ImportContext c, Onnx.NodeProto n) {
        long[] xs = c.shape(n.getInput(0));
        long[] perm = ints(n, "perm");
        if (perm.length != xs.length) {
            throw unsupported(n, "perm " + Arrays.toString(perm) + " for a tensor of rank " + xs.length);
        }
        long[] os = new long[xs.length];
        int[] p = new int[xs.length];
        for (int k = 0; k < xs.length; k++) {
            os[k] = xs[(int) perm[k]];
            p[k] = (int) perm[k];
        }
        if (c.isConstant(n.getInput(0))) {
            c.putConstant(out(n), c.constant(n.getInput(0)).permute(p).dup('c'));
            return;
        }
        c.put(out(n), c.sameDiff().permute(c.var(n.getInput(0)), p), os);
    }
}
