package dev.dna.onnx;

import static dev.dna.onnx.ImportHelpers.*;
import static dev.dna.onnx.ImportContext.i;
import static dev.dna.onnx.ImportContext.s;

import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/** ONNX importers of pixel shuffles (registered in {@link OpImporters}). */
final class PixelShuffleImporters {
    private PixelShuffleImporters() {}

    // pixel shuffles

    /**
     * DepthToSpace ([N, C r^2, H, W] to [N, C, H r, W r]). DCR (ONNX's default, TensorFlow's) is M2.1's depth_to_space;
     * CRD (PyTorch's PixelShuffle) reads the channels in another order, so its input is first permuted by a fixed 1x1
     * convolution (exact; exported as a Conv).
     */
    static void depthToSpace(ImportContext c, Onnx.NodeProto n) {
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
    static void spaceToDepth(ImportContext c, Onnx.NodeProto n) {
        int r = (int) i(n, "blocksize", 0);
        long[] xs = c.shape(n.getInput(0));
        if (r < 1) {
            throw unsupported(n, "blocksize " + r);
        }
        SDVariable y = c.sameDiff().cnn().spaceToDepth(c.var(n.getInput(0)), r, org.nd4j.enums.DataFormat.NCHW);
        c.put(out(n), y, xs[0], xs[1] < 0 ? -1 : xs[1] * r * r, xs[2] < 0 ? -1 : xs[2] / r, xs[3] < 0 ? -1 : xs[3] / r);
    }
}
