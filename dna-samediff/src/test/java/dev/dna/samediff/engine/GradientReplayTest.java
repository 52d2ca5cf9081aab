package dev.dna.samediff.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.data.ImageSet;
import dev.dna.api.degrade.Awgn;
import dev.dna.samediff.SameDiffTrainer;
import dev.dna.samediff.StepReport;
import dev.dna.samediff.TrainedRestorer;
import dev.dna.samediff.TrainerTest;
import dev.dna.samediff.TrainingListener;
import dev.dna.samediff.ValidationReport;
import dev.dna.samediff.graph.JointGraph;
import dev.dna.samediff.graph.JointGraphTest;
import dev.dna.samediff.training.Feeder;
import dev.dna.samediff.training.GradientStep;
import dev.dna.samediff.training.TrainingStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Replaying the recorded ops of a step computes, bit for bit, what SameDiff's session computes. */
public class GradientReplayTest {

    static Stream<Arguments> plans() {
        AdaptationPlan vanilla = Adaptation.of(Restorers.dncnn(4, 8)).patchSize(8).batchSize(2).seed(1).build();
        return Stream.of(Arguments.of("full, attention", JointGraphTest.tiny(false), DataType.FLOAT),
                Arguments.of("full, attention", JointGraphTest.tiny(false), DataType.DOUBLE),
                Arguments.of("detached conditions", JointGraphTest.tiny(true), DataType.FLOAT),
                Arguments.of("vanilla", vanilla, DataType.FLOAT));
    }

    static Map<String, INDArray> feed(JointGraph g, DataType dt, long seed) {
        return new Feeder(g, dt).feed(JointGraphTest.images(seed, g.batch, g.size), JointGraphTest.images(seed + 1, g.batch, g.size),
                JointGraphTest.images(seed + 2, g.batch, g.size), new TrainingStreams(seed), 0.3);
    }

    static void assertSameValues(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        assertArrayEquals(expected.dup().data().asDouble(), actual.dup().data().asDouble(), 0.0, what);
    }

    static void assertSameResult(OutAndGrad expected, OutAndGrad actual, String when) {
        assertEquals(expected.getOutputs().keySet(), actual.getOutputs().keySet(), when);
        assertEquals(expected.getGradients().keySet(), actual.getGradients().keySet(), when);
        expected.getOutputs().forEach((k, v) -> assertSameValues(v, actual.getOutputs().get(k), when + ": " + k));
        expected.getGradients().forEach((k, v) -> assertSameValues(v, actual.getGradients().get(k), when + ": gradient of " + k));
    }

    /** Plain SGD, so that every step sees other weights. */
    static void sgd(JointGraph g, OutAndGrad og) {
        og.getGradients().forEach((p, grad) -> g.sd.getVariable(p).getArr().subi(grad.mul(0.05)));
    }

    @ParameterizedTest(name = "{0}, {2}")
    @MethodSource("plans")
    void replayComputesWhatTheSessionComputesStepAfterStep(String name, AdaptationPlan plan, DataType dt) {
        JointGraph a = JointGraph.build(plan, dt);
        JointGraph b = JointGraph.build(plan, dt);
        try (GradientStep session = new GradientStep(a.sd, a.lossTerms, a.parameterNames(), false);
                GradientStep replay = new GradientStep(b.sd, b.lossTerms, b.parameterNames(), true)) {
            for (int step = 0; step < 4; step++) {
                Map<String, INDArray> fa = feed(a, dt, step);
                Map<String, INDArray> fb = feed(b, dt, step);
                OutAndGrad x = session.run(fa);
                OutAndGrad y = replay.run(fb);
                assertNull(replay.notReplayed());
                assertTrue(replay.replaying(), "the first step records, later steps replay");
                assertEquals(a.parameterNames().size(), y.getGradients().size());
                assertSameResult(x, y, "step " + step);
                sgd(a, x);
                sgd(b, y);
                session.release(fa.values());
                replay.release(fb.values());
            }
            GradientReplay r = replay.replay();
            assertTrue(r.opCount() > 20, "ops replayed: " + r.opCount());
            // arrays whose last reader has run lend their memory to later outputs (the tiny vanilla graph's arrays
            // are mostly too small to share)
            assertTrue(r.allocatedBytes() < (plan.usesDiffusion() ? 0.7 : 1.0) * r.outputBytes(),
                    "replay allocated " + r.allocatedBytes() + " bytes for " + r.outputBytes() + " bytes of outputs");
        }
    }

