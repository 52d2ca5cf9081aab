package dev.dna.samediff.engine;

import dev.dna.api.*;
import dev.dna.api.data.*;
import dev.dna.api.degrade.*;
import dev.dna.samediff.graph.JointGraph;
import dev.dna.samediff.training.Feeder;
import dev.dna.samediff.training.GradientStep;
import dev.dna.samediff.training.TrainingStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a training step's time goes, by op type, over the example's full plan: the step is replayed
 * ({@link GradientReplay}) with each op timed; what is not inside an op is the replay's own loop and the
 * placeholder copies. A diagnostic program, not a test:
 *
 * <pre>
 * mvn -q -o -pl dna-samediff -am test-compile
 * mvn -q -o -pl dna-samediff org.codehaus.mojo:exec-maven-plugin:3.5.1:java -Dexec.mainClass=dev.dna.samediff.engine.OpProfile \
 *     -Dexec.classpathScope=test -Dexec.args=10
 * </pre>
 * {@code -Dexec.args="10 --by-shape"} splits each op type by its input shapes.
 */
public class OpProfile {
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
        int steps = Integer.parseInt(a[0]);
        double total = 0;
        long[] nanos = null;
        try (GradientStep step = new GradientStep(g.sd, g.lossTerms, g.parameterNames(), true)) {
            for (int i = 0; i < steps + 2; i++) {
                PatchDataset.Batch b = syn.next(4, st.get(TrainingStreams.SYNTHETIC_DATA));
                var xr = real.next(4, st.get(TrainingStreams.REAL_DATA)).degraded();
                Map<String, INDArray> feed = f.feed(b.degraded(), b.cleanOrNull(), xr, st, 0.5);
                boolean on = i >= 2;
                if (on && nanos == null) {
                    nanos = new long[step.replay().opCount()];
                }
                long q = System.nanoTime();
                if (on) {
                    step.replay().run(feed, nanos);
                    total += (System.nanoTime() - q) / 1e9;
                } else {
                    step.run(feed);
                }
                step.release(feed.values());
                SessionMemory.close(feed.values());
            }
            boolean bySignature = a.length > 1 && a[1].equals("--by-shape");
            Map<String, double[]> byType = new TreeMap<>(); // type (and input shapes) -> {count, seconds}
            for (int i = 0; i < nanos.length; i++) {
                GradientReplay r = step.replay();
                double[] x = byType.computeIfAbsent(bySignature ? r.opSignature(i) : r.opType(i), k -> new double[2]);
                x[0] += steps;
                x[1] += nanos[i] / 1e9;
            }
            double ops = 0;
            double opSec = 0;
            List<Map.Entry<String, double[]>> e = new ArrayList<>(byType.entrySet());
            e.sort((x, y) -> Double.compare(y.getValue()[1], x.getValue()[1]));
            for (var x : e) {
                ops += x.getValue()[0];
                opSec += x.getValue()[1];
            }
            System.out.printf("steps %d: %.3f s/step; ops/step %.0f; time inside ops %.3f s/step (%.0f%%); outside %.3f s/step%n",
                    steps, total / steps, ops / steps, opSec / steps, 100 * opSec / total, (total - opSec) / steps);
            System.out.printf("replay arrays: %.0f MB allocated for %.0f MB of op outputs a step%n",
                    step.replay().allocatedBytes() / 1e6, step.replay().outputBytes() / 1e6);
            System.out.println("| op | per step | ms/step | us/call | share |");
            System.out.println("|---|---|---|---|---|");
            for (var x : e.subList(0, Math.min(bySignature ? 100 : 25, e.size()))) {
                System.out.printf("| %s | %.0f | %.1f | %.0f | %.1f%% |%n", x.getKey(), x.getValue()[0] / steps,
                        1000 * x.getValue()[1] / steps, 1e6 * x.getValue()[1] / x.getValue()[0], 100 * x.getValue()[1] / total);
            }
        }
    }
}
