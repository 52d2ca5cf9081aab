package dev.dna.onnx;

import static dev.dna.onnx.ImportHelpers.*;
import static dev.dna.onnx.ImportContext.f;
import static dev.dna.onnx.ImportContext.i;

import java.util.Arrays;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ONNX importers of normalization (registered in {@link OpImporters}). */
final class NormalizationImporters {
    private NormalizationImporters() {}

    // normalization

    /** Frozen statistics: {@code (x - mean) * gamma / sqrt(var + eps) + beta}, gamma and beta trained. */
    static void batchNorm(ImportContext c, Onnx.NodeProto n) {
        if (i(n, "training_mode", 0) != 0) {
            throw unsupported(n, "training_mode 1 (export the model in eval mode)");
        }
        double eps = f(n, "epsilon", 1e-5f);
        INDArray mean = initializer(c, n, 3, "the running mean");
        INDArray var = initializer(c, n, 4, "the running variance");
        initializer(c, n, 1, "the scale");
        initializer(c, n, 2, "the bias");
        long ch = mean.length();
        String xName = n.getInput(0);
        long[] xs = c.shape(xName);
        SameDiff sd = c.sameDiff();
        INDArray invStd = Nd4j.create(Arrays.stream(OnnxTensors.doubles(var)).map(v -> 1 / Math.sqrt(v + eps)).toArray(), new long[] {ch}, DataType.DOUBLE);
        SDVariable k = c.weight(n.getInput(1)).mul(c.layers().constant(c.freshConstantName("bn_invstd"), invStd));
        SDVariable shift = c.weight(n.getInput(2)).sub(k.mul(c.layers().constant(c.freshConstantName("bn_mean"), mean)));
        c.put(out(n), mulBroadcast(c, c.var(xName), perChannel(c, k, ch), xs).add(perChannel(c, shift, ch)), xs);
    }

    static void instanceNorm(ImportContext c, Onnx.NodeProto n) {
        double eps = f(n, "epsilon", 1e-5f);
        INDArray scale = initializer(c, n, 1, "the scale");
        initializer(c, n, 2, "the bias");
        long ch = scale.length();
        String xName = n.getInput(0);
        long[] xs = c.shape(xName);
        SameDiff sd = c.sameDiff();
        SDVariable x = c.var(xName);
        SDVariable centered = x.sub(x.mean(true, 2, 3));
        SDVariable var = centered.mul(centered).mean(true, 2, 3);
        SDVariable normed = mulBroadcast(c, centered, sd.math().rsqrt(var.add(eps)), xs);
        SDVariable y = mulBroadcast(c, normed, perChannel(c, c.weight(n.getInput(1)), ch), xs).add(perChannel(c, c.weight(n.getInput(2)), ch));
        c.put(out(n), y, xs);
    }
}
