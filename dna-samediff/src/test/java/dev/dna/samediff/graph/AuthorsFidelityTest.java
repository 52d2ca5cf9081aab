package dev.dna.samediff.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Ablation;
import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Diffusion;
import dev.dna.api.Restorers;
import dev.dna.api.random.Rngs;
import dev.dna.api.spec.DiffusionSpec;
import dev.dna.samediff.TrainedRestorer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The defaults follow the authors' code (KangLiao929/Noise-DA; ../shared/FIDELITY-AUDIT.md), each checked by a figure
 * measured on their code or read off it, and the ablation variants differ only in the trick each names.
 */
public class AuthorsFidelityTest {

    private static long parameterCount(SameDiff sd, String prefix) {
        long n = 0;
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && v.name().startsWith(prefix)) {
                n += v.getArr().length();
            }
        }
        return n;
    }

    private static SameDiff epsNet(DiffusionSpec spec, long n, long size) {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.FLOAT, Rngs.stream(0, "init/diffusion"), JointGraph.DIFFUSION_PREFIX);
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, n, 9, size, size);
        SDVariable g = sd.placeHolder("g", DataType.FLOAT, n);
        EpsNet.build(l, spec, x, g, n, size);
        return sd;
    }

    /** {@code RestorationNet(depth=4, wf=64)} of models/net/UNet.py: sum(p.numel()) = 8,559,171 in PyTorch. */
    @Test
    void referenceRestorerHasTheAuthorsParameterCount() {
        AdaptationPlan plan = Adaptation.of(Restorers.referenceUnet()).build();
        SameDiff sd = TrainedRestorer.initial(plan).sameDiff();
        assertEquals(8_559_171L, parameterCount(sd, "G/"));
        // the decoder's conv_up (2 out -> out channels, 3x3) and the 3x3 last convolution
        assertArrayEquals(new long[] {3, 3, 512, 256}, sd.getVariable("G/up2_conv/W").getArr().shape());
        assertArrayEquals(new long[] {3, 3, 512, 256}, sd.getVariable("G/dec2a/W").getArr().shape());
        assertArrayEquals(new long[] {3, 3, 64, 3}, sd.getVariable("G/out/W").getArr().shape());
    }

    /**
     * The guided-diffusion UNet of the authors' options_train.json (inner 64, mults 1/2/4/8, 2 res blocks, attention at
     * 16 (only the middle block's is reached), resblock_updown, scale-shift norm): 62,643,075 parameters in PyTorch.
     */
    @Test
    void referenceNoisePredictorHasTheAuthorsParameterCount() {
        SameDiff sd = epsNet(DiffusionSpec.reference(), 1, 64);
        assertEquals(62_643_075L, parameterCount(sd, "D/"));
        assertEquals(null, sd.getVariable("D/down0/W"), "down-sampling is a ResBlock, not a strided convolution");
    }

    /**
     * The authors' init_weights (core/base_network.py: kaiming_normal_(a=0, mode='fan_in') on every Conv and Linear,
     * zero bias) runs after construction and overwrites guided-diffusion's zero_module: the output convolution, each
     * ResBlock's second convolution and the attention projection start Kaiming-normal, not zero.
     */
    @Test
    void noisePredictorStartsKaimingEverywhereAsAfterTheAuthorsInitWeights() {
        DiffusionSpec spec = Diffusion.unet(64).multipliers(1, 2).resBlocks(1).middleAttention(true);
        SameDiff sd = epsNet(spec, 1, 16);
        int checked = 0;
        for (SDVariable v : sd.variables()) {
            String name = v.name();
            if (v.getVariableType() != VariableType.VARIABLE) {
                continue;
            }
            INDArray w = v.getArr();
            if (name.endsWith("/b")) {
                assertEquals(0.0, w.amaxNumber().doubleValue(), 0.0, name + " starts at zero");
            } else if (name.endsWith("/W")) {
                long fanIn = w.length() / w.size(w.rank() - 1); // YXIO and [in, out]: all but the last dimension
                double std = w.stdNumber().doubleValue();
                double expected = Math.sqrt(2.0 / fanIn);
                if (w.length() >= 2000) {
                    assertEquals(expected, std, 0.1 * expected, name + ": Kaiming-normal std sqrt(2 / fan_in)");
                }
                assertTrue(std > 0, name + " must not start at zero");
                checked++;
            }
        }
        assertTrue(sd.getVariable("D/out/W").getArr().stdNumber().doubleValue() > 0);
        assertTrue(sd.getVariable("D/attn/proj/W").getArr().stdNumber().doubleValue() > 0);
        assertTrue(sd.getVariable("D/res0/conv2/W").getArr().stdNumber().doubleValue() > 0);
        assertTrue(checked > 20, "weights checked: " + checked);

        SameDiff zero = epsNet(spec.zeroInitOutputs(true), 1, 16);
        for (String n : List.of("D/out/W", "D/attn/proj/W", "D/res0/conv2/W")) {
            assertEquals(0.0, zero.getVariable(n).getArr().amaxNumber().doubleValue(), 0.0, n + " with zeroInitOutputs");
        }
    }

    /** The restorer gradient of lambda * L_noise alone (res_weight 0), at lambda 1. */
    private static Map<String, INDArray> noiseGradient(JointGraph g, Map<String, INDArray> feed) {
        return noiseOnly(g, feed, g.restorerParameterNames());
    }

    /**
     * Issue 16, item 1: once the triplet hinge is inactive, the full variant and the shuffle-only variant must pull on
     * the restorer alike (one normalisation, L_noise = 0.5 (mse_pos + hinge), the hinge absent without swap), given the
     * same images, noise, levels, shuffle masks and dropout masks. With L_noise = mse_pos without swap they differed 2x.
     */
    @Test
    void shuffleAndFullSendTheSameDiffusionGradientIntoTheRestorerWhenTheHingeIsInactive() {
        AdaptationPlan full = Adaptation.of(Restorers.unet(4, 1))
                .withDiffusion(Diffusion.unet(4).multipliers(1, 2).resBlocks(1).groups(2).middleAttention(true).dropout(0.2))
                .channelShuffle()
                .residualSwap()
                .tripletMargin(0)
                .patchSize(8)
                .batchSize(2)
                .seed(3)
                .build();
        JointGraph fullGraph = JointGraph.build(full, DataType.DOUBLE);
        JointGraph shuffleGraph = JointGraph.build(full.ablation(Ablation.SHUFFLE), DataType.DOUBLE);
        int tried = 0;
        for (long seed = 0; seed < 40 && tried < 3; seed++) {
            Map<String, INDArray> f = JointGraphTest.feed(fullGraph, 100 + seed, 1.0);
            Map<String, INDArray> out = fullGraph.sd.output(f, JointGraph.MSE_POS, JointGraph.MSE_NEG);
            double pos = out.get(JointGraph.MSE_POS).getDouble(0);
            double neg = out.get(JointGraph.MSE_NEG).getDouble(0);
            if (pos - neg >= -1e-3) {
                continue; // the hinge relu(mse_pos - mse_neg + 0) is active (or at its kink) on these draws
            }
            tried++;
            Map<String, INDArray> s = new HashMap<>();
            for (String k : List.of(JointGraph.XS, JointGraph.YS, JointGraph.XR, JointGraph.EPS, JointGraph.LEVEL,
                    JointGraph.KEEP1)) {
                s.put(k, f.get(k));
            }
            // the shuffle variant's single pass is the full variant's positive pass: the first B of each dropout mask
            for (EpsNet.DropoutMask m : shuffleGraph.dropoutMasks) {
                INDArray fm = f.get(m.name());
                s.put(m.name(), fm.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, m.shape()[0])).dup());
            }
            assertEquals(pos, shuffleGraph.sd.output(withLoss(s), JointGraph.MSE_POS).get(JointGraph.MSE_POS).getDouble(0),
                    1e-12, "same draws, same positive pass");
            Map<String, INDArray> gf = noiseGradient(fullGraph, f);
            Map<String, INDArray> gs = noiseGradient(shuffleGraph, withLoss(s));
            double norm = 0;
            for (String p : fullGraph.restorerParameterNames()) {
                double scale = Math.max(1e-12, gf.get(p).norm2Number().doubleValue());
                assertEquals(0.0, gf.get(p).sub(gs.get(p)).norm2Number().doubleValue() / scale, 1e-9, p);
                norm += gf.get(p).norm2Number().doubleValue();
            }
            assertTrue(norm > 1e-8, "the diffusion loss reaches the restorer");
        }
        assertTrue(tried >= 3, "too few draws with an inactive hinge: " + tried);
    }

    /** Gradients of lambda L_noise alone (lambda 1, res_weight 0) for every parameter of {@code g}. */
    private static Map<String, INDArray> noiseOnly(JointGraph g, Map<String, INDArray> feed) {
        return noiseOnly(g, feed, g.parameterNames());
    }

    private static Map<String, INDArray> noiseOnly(JointGraph g, Map<String, INDArray> feed, List<String> params) {
        return g.sd.calculateGradients(withLoss(feed, 0.0), params.toArray(String[]::new));
    }

    private static Map<String, INDArray> withLoss(Map<String, INDArray> feed) {
        return withLoss(feed, 1.0);
    }

    /** {@code feed} with lambda 1 and the restoration loss weighted by {@code resWeight}. */
    private static Map<String, INDArray> withLoss(Map<String, INDArray> feed, double resWeight) {
        Map<String, INDArray> f = new HashMap<>(feed);
        f.put(JointGraph.LAMBDA, Nd4j.scalar(DataType.DOUBLE, 1.0));
        f.put(JointGraph.RES_WEIGHT, Nd4j.scalar(DataType.DOUBLE, resWeight));
        return f;
    }

    /**
     * With {@code tripletGroups} = B (one sample a group), L_noise is the mean over samples of each sample's own
     * 0.5 (mse_pos + relu(mse_pos - mse_neg + margin)): what the authors' per-GPU hinge, averaged over GPUs, computes.
     * Checked against the batch-1 graph run on each sample with the same draws (GroupNorm and dropout are per sample).
     */
    @Test
    void groupedHingeIsTheMeanOfEachGroupsOwnLoss() {
        AdaptationPlan two = Adaptation.of(Restorers.unet(4, 1))
                .withDiffusion(Diffusion.unet(4).multipliers(1, 2).resBlocks(1).groups(2).middleAttention(false).dropout(0.2))
                .channelShuffle()
                .residualSwap()
                .tripletMargin(0.5)
                .tripletGroups(2)
                .patchSize(8)
                .batchSize(2)
                .seed(5)
                .build();
        AdaptationPlan one = Adaptation.from(two).tripletGroups(1).batchSize(1).build();
        JointGraph g2 = JointGraph.build(two, DataType.DOUBLE);
        JointGraph g1 = JointGraph.build(one, DataType.DOUBLE);
        Map<String, INDArray> f = withLoss(JointGraphTest.feed(g2, 77, 1.0));
        double grouped = g2.sd.output(f, JointGraph.L_NOISE).get(JointGraph.L_NOISE).getDouble(0);
        double sum = 0;
        Map<String, INDArray> gradSum = new HashMap<>();
        List<String> params = g1.parameterNames();
        for (int i = 0; i < 2; i++) {
            Map<String, INDArray> fi = new HashMap<>();
            for (String k : List.of(JointGraph.XS, JointGraph.YS, JointGraph.XR, JointGraph.EPS, JointGraph.LEVEL,
                    JointGraph.KEEP1, JointGraph.KEEP2)) {
                fi.put(k, f.get(k).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 1)).dup());
            }
            for (EpsNet.DropoutMask m : g1.dropoutMasks) {
                INDArray full = f.get(m.name()); // [2B, ...]: positive rows, then negative rows
                fi.put(m.name(), Nd4j.concat(0, full.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 1)),
                        full.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2 + i, 3 + i))));
            }
            sum += g1.sd.output(withLoss(fi), JointGraph.L_NOISE).get(JointGraph.L_NOISE).getDouble(0);
            noiseOnly(g1, fi).forEach((p, g) -> gradSum.merge(p, g.dup(), INDArray::add));
        }
        assertEquals(sum / 2, grouped, 1e-12);
        // and so is its gradient, for both nets: the mean of the per-sample losses' gradients
        Map<String, INDArray> grads = noiseOnly(g2, f);
        for (String p : params) {
            INDArray expected = gradSum.get(p).div(2);
            double scale = Math.max(1e-12, expected.norm2Number().doubleValue());
            assertEquals(0.0, grads.get(p).sub(expected).norm2Number().doubleValue() / scale, 1e-9, p);
        }
        double oneHinge = JointGraph.build(Adaptation.from(two).tripletGroups(1).build(), DataType.DOUBLE).sd
                .output(f, JointGraph.L_NOISE).get(JointGraph.L_NOISE).getDouble(0);
        assertTrue(oneHinge <= grouped + 1e-15, "a hinge of the mean is at most the mean of the hinges (Jensen)");
    }
}
