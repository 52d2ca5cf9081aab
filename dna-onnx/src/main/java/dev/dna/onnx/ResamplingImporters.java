package dev.dna.onnx;

import static dev.dna.onnx.ImportHelpers.*;
import static dev.dna.onnx.ImportContext.has;
import static dev.dna.onnx.ImportContext.i;
import static dev.dna.onnx.ImportContext.ints;
import static dev.dna.onnx.ImportContext.s;
import static dev.dna.onnx.ImportContext.static4;

import dev.dna.api.spec.Upsampling;
import java.util.Arrays;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;

/** ONNX importers of resampling (registered in {@link OpImporters}). */
final class ResamplingImporters {
    private ResamplingImporters() {}

    // resampling

    static void resize(ImportContext c, Onnx.NodeProto n) {
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
    static void putResized(ImportContext c, Onnx.NodeProto n, SDVariable v, long[] s, boolean channelsLast) {
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

    static void pool(ImportContext c, Onnx.NodeProto n, Pooling2D.Pooling2DType type) {
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

    static void globalAveragePool(ImportContext c, Onnx.NodeProto n) {
        long[] xs = c.shape(n.getInput(0));
        c.put(out(n), c.var(n.getInput(0)).mean(true, 2, 3), xs[0], xs[1], 1, 1);
    }
}
