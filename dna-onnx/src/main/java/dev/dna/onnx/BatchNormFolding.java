package dev.dna.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.buffer.DataType;

/** BatchNormalization folded into the convolution before it, at import (exact in inference; the folded weights train). */
final class BatchNormFolding {
    private BatchNormFolding() {}

    /**
     * Folds each BatchNormalization whose input is a Conv or ConvTranspose output read by nothing else into that
     * convolution: {@code W' = W k}, {@code b' = (b - mean) k + beta} per output channel, {@code k = gamma /
     * sqrt(var + eps)}. The convolution then writes the BatchNormalization's output; the node list is returned.
     */
    static List<Onnx.NodeProto> foldBatchNorm(Onnx.GraphProto g, Map<String, INDArray> inits) {
        Map<String, Integer> uses = new HashMap<>();
        Map<String, Integer> producer = new HashMap<>();
        List<Onnx.NodeProto> nodes = new ArrayList<>(g.getNodeList());
        for (int k = 0; k < nodes.size(); k++) {
            for (String i : nodes.get(k).getInputList()) {
                uses.merge(i, 1, Integer::sum);
            }
            for (String o : nodes.get(k).getOutputList()) {
                producer.put(o, k);
            }
        }
        Set<String> outputs = new HashSet<>();
        g.getOutputList().forEach(o -> outputs.add(o.getName()));
        Set<Integer> removed = new HashSet<>();
        for (int k = 0; k < nodes.size(); k++) {
            Onnx.NodeProto bn = nodes.get(k);
            if (!bn.getOpType().equals("BatchNormalization") || ImportContext.i(bn, "training_mode", 0) != 0
                    || bn.getInputCount() < 5 || bn.getOutputCount() != 1) {
                continue;
            }
            String x = bn.getInput(0);
            Integer p = producer.get(x);
            if (p == null || uses.getOrDefault(x, 0) != 1 || outputs.contains(x)) {
                continue;
            }
            Onnx.NodeProto conv = nodes.get(p);
            boolean transposed = conv.getOpType().equals("ConvTranspose");
            if (!(conv.getOpType().equals("Conv") || transposed) || (transposed && ImportContext.i(conv, "group", 1) != 1)) {
                continue;
            }
            String wName = conv.getInput(1);
            INDArray wt = inits.get(wName);
            boolean hasBias = ImportContext.has(conv, 2);
            if (wt == null || uses.getOrDefault(wName, 0) != 1 || (hasBias && (inits.get(conv.getInput(2)) == null
                    || uses.getOrDefault(conv.getInput(2), 0) != 1))) {
                continue;
            }
            INDArray gamma = inits.get(bn.getInput(1));
            INDArray beta = inits.get(bn.getInput(2));
            INDArray mean = inits.get(bn.getInput(3));
            INDArray var = inits.get(bn.getInput(4));
            if (gamma == null || beta == null || mean == null || var == null) {
                continue;
            }
            double eps = ImportContext.f(bn, "epsilon", 1e-5f);
            long ch = mean.length();
            double[] kk = new double[(int) ch];
            double[] bias = new double[(int) ch];
            double[] b0 = hasBias ? OnnxTensors.doubles(inits.get(conv.getInput(2))) : new double[(int) ch];
            double[] ga = OnnxTensors.doubles(gamma);
            double[] be = OnnxTensors.doubles(beta);
            double[] mu = OnnxTensors.doubles(mean);
            double[] va = OnnxTensors.doubles(var);
            for (int cIdx = 0; cIdx < ch; cIdx++) {
                kk[cIdx] = ga[cIdx] / Math.sqrt(va[cIdx] + eps);
                bias[cIdx] = (b0[cIdx] - mu[cIdx]) * kk[cIdx] + be[cIdx];
            }
            INDArray w2 = wt.castTo(DataType.DOUBLE).dup('c');
            int axis = transposed ? 1 : 0;
            if (w2.size(axis) != ch) {
                continue;
            }
            for (int cIdx = 0; cIdx < ch; cIdx++) {
                INDArray slice = axis == 0 ? w2.get(NDArrayIndex.point(cIdx), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
                        : w2.get(NDArrayIndex.all(), NDArrayIndex.point(cIdx), NDArrayIndex.all(), NDArrayIndex.all());
                slice.muli(kk[cIdx]);
            }
            inits.put(wName, w2);
            String biasName = hasBias ? conv.getInput(2) : wName + "/folded_bias";
            inits.put(biasName, Nd4j.create(bias, new long[] {ch}, DataType.DOUBLE));
            Onnx.NodeProto.Builder nb = conv.toBuilder().setOutput(0, bn.getOutput(0));
            if (hasBias) {
                nb.setInput(2, biasName);
            } else if (conv.getInputCount() == 2) {
                nb.addInput(biasName);
            } else {
                nb.setInput(2, biasName);
            }
            nodes.set(p, nb.build());
            removed.add(k);
        }
        List<Onnx.NodeProto> result = new ArrayList<>();
        for (int k = 0; k < nodes.size(); k++) {
            if (!removed.contains(k)) {
                result.add(nodes.get(k));
            }
        }
        return result;
    }
}
