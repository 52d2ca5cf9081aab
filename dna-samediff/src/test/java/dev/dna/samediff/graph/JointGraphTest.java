package dev.dna.samediff.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Diffusion;
import dev.dna.api.Restorers;
import dev.dna.api.adapt.ChannelShuffle;
import dev.dna.api.adapt.ResidualSwap;
import dev.dna.api.image.ImageBatch;
import dev.dna.samediff.training.Feeder;
import dev.dna.samediff.training.TrainingStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

public class JointGraphTest {

    public static AdaptationPlan tiny(boolean detach) {
        return Adaptation.of(Restorers.unet(4, 1))
                .withDiffusion(Diffusion.unet(4).multipliers(1, 2).resBlocks(1).groups(2).middleAttention(true).dropout(0.2))
                .channelShuffle()
                .residualSwap()
                .detachConditions(detach)
                .patchSize(8)
                .batchSize(2)
                .seed(3)
                .build();
    }

    public static ImageBatch images(long seed, int n, int s) {
        INDArray a = LayersGradientTest.random(seed, n, 3, s, s).mul(0.2).add(0.5);
        return batch(a);
    }

    static ImageBatch batch(INDArray a) {
        long[] sh = a.shape();
        return ImageBatch.of((int) sh[0], (int) sh[1], (int) sh[2], (int) sh[3], a.castTo(DataType.FLOAT).data().asFloat());
    }

    public static Map<String, INDArray> feed(JointGraph g, long seed, double lambda) {
        int b = g.batch;
        int s = g.size;
        return new Feeder(g, DataType.DOUBLE).feed(images(seed, b, s), images(seed + 1, b, s), images(seed + 2, b, s),
                new TrainingStreams(seed), lambda);
    }

    static boolean[] swapped(INDArray keep) {
        boolean[] out = new boolean[(int) keep.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = keep.getDouble(i) == 0.0;
        }
        return out;
    }

    @Test
    void graphShuffleAndSwapAgreeWithTheReferenceFunctions() {
        JointGraph g = JointGraph.build(tiny(false), DataType.DOUBLE);
        for (long seed = 0; seed < 4; seed++) {
            Map<String, INDArray> f = feed(g, seed * 10, 0.5);
            Map<String, INDArray> out = g.sd.output(f, JointGraph.X_T, JointGraph.COND_POS, JointGraph.COND_NEG,
                    JointGraph.RESTORED_SYNTHETIC, JointGraph.RESTORED_REAL);
            ImageBatch xs = batch(f.get(JointGraph.XS));
            ImageBatch xr = batch(f.get(JointGraph.XR));
            ImageBatch ys = batch(f.get(JointGraph.YS));
            ImageBatch eps = batch(f.get(JointGraph.EPS));
            ImageBatch yhatS = batch(out.get(JointGraph.RESTORED_SYNTHETIC));
            ImageBatch yhatR = batch(out.get(JointGraph.RESTORED_REAL));
            // x_t = sqrt(g) y_s + sqrt(1 - g) eps
            INDArray level = f.get(JointGraph.LEVEL);
            INDArray xt = out.get(JointGraph.X_T);
            for (int i = 0; i < g.batch; i++) {
                double lv = level.getDouble(i);
                assertTrue(lv > 0 && lv < 1);
                assertEquals(Math.sqrt(lv) * ys.get(i, 1, 2, 3) + Math.sqrt(1 - lv) * eps.get(i, 1, 2, 3),
                        xt.getDouble(i, 1, 2, 3), 1e-6);
            }
            ImageBatch xtB = batch(xt);
            ImageBatch posRef = ChannelShuffle.apply(ImageBatch.concatChannels(xtB, yhatS, yhatR),
                    swapped(f.get(JointGraph.KEEP1)));
            ResidualSwap.Pair neg = ResidualSwap.swap(xs, xr, yhatS, yhatR);
            ImageBatch negRef = ChannelShuffle.apply(ImageBatch.concatChannels(xtB, neg.synthetic(), neg.real()),
                    swapped(f.get(JointGraph.KEEP2)));
            assertArrayEquals(posRef.toArray(), batch(out.get(JointGraph.COND_POS)).toArray(), 1e-6f);
            assertArrayEquals(negRef.toArray(), batch(out.get(JointGraph.COND_NEG)).toArray(), 1e-6f);
        }
    }

