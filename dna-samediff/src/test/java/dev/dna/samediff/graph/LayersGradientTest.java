package dev.dna.samediff.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dna.api.random.Rngs;
import dev.dna.api.spec.Activation;
import dev.dna.api.spec.Upsampling;
import dev.dna.samediff.engine.Quiet;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every op the networks use, gradient-checked in double precision on tiny shapes. */
public class LayersGradientTest {

    public static INDArray random(long seed, long... shape) {
        var g = Rngs.gaussian(Rngs.create(seed));
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = g.sample();
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    /**
     * Builds {@code loss = sum(f(x) * r)} with x a trainable input [2, c, 4, 4] and r a fixed random
     * projection, then checks the gradient of x and of every parameter f created.
     */
    static void checkOp(int c, BiFunction<Layers, SDVariable, SDVariable> f) {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.DOUBLE, Rngs.create(7), "T/");
        SDVariable x = sd.var("x", random(1, 2, c, 4, 4).mul(0.5));
        SDVariable y = f.apply(l, x);
        SDVariable r = sd.constant("r", random(2, y.eval().shape()));
        sd.identity("loss", y.mul(r).sum());
        sd.setLossVariables("loss");
        List<String> params = sd.variables().stream()
                .filter(v -> v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE)
                .map(SDVariable::name).toList();
        GradCheck.check(sd, Map.of(), "loss", params, 12, 1e-5);
    }

