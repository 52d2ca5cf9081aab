package dev.dna.onnx;

import static dev.dna.onnx.ConversionContext.intAttr;
import static dev.dna.onnx.ConversionContext.stringAttr;
import static dev.dna.onnx.OpConverters.constantOrInput;
import static dev.dna.onnx.OpConverters.iArgs;
import static dev.dna.onnx.OpConverters.unsupported;

import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/** SameDiff-to-ONNX converters of resampling ops (registered in {@link OpConverters}). */
final class ResamplingConverters {
    private ResamplingConverters() {}

    static void upsampling(ConversionContext c, SameDiffOp op) {
        long[] a = iArgs(op);
        if (a.length < 3 || a[2] != 1) {
            throw unsupported(op, "only NCHW nearest upsampling is supported, iArgs " + java.util.Arrays.toString(a));
        }
        String scales = c.fresh("scales");
        float[] s = {1f, 1f, a[0], a[1]};
        c.floatInitializer(scales, org.nd4j.linalg.factory.Nd4j.create(s, new long[] {4}, 'c'));
        c.node("Resize", new String[] {c.inputs(op)[0], "", scales}, c.outputs(op))
                .addAttribute(stringAttr("mode", "nearest"))
                .addAttribute(stringAttr("coordinate_transformation_mode", "asymmetric"))
                .addAttribute(stringAttr("nearest_mode", "floor"));
    }

    /**
     * ND4J's {@code resize_bilinear} (NHWC input, output size [newH, newW] as a tensor or as iArgs) to ONNX Resize
     * with {@code sizes} [N, newH, newW, C]; corners aligned, half-pixel centres or TensorFlow's asymmetric mapping
     * as its boolean arguments say.
     */
    static void resizeBilinear(ConversionContext c, SameDiffOp op) {
        boolean[] b = op.getOp() instanceof DynamicCustomOp d ? d.bArgs() : new boolean[0];
        long[] a = iArgs(op);
        boolean alignCorners = b.length > 0 && b[0];
        boolean halfPixel = b.length > 1 && b[1];
        String[] in = c.inputs(op);
        String hw;
        if (in.length > 1) {
            hw = in[1];
        } else if (a.length >= 2) {
            hw = c.longInitializer("size", a[0], a[1]);
        } else {
            throw unsupported(op, "resize_bilinear without an output size");
        }
        String shape = c.fresh("shape");
        c.node("Shape", new String[] {in[0]}, shape);
        String n = c.fresh("n");
        c.node("Slice", new String[] {shape, c.longInitializer("starts", 0), c.longInitializer("ends", 1)}, n);
        String ch = c.fresh("c");
        c.node("Slice", new String[] {shape, c.longInitializer("starts", 3), c.longInitializer("ends", 4)}, ch);
        String hw64 = c.fresh("hw");
        c.node("Cast", new String[] {hw}, hw64).addAttribute(intAttr("to", onnx.Onnx.TensorProto.DataType.INT64.getNumber()));
        String sizes = c.fresh("sizes");
        c.node("Concat", new String[] {n, hw64, ch}, sizes).addAttribute(intAttr("axis", 0));
        c.node("Resize", new String[] {in[0], "", "", sizes}, c.outputs(op))
                .addAttribute(stringAttr("mode", "linear"))
                .addAttribute(stringAttr("coordinate_transformation_mode",
                        alignCorners ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric"));
    }

    /** M2.1's depth_to_space / space_to_depth (iArgs: block size, then 0 for NCHW): ONNX's DCR order. */
    static void blockOp(ConversionContext c, SameDiffOp op, String type) {
        long[] a = iArgs(op);
        if (a.length < 2 || a[1] != 0) {
            throw unsupported(op, type + " needs NCHW data and a static block size, iArgs " + java.util.Arrays.toString(a));
        }
        var n = c.node(type, new String[] {constantOrInput(c, op, 0)}, c.outputs(op)).addAttribute(intAttr("blocksize", a[0]));
        if (type.equals("DepthToSpace")) {
            n.addAttribute(stringAttr("mode", "DCR"));
        }
    }
}