    @Test
    void composedLossGradientIsCorrectForBothNets() {
        JointGraph g = JointGraph.build(tiny(false), DataType.DOUBLE);
        Map<String, INDArray> f = feed(g, 5, 0.7);
        // lift the zero-initialized output convolutions so that every path carries gradient
        for (String p : g.parameterNames()) {
            INDArray w = g.sd.getVariable(p).getArr();
            if (w.sumNumber().doubleValue() == 0 && p.endsWith("/W")) {
                w.assign(LayersGradientTest.random(p.hashCode(), w.shape()).mul(0.1));
            }
        }
        List<String> params = g.parameterNames();
        assertTrue(params.stream().anyMatch(p -> p.startsWith("G/")) && params.stream().anyMatch(p -> p.startsWith("D/")));
        double worst = GradCheck.check(g.sd, f, JointGraph.LOSS, params, 3, 1e-4);
        assertTrue(worst < 1e-4, "worst relative error " + worst);
    }

    /** d(loss)/dG at lambda = 1 minus at lambda = 0: the part of G's gradient that the diffusion loss sends. */
    static double diffusionGradientIntoRestorer(AdaptationPlan plan) {
        JointGraph g = JointGraph.build(plan, DataType.DOUBLE);
        List<String> gParams = g.restorerParameterNames();
        Map<String, INDArray> with = new java.util.HashMap<>(feed(g, 9, 1.0));
        Map<String, INDArray> without = new java.util.HashMap<>(with);
        without.put(JointGraph.LAMBDA, org.nd4j.linalg.factory.Nd4j.scalar(DataType.DOUBLE, 0.0));
        // non-zero diffusion outputs, so that the noise loss depends on the conditions at all
        for (String p : g.parameterNames()) {
            INDArray w = g.sd.getVariable(p).getArr();
            if (p.startsWith("D/") && p.endsWith("/W") && w.sumNumber().doubleValue() == 0) {
                w.assign(LayersGradientTest.random(p.hashCode(), w.shape()).mul(0.1));
            }
        }
        Map<String, INDArray> a = g.sd.calculateGradients(with, gParams.toArray(String[]::new));
        Map<String, INDArray> b = g.sd.calculateGradients(without, gParams.toArray(String[]::new));
        double sq = 0;
        for (String p : gParams) {
            sq += a.get(p).sub(b.get(p)).norm2Number().doubleValue() * a.get(p).sub(b.get(p)).norm2Number().doubleValue();
        }
        return Math.sqrt(sq);
    }

    @Test
    void diffusionLossTrainsTheRestorerUnlessDetached() {
        double method = diffusionGradientIntoRestorer(tiny(false));
        double detached = diffusionGradientIntoRestorer(tiny(true));
        assertTrue(method > 1e-6, "the diffusion loss must reach the restorer's weights, got gradient norm " + method);
        assertEquals(0.0, detached, 1e-12, "a detached variant must not train the restorer through the diffusion loss");
    }

    @Test
    void everyVariantStartsFromTheSameRestorer() {
        AdaptationPlan full = tiny(false);
        List<INDArray> first = new ArrayList<>();
        for (var variant : full.ablations().values()) {
            JointGraph g = JointGraph.build(variant, DataType.FLOAT);
            List<String> names = g.restorerParameterNames();
            if (first.isEmpty()) {
                names.forEach(n -> first.add(g.sd.getVariable(n).getArr().dup()));
            } else {
                for (int i = 0; i < names.size(); i++) {
                    assertEquals(first.get(i), g.sd.getVariable(names.get(i)).getArr(), names.get(i));
                }
            }
            if (!variant.usesDiffusion()) {
                assertFalse(g.parameterNames().stream().anyMatch(p -> p.startsWith("D/")));
                assertEquals(List.of(JointGraph.LOSS, JointGraph.L_RES), g.lossTerms);
            }
        }
    }
}