    @Test
    void convSameStrideOneAndTwo() {
        checkOp(3, (l, x) -> l.conv("c", x, 3, 4, 3));
        checkOp(3, (l, x) -> l.conv("c", x, 3, 2, 3, 2, false));
        checkOp(3, (l, x) -> l.conv("c", x, 3, 5, 1));
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void activations(Activation a) {
        checkOp(2, (l, x) -> l.activation(x, a));
    }

    /**
     * In float, as in training, far from 0: M2.1's own {@code swish} and {@code gelu} derivatives are NaN for
     * inputs from 44.4 and 26.1 (a long run diverged on it); every activation's gradient must be finite and right
     * there, against {@code f'} computed in double in Java.
     */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void activationGradientsStayFiniteForLargeInputsInFloat(Activation a) {
        double[] xs = {-120, -60, -35, -2, 0.5, 2, 35, 45, 60, 100, 400, 5000};
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.FLOAT, Rngs.create(7), "T/");
        SDVariable x = sd.var("x", Nd4j.createFromArray(xs).castTo(DataType.FLOAT));
        sd.identity("loss", l.activation(x, a).sum());
        sd.setLossVariables("loss");
        double[] got = sd.calculateGradients(Map.of(), "x").get("x").castTo(DataType.DOUBLE).toDoubleVector();
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i];
            double want = switch (a) {
                case RELU -> v > 0 ? 1 : 0;
                case LEAKY_RELU -> v > 0 ? 1 : Activation.LEAKY_SLOPE;
                case TANH -> 1 - Math.tanh(v) * Math.tanh(v);
                case SILU -> gatedDerivative(v, 1);
                case GELU -> gatedDerivative(v, 1.702);
            };
            assertEquals(want, got[i], 1e-5, a + "'(" + v + ")");
        }
    }

    @Test
    void composedSiluAndGeluComputeWhatM21sOpsDo() {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.FLOAT, Rngs.create(7), "T/");
        SDVariable x = sd.var("x", random(3, 256).mul(4).castTo(DataType.FLOAT));
        assertArrayEquals(sd.nn().swish(x).eval().toFloatVector(), l.silu(x).eval().toFloatVector(), 1e-5f, "silu");
        assertArrayEquals(sd.nn().gelu(x).eval().toFloatVector(), l.gelu(x).eval().toFloatVector(), 1e-5f, "gelu");
    }

    /** d/dx of {@code x * sigmoid(k x)}. */
    private static double gatedDerivative(double x, double k) {
        double s = 1 / (1 + Math.exp(-k * x));
        return s + k * x * s * (1 - s);
    }

    @Test
    void poolingAndNearestUpsampling() {
        checkOp(2, (l, x) -> l.avgPool2(x));
        checkOp(2, (l, x) -> l.upsample2("u", x, 2, Upsampling.NEAREST));
    }

    @ParameterizedTest
    @EnumSource(Upsampling.class)
    void upsampling(Upsampling mode) {
        checkOp(3, (l, x) -> l.upsample2("u", x, mode, 2, 3, 4, 4));
    }

    @Test
    void replicatePaddingAndSelect() {
        checkOp(2, (l, x) -> l.replicatePad1(x));
        checkOp(2, (l, x) -> {
            SameDiff sd = l.sameDiff();
            SDVariable m = sd.constant("m", Nd4j.create(new double[] {1, 0}, new long[] {2, 1, 1, 1}, DataType.DOUBLE));
            SDVariable b = sd.math().square(x);
            return sd.concat(1, l.select(m, x, b), l.select(m, b, x));
        });
    }

    @Test
    void groupNormDenseAndSlices() {
        checkOp(4, (l, x) -> l.groupNorm("gn", x, 2, 4, 2, 4, 4));
        checkOp(2, (l, x) -> l.dense("d", l.sameDiff().reshape(x, 2, 32), 32, 5, false));
        checkOp(3, (l, x) -> l.sameDiff().slice(x, new int[] {1, 0, 0, 0}, 1, 3, 4, 4));
    }

    @Test
    void lossBuildingBlocks() {
        // Charbonnier, squared error means, the triplet relu and sqrt of the noise level
        checkOp(3, (l, x) -> {
            SameDiff sd = l.sameDiff();
            SDVariable t = sd.constant("t", random(3, 2, 3, 4, 4));
            SDVariable charb = sd.math().sqrt(sd.math().square(t.sub(x)).add(1e-3)).mean();
            SDVariable mse = sd.math().square(t.sub(x)).mean();
            SDVariable mse2 = sd.math().square(t.add(0.3).sub(x)).mean();
            SDVariable trip = sd.nn().relu(mse.sub(mse2).add(0.5), 0);
            return charb.add(mse.add(trip).mul(0.5)).add(sd.math().sqrt(sd.math().square(x).add(1.0)).sum());
        });
    }

    @Test
    void stopGradientBlocks() {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.DOUBLE, Rngs.create(7), "T/");
        SDVariable x = sd.var("x", random(1, 2, 2));
        SDVariable y = sd.var("y", random(2, 2, 2));
        sd.identity("loss", l.stopGradient(x).mul(y).sum().add(y.sum()));
        sd.setLossVariables("loss");
        Quiet.createGradFunction(sd);
        Map<String, INDArray> g = sd.calculateGradients(Map.of(), "x", "y");
        INDArray gx = g.get("x");
        assertEquals(0.0, gx == null ? 0.0 : gx.sumNumber().doubleValue(), 0.0);
        assertArrayEquals(x.getArr().add(1.0).data().asDouble(), g.get("y").data().asDouble(), 1e-12);
    }

    @Test
    void bilinearEqualsPytorchAlignCornersFalse() {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.DOUBLE, Rngs.create(7), "T/");
        INDArray in = random(3, 1, 2, 3, 5);
        SDVariable x = sd.constant("x", in);
        INDArray out = l.upsample2("u", x, 2, Upsampling.BILINEAR).eval();
        assertArrayEquals(new long[] {1, 2, 6, 10}, out.shape());
        for (int c = 0; c < 2; c++) {
            for (int oy = 0; oy < 6; oy++) {
                for (int ox = 0; ox < 10; ox++) {
                    double sy = Math.max(0, (oy + 0.5) / 2 - 0.5);
                    double sx = Math.max(0, (ox + 0.5) / 2 - 0.5);
                    assertEquals(bilinearAt(in, 0, c, sy, sx), out.getDouble(0, c, oy, ox), 1e-12, "at " + c + "," + oy + "," + ox);
                }
            }
        }
    }

    /**
     * PyTorch's {@code interpolate(scale_factor=2, mode='bilinear', align_corners=True)}: output pixel i of a side
     * of n samples the input at {@code i (n - 1) / (2n - 1)}. Both forms must equal it: the matrix product of the
     * training graph (static sizes) and the resize of the inference graph (sizes known at run time).
     */
    @Test
    void bilinearAlignCornersEqualsPytorchInTrainingAndInferenceGraphs() {
        INDArray in = random(4, 2, 2, 3, 5);
        for (boolean staticShape : new boolean[] {true, false}) {
            SameDiff sd = SameDiff.create();
            Layers l = new Layers(sd, DataType.DOUBLE, Rngs.create(7), "T/");
            INDArray out;
            if (staticShape) {
                out = l.upsample2("u", sd.constant("x", in), Upsampling.BILINEAR_ALIGN_CORNERS, 2, 2, 3, 5).eval();
            } else {
                SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 2, -1, -1);
                SDVariable y = l.upsample2("u", x, 2, Upsampling.BILINEAR_ALIGN_CORNERS);
                out = y.eval(Map.of("x", in.castTo(DataType.FLOAT))).castTo(DataType.DOUBLE);
            }
            assertArrayEquals(new long[] {2, 2, 6, 10}, out.shape());
            double tol = staticShape ? 1e-12 : 1e-5;
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 2; c++) {
                    for (int oy = 0; oy < 6; oy++) {
                        for (int ox = 0; ox < 10; ox++) {
                            double sy = oy * 2.0 / 5.0;
                            double sx = ox * 4.0 / 9.0;
                            assertEquals(bilinearAt(in, n, c, sy, sx), out.getDouble(n, c, oy, ox), tol,
                                    (staticShape ? "static" : "dynamic") + " at " + n + "," + c + "," + oy + "," + ox);
                        }
                    }
                }
            }
        }
    }

    /** {@code in[n, c]} sampled bilinearly at (sy, sx), clamped at the last row and column. */
    private static double bilinearAt(INDArray in, int n, int c, double sy, double sx) {
        int y0 = (int) sy;
        int x0 = (int) sx;
        int y1 = (int) Math.min(y0 + 1, in.size(2) - 1);
        int x1 = (int) Math.min(x0 + 1, in.size(3) - 1);
        double fy = sy - y0;
        double fx = sx - x0;
        return (1 - fy) * ((1 - fx) * in.getDouble(n, c, y0, x0) + fx * in.getDouble(n, c, y0, x1))
                + fy * ((1 - fx) * in.getDouble(n, c, y1, x0) + fx * in.getDouble(n, c, y1, x1));
    }
}
