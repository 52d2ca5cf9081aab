package dev.dna.samediff;

import dev.dna.api.*;
import dev.dna.api.data.*;
import dev.dna.api.degrade.*;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.autodiff.listeners.*;
import org.nd4j.autodiff.samediff.*;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Where a training step's time goes, by op type: a listener times each op from {@code preOpExecution} to
 * {@code opExecution} over the example's full plan; the rest of the step is SameDiff's session. A diagnostic
 * program, not a test (listeners slow the step, so read shares, not absolute times):
 *
 * <pre>
 * mvn -q -o -pl dna-samediff -am test-compile
 * mvn -q -o -pl dna-samediff org.codehaus.mojo:exec-maven-plugin:3.5.1:java -Dexec.mainClass=dev.dna.samediff.OpProfile \
 *     -Dexec.classpathScope=test -Dexec.args=10
 * </pre>
 */
public class OpProfile {
    static final Map<String, double[]> byType = new TreeMap<>(); // type -> {count, seconds}
    static long t0;
    static boolean on;

    static class L extends BaseListener {
        @Override public boolean isActive(Operation op) { return true; }
        @Override public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext ctx) { t0 = System.nanoTime(); }
        @Override public void opExecution(SameDiff sd, At at, MultiDataSet b, SameDiffOp op, OpContext ctx, INDArray[] out) {
            if (!on) return;
            double s = (System.nanoTime() - t0) / 1e9;
            double[] a = byType.computeIfAbsent(op.getOp().opName(), k -> new double[2]);
            a[0]++; a[1] += s;
        }
    }

    public static void main(String[] a) throws Exception {
        AdaptationPlan full = Adaptation.of(Restorers.unet(16, 2))
                .withDiffusion(Diffusion.unet(16).multipliers(1, 2).resBlocks(1).middleAttention(false).dropout(0.1))
                .channelShuffle().residualSwap().patchSize(48).batchSize(4).steps(100).build();
        JointGraph g = JointGraph.build(full, DataType.FLOAT);
        ImageSet photos = EmbeddedImages.load();
        PatchSampler s = new PatchSampler(48, true);
        PatchDataset syn = PatchDataset.synthetic(photos, Awgn.sigma255(0, 50), s);
        PatchDataset real = PatchDataset.synthetic(photos, CameraNoise.typical(), s);
        TrainingStreams st = new TrainingStreams(0);
        Feeder f = new Feeder(g, DataType.FLOAT);
        List<String> params = g.parameterNames();
        L l = new L();
        g.sd.setListeners(l);
        if (g.sd.getFunction("grad") != null) g.sd.getFunction("grad").setListeners(l);
        int steps = Integer.parseInt(a[0]);
        double total = 0;
        for (int i = 0; i < steps + 2; i++) {
            PatchDataset.Batch b = syn.next(4, st.get(TrainingStreams.SYNTHETIC_DATA));
            var xr = real.next(4, st.get(TrainingStreams.REAL_DATA)).degraded();
            Map<String, INDArray> feed = f.feed(b.degraded(), b.cleanOrNull(), xr, st, 0.5);
            on = i >= 2;
            long q = System.nanoTime();
            g.sd.calculateGradientsAndOutputs(feed, g.lossTerms, params);
            if (on) total += (System.nanoTime() - q) / 1e9;
            SessionMemory.freeIntermediates(g.sd, feed.values());
        }
        double ops = 0, opSec = 0;
        List<Map.Entry<String, double[]>> e = new ArrayList<>(byType.entrySet());
        e.sort((x, y) -> Double.compare(y.getValue()[1], x.getValue()[1]));
        for (var x : e) { ops += x.getValue()[0]; opSec += x.getValue()[1]; }
        System.out.printf("steps %d: %.3f s/step; ops/step %.0f; time inside ops %.3f s/step (%.0f%%); outside (session) %.3f s/step%n",
                steps, total / steps, ops / steps, opSec / steps, 100 * opSec / total, (total - opSec) / steps);
        System.out.println("| op | per step | ms/step | us/call |");
        for (var x : e.subList(0, Math.min(25, e.size()))) {
            System.out.printf("| %s | %.0f | %.1f | %.0f |%n", x.getKey(), x.getValue()[0] / steps, 1000 * x.getValue()[1] / steps, 1e6 * x.getValue()[1] / x.getValue()[0]);
        }
    }
}
