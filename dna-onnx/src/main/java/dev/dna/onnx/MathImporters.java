package dev.dna.onnx;

import static dev.dna.onnx.ShapeImporters.*;
import static dev.dna.onnx.ImportHelpers.*;
import static dev.dna.onnx.ImportContext.has;
import static dev.dna.onnx.ImportContext.i;
import static dev.dna.onnx.ImportContext.ints;
import static dev.dna.onnx.ImportContext.s;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ONNX importers of reductions and elementwise math (registered in {@link OpImporters}). */
final class MathImporters {
    private MathImporters() {}

    // reductions and elementwise math

    /**
     * ReduceMean, ReduceSum, ReduceMax, ReduceL2 over constant axes (an attribute before opset 18, an input from 13 for
     * ReduceSum and from 18 for the rest; none: every axis), keepdims as the node says.
     */
    static void reduce(ImportContext c, Onnx.NodeProto n, char kind) {
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
    static void pow(ImportContext c, Onnx.NodeProto n) {
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
    static SDVariable hardSigmoid(SameDiff sd, SDVariable x, float alpha, float beta) {
        SDVariable a = x.mul(alpha).add(beta);
        return sd.nn().relu(a, 0).sub(sd.nn().relu(a.sub(1.0), 0));
    }

    /** Squeeze of size-1 axes (an attribute before opset 13, an input after; none: every size-1 axis), as a reshape. */
    static void squeeze(ImportContext c, Onnx.NodeProto n) {
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

    static void unsqueeze(ImportContext c, Onnx.NodeProto n) {
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

    static void cast(ImportContext c, Onnx.NodeProto n) {
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
            c.putConstant(out(n), toFloat ? v.castTo(DataType.DOUBLE) : v.castTo(DataType.INT64));
        } else if (toFloat) {
            alias(c, n);
        } else {
            throw unsupported(n, "casting a computed tensor to type " + to);
        }
    }

    static void reshape(ImportContext c, Onnx.NodeProto n) {
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
    static void reshapeDynamic(ImportContext c, Onnx.NodeProto n) {
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
    static SDVariable fillInferred(ImportContext c, Onnx.NodeProto n, SDVariable target, long[] known, long[] os) {
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
    static boolean literalMinusOne(ImportContext c, Onnx.NodeProto n, int k) {
        INDArray t = c.constant(n.getInput(1));
        return t != null && OnnxTensors.longs(t)[k] == -1;
    }

    static void transpose(ImportContext c, Onnx.NodeProto n) {
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
