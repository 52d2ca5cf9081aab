package dev.dna.onnx;

import static dev.dna.onnx.ImportHelpers.*;
import static dev.dna.onnx.ImportContext.has;
import static dev.dna.onnx.ImportContext.i;
import static dev.dna.onnx.ImportContext.ints;
import static dev.dna.onnx.ImportContext.s;

import java.util.Arrays;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;

/** ONNX importers of convolutions (registered in {@link OpImporters}). */
final class ConvolutionImporters {
    private ConvolutionImporters() {}

    // convolutions

    static void conv(ImportContext c, Onnx.NodeProto n) {
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
    static SDVariable channelSlice(SameDiff sd, SDVariable x, long from, long to) {
        return sd.stridedSlice(x, new long[] {0, from, 0, 0}, new long[] {0, to, 0, 0}, new long[] {1, 1, 1, 1},
                0b1101, 0b1101, 0, 0, 0);
    }

    static void convTranspose(ImportContext c, Onnx.NodeProto n) {
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
}
