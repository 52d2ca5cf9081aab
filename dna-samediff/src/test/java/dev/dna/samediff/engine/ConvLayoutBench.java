package dev.dna.samediff.engine;

import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How long M2.1's 3x3 convolution (oneDNN) takes in each data layout, on the same values: NCHW, the layout of every dna
 * graph, against NHWC, with the weights in dna's YXIO and in the layout oneDNN favours. A diagnostic program, not a test
 * (docs/performance.md quotes it):
 *
 * <pre>
 * mvn -q -o -pl dna-samediff -am test-compile
 * mvn -q -o -pl dna-samediff org.codehaus.mojo:exec-maven-plugin:3.5.1:java -Dexec.mainClass=dev.dna.samediff.engine.ConvLayoutBench \
 *     -Dexec.classpathScope=test -Dexec.args="BATCH SIDE CHANNELS REPS"      # e.g. "1 512 32 5", "8 48 16 50"
 * </pre>
 */
public final class ConvLayoutBench {
    private ConvLayoutBench() {}

    /** Milliseconds per call, the mean of {@code reps} after one warm-up call. */
    static double millis(INDArray x, INDArray w, Conv2DConfig c, int reps) {
        Nd4j.exec(new Conv2D(new INDArray[] {x, w}, null, c));
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            Nd4j.exec(new Conv2D(new INDArray[] {x, w}, null, c));
        }
        return (System.nanoTime() - t0) / 1e6 / reps;
    }

    public static void main(String[] a) {
        int n = Integer.parseInt(a[0]);
        int side = Integer.parseInt(a[1]);
        int c = Integer.parseInt(a[2]);
        int reps = Integer.parseInt(a[3]);
        INDArray nchw = Nd4j.rand(DataType.FLOAT, n, c, side, side);
        INDArray nhwc = nchw.permute(0, 2, 3, 1).dup();
        INDArray yxio = Nd4j.rand(DataType.FLOAT, 3, 3, c, c);
        INDArray oiyx = yxio.permute(3, 2, 0, 1).dup();
        INDArray oyxi = yxio.permute(3, 0, 1, 2).dup();
        Conv2DConfig.Conv2DConfigBuilder b = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).paddingMode(PaddingMode.SAME);
        double[] ms = {
            millis(nchw, yxio, b.dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build(), reps),
            millis(nchw, oiyx, b.dataFormat("NCHW").weightsFormat(WeightsFormat.OIYX).build(), reps),
            millis(nhwc, yxio, b.dataFormat("NHWC").weightsFormat(WeightsFormat.YXIO).build(), reps),
            millis(nhwc, oyxi, b.dataFormat("NHWC").weightsFormat(WeightsFormat.OYXI).build(), reps),
            millis(nchw, yxio, b.dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build(), reps)};
        System.out.printf("[%d, %d, %d, %d], 3x3, %d reps: NCHW/YXIO %.1f ms, NCHW/OIYX %.1f, NHWC/YXIO %.1f, NHWC/OYXI %.1f, "
                + "NCHW/YXIO again %.1f; NCHW/YXIO over NHWC/YXIO %.2f%n", n, c, side, side, reps, ms[0], ms[1], ms[2], ms[3], ms[4],
                (ms[0] + ms[4]) / 2 / ms[2]);
    }
}
