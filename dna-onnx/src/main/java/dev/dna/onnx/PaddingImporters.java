package dev.dna.onnx;

import static dev.dna.onnx.ActivationImporters.*;
import static dev.dna.onnx.ImportHelpers.*;
import static dev.dna.onnx.ImportContext.f;
import static dev.dna.onnx.ImportContext.has;
import static dev.dna.onnx.ImportContext.ints;
import static dev.dna.onnx.ImportContext.s;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.PadMode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ONNX importers of padding (registered in {@link OpImporters}). */
final class PaddingImporters {
    private PaddingImporters() {}

    // padding

    static void pad(ImportContext c, Onnx.NodeProto n) {
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
    static SDVariable padBySlices(SameDiff sd, SDVariable x, int axis, long before, long after, String mode) {
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
    static SDVariable row(SameDiff sd, SDVariable x, int axis, long index) {
        long[] begin = new long[4];
        long[] end = new long[4];
        begin[axis] = index;
        end[axis] = index + 1;
        int others = 0b1111 & ~(1 << axis);
        int endMask = others | (index == -1 ? 1 << axis : 0);
        return sd.stridedSlice(x, begin, end, new long[] {1, 1, 1, 1}, others, endMask, 0, 0, 0);
    }
}
