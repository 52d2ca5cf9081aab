package dev.dna.onnx;

import static dev.dna.onnx.ConversionContext.intAttr;
import static dev.dna.onnx.ConversionContext.ints;
import static dev.dna.onnx.ConversionContext.stringAttr;
import static dev.dna.onnx.OpConverters.iArgs;
import static dev.dna.onnx.OpConverters.unsupported;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;

/** SameDiff-to-ONNX converters of convolution ops (registered in {@link OpConverters}). */
final class ConvolutionConverters {
    private ConvolutionConverters() {}

    static INDArray weights(ConversionContext c, SameDiffOp op, int index) {
        String name = c.inputs(op)[index];
        INDArray w = c.constantValue(name);
        if (w == null) {
            throw unsupported(op, "input " + index + " ('" + name + "') must be a weight (variable or constant), not computed");
        }
        return w;
    }

    static void conv2d(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        String[] in = c.inputs(op);
        if (a.length < 11 || a[9] != 0 || a[10] != 0) {
            throw unsupported(op, "only NCHW data with YXIO weights is supported, iArgs " + java.util.Arrays.toString(a));
        }
        INDArray w = weights(c, op, 1).permute(3, 2, 0, 1);
        List<String> inputs = new ArrayList<>(List.of(in[0], c.floatInitializer(in[1] + "/oihw", w)));
        if (in.length > 2) {
            inputs.add(c.floatInitializer(in[2], weights(c, op, 2)));
        }
        var n = c.node("Conv", inputs.toArray(String[]::new), c.outputs(op))
                .addAttribute(ints("kernel_shape", a[0], a[1])).addAttribute(ints("strides", a[2], a[3]))
                .addAttribute(ints("dilations", a[6], a[7]));
        padding(op, n, a[8] == 1, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    }

    /** SAME with stride 1 and odd kernels: symmetric explicit pads; SAME otherwise: SAME_UPPER; VALID: pads. */
    static void padding(SameDiffOp op, onnx.Onnx.NodeProto.Builder n, boolean same, long kh, long kw, long sh,
            long sw, long ph, long pw, long dh, long dw) {
        if (!same) {
            n.addAttribute(ints("pads", ph, pw, ph, pw));
            return;
        }
        long ekh = (kh - 1) * dh + 1;
        long ekw = (kw - 1) * dw + 1;
        if (sh == 1 && sw == 1 && ekh % 2 == 1 && ekw % 2 == 1) {
            n.addAttribute(ints("pads", ekh / 2, ekw / 2, ekh / 2, ekw / 2));
        } else {
            n.addAttribute(stringAttr("auto_pad", "SAME_UPPER"));
        }
    }

    static void depthwise(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        String[] in = c.inputs(op);
        if (a.length < 10 || a[9] != 0) {
            throw unsupported(op, "only NCHW depthwise convolution is supported, iArgs " + java.util.Arrays.toString(a));
        }
        INDArray w = weights(c, op, 1);
        long ch = w.size(2);
        long mult = w.size(3);
        INDArray onnxW = w.permute(2, 3, 0, 1).dup('c').reshape(ch * mult, 1, w.size(0), w.size(1));
        List<String> inputs = new ArrayList<>(List.of(in[0], c.floatInitializer(in[1] + "/grouped", onnxW)));
        if (in.length > 2) {
            inputs.add(c.floatInitializer(in[2], weights(c, op, 2)));
        }
        var n = c.node("Conv", inputs.toArray(String[]::new), c.outputs(op))
                .addAttribute(ints("kernel_shape", a[0], a[1])).addAttribute(ints("strides", a[2], a[3]))
                .addAttribute(ints("dilations", a[6], a[7])).addAttribute(intAttr("group", ch));
        padding(op, n, a[8] == 1, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    }

    static void deconv2d(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        String[] in = c.inputs(op);
        if (a.length < 10 || a[8] != 0 || a[9] != 0 || a[4] != 0 || a[5] != 0) {
            throw unsupported(op, "only VALID, unpadded NCHW transposed convolution is supported, iArgs "
                    + java.util.Arrays.toString(a));
        }
        INDArray w = weights(c, op, 1).permute(3, 2, 0, 1);
        List<String> inputs = new ArrayList<>(List.of(in[0], c.floatInitializer(in[1] + "/iohw", w)));
        if (in.length > 2) {
            inputs.add(c.floatInitializer(in[2], weights(c, op, 2)));
        }
        c.node("ConvTranspose", inputs.toArray(String[]::new), c.outputs(op))
                .addAttribute(ints("kernel_shape", a[0], a[1])).addAttribute(ints("strides", a[2], a[3]))
                .addAttribute(ints("dilations", a[6], a[7]));
    }

    static void pool(ConversionContext c, SameDiffOp op, String type) {
        long[] a = iArgs(op);
        if (a.length < 11 || a[8] != 0 || a[10] != 0 || a[4] != 0 || a[5] != 0 || a[6] != 1 || a[7] != 1) {
            throw unsupported(op, "only VALID, unpadded, undilated NCHW pooling is supported, iArgs " + java.util.Arrays.toString(a));
        }
        c.node(type, c.inputs(op), c.outputs(op)).addAttribute(ints("kernel_shape", a[0], a[1]))
                .addAttribute(ints("strides", a[2], a[3]));
    }
}
