package dev.dna.onnx;

import static dev.dna.onnx.ImportHelpers.*;
import static dev.dna.onnx.ImportContext.f;
import static dev.dna.onnx.ImportContext.has;

import java.util.Arrays;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** ONNX importers of activations (registered in {@link OpImporters}). */
final class ActivationImporters {
    private ActivationImporters() {}

    // activations

    /** {@code relu(x) + slope * (x - relu(x))}: max(0, x) + slope min(0, x), with exact gradients. */
    static void prelu(ImportContext c, Onnx.NodeProto n) {
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
    static void clip(ImportContext c, Onnx.NodeProto n) {
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

    static double scalar(ImportContext c, Onnx.NodeProto n, int index) {
        INDArray v = c.constant(n.getInput(index));
        if (v == null || v.length() != 1) {
            throw unsupported(n, "input " + index + " ('" + n.getInput(index) + "') must be a constant scalar");
        }
        return v.getDouble(0);
    }
}