    @Test
    void aReplacedParameterArrayIsSeenBecauseTheStepIsRecordedAgain() {
        AdaptationPlan plan = JointGraphTest.tiny(false);
        JointGraph a = JointGraph.build(plan, DataType.DOUBLE);
        JointGraph b = JointGraph.build(plan, DataType.DOUBLE);
        try (GradientStep session = new GradientStep(a.sd, a.lossTerms, a.parameterNames(), false);
                GradientStep replay = new GradientStep(b.sd, b.lossTerms, b.parameterNames(), true)) {
            for (int step = 0; step < 3; step++) {
                if (step == 2) {
                    String p = a.parameterNames().get(0);
                    for (JointGraph g : List.of(a, b)) {
                        SDVariable v = g.sd.getVariable(p);
                        g.sd.associateArrayWithVariable(v.getArr().mul(1.5), v);
                    }
                }
                Map<String, INDArray> fa = feed(a, DataType.DOUBLE, step);
                Map<String, INDArray> fb = feed(b, DataType.DOUBLE, step);
                assertSameResult(session.run(fa), replay.run(fb), "step " + step);
                session.release(fa.values());
                replay.release(fb.values());
            }
        }
    }

    @Test
    void aFeedOfAnotherShapeIsRefusedWithItsName() {
        JointGraph g = JointGraph.build(JointGraphTest.tiny(false), DataType.FLOAT);
        try (GradientStep replay = new GradientStep(g.sd, g.lossTerms, g.parameterNames(), true)) {
            replay.run(feed(g, DataType.FLOAT, 0));
            Map<String, INDArray> bad = new java.util.HashMap<>(feed(g, DataType.FLOAT, 1));
            bad.put(JointGraph.XS, Nd4j.zeros(DataType.FLOAT, 1, 3, 8, 8));
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> replay.run(bad));
            assertTrue(e.getMessage().contains("placeholder xs") && e.getMessage().contains("[1, 3, 8, 8]"), e.getMessage());
        }
    }

    @Test
    void aGraphWithControlFlowFallsBackToTheSession() {
        SameDiff[] sds = new SameDiff[2];
        for (int i = 0; i < 2; i++) {
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", DataType.DOUBLE, 3);
            SDVariable w = sd.var("w", Nd4j.createFromArray(0.5, -1.0, 2.0));
            SDVariable out = sd.ifCond(s -> s.constant(Nd4j.scalar(true)), s -> x.mul(2.0), s -> x.mul(3.0));
            x.mul(w).sum().add("loss", out.sum()).markAsLoss(); // no gradient through the condition: M2.1 has none
            sds[i] = sd;
        }
        List<String> params = List.of("w");
        String loss = "loss";
        try (GradientStep session = new GradientStep(sds[0], List.of(loss), params, false);
                GradientStep replay = new GradientStep(sds[1], List.of(loss), params, true)) {
            for (int step = 0; step < 2; step++) {
                Map<String, INDArray> f = Map.of("x", Nd4j.createFromArray(1.0 + step, 2.0, 3.0));
                assertSameResult(session.run(f), replay.run(f), "step " + step);
                session.release(f.values());
                replay.release(f.values());
            }
            assertFalse(replay.replaying());
            assertNotNull(replay.notReplayed());
        }
    }

    @Test
    void trainingWithReplayLogsAndLearnsWhatTrainingWithTheSessionDoes() {
        AdaptationPlan p = TrainerTest.plan(4);
        ImageSet clean = ImageSet.of(TrainerTest.PHOTOS.select(0).names(), List.of(TrainerTest.PHOTOS.get(0).crop(0, 0, 32, 32)));
        ImageSet noisy = ImageSet.of(clean.names(), List.of(Awgn.sigma255(25, 25).apply(clean.get(0), 5L)));
        List<List<Object>> logs = new ArrayList<>();
        List<TrainedRestorer> results = new ArrayList<>();
        for (boolean replay : new boolean[] {false, true}) {
            List<Object> log = new ArrayList<>();
            results.add(SameDiffTrainer.create(p).progressBar(false).replayOps(replay).validateEvery(2, noisy, clean)
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(StepReport r) {
                            log.add(r.losses());
                        }

                        @Override
                        public void onValidation(ValidationReport v) {
                            log.add(List.of(v.psnr(), v.restorationGradNorm(), v.noiseGradNorm()));
                        }
                    }).fit(TrainerTest.synthetic(p), TrainerTest.real(p)));
            logs.add(log);
        }
        assertEquals(6, logs.get(0).size());
        assertEquals(logs.get(0), logs.get(1));
        Map<String, INDArray> w0 = results.get(0).weights();
        Map<String, INDArray> w1 = results.get(1).weights();
        assertEquals(w0.keySet(), w1.keySet());
        w0.forEach((k, v) -> assertSameValues(v, w1.get(k), "restorer weight " + k));
    }
}
