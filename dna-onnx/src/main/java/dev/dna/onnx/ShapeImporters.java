package dev.dna.onnx;

import static dev.dna.onnx.ArithmeticImporters.*;
import static dev.dna.onnx.ImportHelpers.*;
import static dev.dna.onnx.ImportContext.f;
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

/** ONNX importers of shape arithmetic, folded at import time (registered in {@link OpImporters}). */
final class ShapeImporters {
    private ShapeImporters() {}

    // shape arithmetic, folded at import time

    static INDArray constantInput(ImportContext c, Onnx.NodeProto n, int index) {
        INDArray v = has(n, index) ? c.constant(n.getInput(index)) : null;
        if (v == null) {
            throw unsupported(n, "input " + index + " depends on sizes known only at run time; the importer folds shape "
                    + "arithmetic when the sizes are fixed (export with fixed sizes, or without size-dependent ops)");
        }
        return v;
    }

    static void shape(ImportContext c, Onnx.NodeProto n) {
        long[] s = c.shape(n.getInput(0));
        if (Arrays.stream(s).anyMatch(d -> d < 0)) { // computed at run time; its known entries fold where they are read
            c.putShapeValue(out(n), c.sameDiff().shape(c.var(n.getInput(0))), s, s.length);
            return;
        }
        c.putConstant(out(n), Nd4j.createFromArray(s));
    }

    static void gather(ImportContext c, Onnx.NodeProto n) {
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
        c.putConstant(out(n), data.dataType().isFPType() ? v : v.castTo(DataType.INT64));
    }

    /**
     * Gather of one constant index from a computed tensor (SwinIR's {@code qkv[0]}): a slice of that index along the axis,
     * then a squeeze of the axis (M2.1's gather has no usable gradient; these two have).
     */
    static void gatherComputed(ImportContext c, Onnx.NodeProto n) {
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

    static void slice(ImportContext c, Onnx.NodeProto n) {
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
        c.putConstant(out(n), data.dataType().isFPType() ? v : v.castTo(DataType.INT64));
    }

    /** A Slice of a constant of any rank, steps of any sign (ONNX's clamping of starts and ends), folded. */
    static INDArray sliceConstant(ImportContext c, Onnx.NodeProto n, INDArray data) {
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
        return data.dataType().isFPType() ? out : out.castTo(DataType.INT64);
    }

    /**
     * A Slice of a computed tensor: constant starts, ends, axes (default: the first ones) and steps of 1, on axes whose
     * size is known or that are taken from a start to the end; a strided slice (exported as ONNX Slice).
     */
    static void sliceComputed(ImportContext c, Onnx.NodeProto n) {
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
    static void split(ImportContext c, Onnx.NodeProto n) {
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
    static void constantOfShape(ImportContext c, Onnx.NodeProto n) {
        long[] shape = OnnxTensors.longs(constantInput(c, n, 0));
        Onnx.AttributeProto a = ImportContext.attr(n, "value");
        INDArray value = a != null ? OnnxTensors.toArray(a.getT()) : Nd4j.scalar(0.0);
        long total = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        if (total > OnnxTensors.MAX_VALUES) {
            throw unsupported(n, "a constant of shape " + Arrays.toString(shape));
        }
        INDArray out = shape.length == 0 ? Nd4j.scalar(value.getDouble(0))
                : Nd4j.valueArrayOf(shape, value.getDouble(0), DataType.DOUBLE);
        c.putConstant(out(n), value.dataType().isFPType() ? out : out.castTo(DataType.INT64));
    }

    /**
     * LayerNormalization over the axes from {@code axis} on: {@code (x - mean) / sqrt(var + eps) * scale + bias}, the
     * biased variance, scale and bias trained (broadcast over the normalised axes).
     */
    static void layerNorm(ImportContext c, Onnx.NodeProto n) {
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
    static void softmax(ImportContext c, Onnx.NodeProto n) {
        long[] xs = c.shape(n.getInput(0));
        if (ImportContext.attr(n, "axis") == null && xs.length > 2) {
            throw unsupported(n, "a softmax without an explicit axis (its default changed from 1 to -1 in opset 13)");
        }
        long axis = i(n, "axis", -1);
        int ax = (int) (axis < 0 ? axis + xs.length : axis);
        c.put(out(n), c.sameDiff().nn().softmax(c.var(n.getInput(0)), ax), xs);
    }

    /** MatMul of two computed tensors of the same rank (2 or batched), or a tensor and a weight matrix. */
    static void matmul(ImportContext c, Onnx.NodeProto n) {
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
    static void expand(ImportContext c, Onnx.NodeProto n) {
        long[] xs = c.shape(n.getInput(0));
        if (c.isConstant(n.getInput(0))) {
            c.putConstant(out(n), c.constant(n.getInput(0)));
            return;
        }
        c.put(out(n), c.var(n.getInput(0)), xs);
    }
}
