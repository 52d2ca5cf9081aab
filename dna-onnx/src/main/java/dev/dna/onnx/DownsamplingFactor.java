package dev.dna.onnx;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What an imported restorer's input height and width must be multiples of, read off its graph: strides, SpaceToDepth, torch's reshape-based PixelUnshuffle, and the window or patch sizes that heights and widths are divided by. */
final class DownsamplingFactor {
    private DownsamplingFactor() {}

    /** The cumulative stride of the deepest tensor: what H and W must be multiples of. */
    static int downsamplingFactor(Onnx.GraphProto g) {
        Map<String, Double> factor = new HashMap<>();
        Map<String, INDArray> consts = new HashMap<>();
        for (Onnx.TensorProto t : g.getInitializerList()) {
            if (t.getDimsCount() <= 1) {
                try {
                    consts.put(t.getName(), OnnxTensors.toArray(t));
                } catch (IllegalArgumentException ignored) {
                    // not a value that sets a scale
                }
            }
        }
        double worst = 1;
        Set<String> shapes = new HashSet<>(); // outputs of Shape
        Map<String, Long> spatial = new HashMap<>(); // a size read from a Shape: its axis (through Gather, Cast, Unsqueeze)
        for (Onnx.NodeProto n : g.getNodeList()) {
            switch (n.getOpType()) {
                case "Constant" -> {
                    if (n.getAttributeCount() == 1 && n.getAttribute(0).hasT()) {
                        try {
                            consts.put(n.getOutput(0), OnnxTensors.toArray(n.getAttribute(0).getT()));
                        } catch (IllegalArgumentException ignored) {
                            // not a value read here
                        }
                    }
                }
                case "Shape" -> shapes.add(n.getOutput(0));
                case "Gather" -> {
                    INDArray ix = ImportContext.has(n, 1) ? consts.get(n.getInput(1)) : null;
                    if (shapes.contains(n.getInput(0)) && ix != null && ix.length() == 1) {
                        spatial.put(n.getOutput(0), ix.getLong(0));
                    }
                }
                case "Cast", "Unsqueeze" -> {
                    if (spatial.containsKey(n.getInput(0))) {
                        spatial.put(n.getOutput(0), spatial.get(n.getInput(0)));
                    }
                }
                case "Div" -> { // a height or width divided by a window or patch size: what H and W must be multiples of
                    INDArray d = ImportContext.has(n, 1) ? consts.get(n.getInput(1)) : null;
                    Long axis = spatial.get(n.getInput(0));
                    if (axis != null && axis >= 2 && d != null && d.length() == 1 && d.getDouble(0) > 1) {
                        worst = lcm((long) worst, (long) d.getDouble(0));
                    }
                }
                default -> { }
            }
        }
        for (Onnx.NodeProto n : g.getNodeList()) {
            double f = 1;
            for (String i : n.getInputList()) {
                f = Math.max(f, factor.getOrDefault(i, 1.0));
            }
            switch (n.getOpType()) {
                case "Conv", "MaxPool", "AveragePool" -> {
                    long[] st = ImportContext.ints(n, "strides", 1, 1);
                    f *= Math.max(st[0], st.length > 1 ? st[1] : st[0]);
                }
                case "SpaceToDepth" -> f *= Math.max(1, ImportContext.i(n, "blocksize", 1));
                case "Reshape" -> { // torch's PixelUnshuffle splits a size in two: copies (0) but one -1 followed by r
                    INDArray t = ImportContext.has(n, 1) ? consts.get(n.getInput(1)) : null;
                    if (t != null) {
                        long[] v = OnnxTensors.longs(t);
                        for (int k = 0; k + 1 < v.length; k++) {
                            final int kk = k;
                            boolean copies = java.util.stream.IntStream.range(0, v.length)
                                    .allMatch(q -> q == kk || q == kk + 1 || v[q] == 0);
                            if (v[k] == -1 && v[k + 1] > 1 && copies) {
                                f *= v[k + 1];
                            }
                        }
                    }
                }
                case "DepthToSpace" -> f /= Math.max(1, ImportContext.i(n, "blocksize", 1));
                case "ConvTranspose" -> {
                    long[] st = ImportContext.ints(n, "strides", 1, 1);
                    f /= Math.max(st[0], st.length > 1 ? st[1] : st[0]);
                }
                case "Resize", "Upsample" -> {
                    int si = n.getOpType().equals("Upsample") || n.getInputCount() == 2 ? 1 : 2;
                    INDArray s = ImportContext.has(n, si) ? consts.get(n.getInput(si)) : null;
                    if (s != null && s.length() == 4) {
                        double[] v = OnnxTensors.doubles(s);
                        f /= Math.max(1, Math.min(v[2], v[3]));
                    }
                }
                case "Constant" -> {
                    if (n.getAttributeCount() == 1 && n.getAttribute(0).getName().equals("value")) {
                        consts.put(n.getOutput(0), OnnxTensors.toArray(n.getAttribute(0).getT()));
                    }
                }
                default -> { }
            }
            for (String o : n.getOutputList()) {
                factor.put(o, f);
            }
            worst = Math.max(worst, f);
        }
        return (int) Math.max(1, Math.round(worst));
    }

    private static long lcm(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }
}
