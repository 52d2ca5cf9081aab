package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.data.PatchDataset;
import dev.dna.api.data.PatchSampler;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.degrade.Degradation;
import dev.dna.api.image.Image;
import dev.dna.api.spec.SpikeGuardSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A poisoned batch: the spike guard keeps it from the weights, the moments and the EMA, and logs it. */
class SpikeGuardTest {
    static final int POISONED_STEP = 40;

    @TempDir
    Path tmp;

    /** AWGN, except that the patches of step {@link #POISONED_STEP} become 1000 everywhere (a corrupt batch). */
    static final class Poison implements Degradation {
        private final int batch;
        private final int firstStep;
        private int calls;

        Poison(int batch) {
            this(batch, 1);
        }

        /** For a resumed run: its first call degrades a patch of step {@code firstStep}. */
        Poison(int batch, int firstStep) {
            this.batch = batch;
            this.firstStep = firstStep;
        }

        @Override
        public Image apply(Image clean, UniformRandomProvider rng) {
            Image x = Awgn.sigma255(10, 30).apply(clean, rng);
            int step = calls++ / batch + firstStep;
            return step == POISONED_STEP ? Image.filled(x.channels(), x.height(), x.width(), 1000f) : x;
        }

        @Override
        public String describe() {
            return "awgn with a poisoned step " + POISONED_STEP;
        }
    }

    /** A vanilla plan (the guard watches the restorer's loss and gradient, which every variant has): fast. */
    static AdaptationPlan plan(SpikeGuardSpec guard, int steps) {
        return Adaptation.of(Restorers.unet(4, 2)).patchSize(16).batchSize(2).steps(steps).emaDecay(0.99).learningRate(1e-3)
                .seed(11).spikeGuard(guard).build();
    }

    static PatchDataset poisoned(AdaptationPlan p) {
        return PatchDataset.synthetic(TrainerTest.PHOTOS, new Poison(p.batchSize()), new PatchSampler(p.patchSize(), p.augment()));
    }

    /** The returned (EMA) and the raw restorer weights after {@code stop} steps, and the events and log rows. */
    record Outcome(Map<String, INDArray> ema, List<SpikeEvent> spikes, List<TrainingSummary> summaries) {}

    Outcome run(AdaptationPlan p, int stop, Path csv) {
        List<SpikeEvent> spikes = new ArrayList<>();
        List<TrainingSummary> summaries = new ArrayList<>();
        SameDiffTrainer t = SameDiffTrainer.create(p).progressBar(false).stopAfter(stop).listener(new TrainingListener() {
            @Override
            public void onSpike(SpikeEvent e) {
                spikes.add(e);
            }

            @Override
            public void onFinish(TrainingSummary s) {
                summaries.add(s);
            }
        });
        if (csv != null) {
            t = t.logCsv(csv);
        }
        TrainedRestorer r = t.fit(poisoned(p), null);
        return new Outcome(r.weights(), spikes, summaries);
    }

    static void assertSameWeights(Map<String, INDArray> a, Map<String, INDArray> b) {
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertEquals(v, b.get(k), k));
    }

    @Test
    void aSkippedStepLeavesWeightsAndEmaAsTheyWere() throws IOException {
        AdaptationPlan p = plan(SpikeGuardSpec.skip().withWindow(20), 50);
        Outcome before = run(p, POISONED_STEP - 1, null);
        Path csv = tmp.resolve("log.csv");
        Outcome after = run(p, POISONED_STEP, csv);
        assertSameWeights(before.ema(), after.ema());
        assertEquals(1, after.spikes().size(), after.spikes().toString());
        SpikeEvent e = after.spikes().get(0);
        assertEquals(POISONED_STEP, e.step());
        assertEquals("l_res", e.signal());
        assertEquals(SpikeEvent.Action.SKIP, e.action());
        assertTrue(e.value() > 100 * e.median(), e.describe());
        List<String> rows = Files.readAllLines(csv);
        assertTrue(rows.get(0).endsWith(",spike"), rows.get(0));
        assertTrue(rows.get(POISONED_STEP).startsWith(POISONED_STEP + ",") && rows.get(POISONED_STEP).endsWith(",skip:l_res"),
                rows.get(POISONED_STEP));
        assertTrue(rows.get(POISONED_STEP - 1).endsWith(","), "no event the step before: " + rows.get(POISONED_STEP - 1));
        // training goes on after it: the next step changes the weights again
        Outcome next = run(p, POISONED_STEP + 1, null);
        assertNotEquals(after.ema().get(after.ema().keySet().iterator().next()),
                next.ema().get(next.ema().keySet().iterator().next()));
    }

    @Test
    void withoutTheGuardThePoisonedStepMovesTheWeights() {
        AdaptationPlan p = plan(SpikeGuardSpec.off(), 50);
        Outcome before = run(p, POISONED_STEP - 1, null);
        Outcome after = run(p, POISONED_STEP, null);
        assertTrue(after.spikes().isEmpty());
        String k = before.ema().keySet().iterator().next();
        assertNotEquals(before.ema().get(k), after.ema().get(k));
    }

    @Test
    void aLossSpikeRollsBackToTheLastGoodState() {
        // snapshots every 10 steps, each good once 10 clean steps followed it: at step 40 (judged before its own snapshot)
        // step 30's is still a candidate, which the spike drops (the damage may predate it), and step 20's is the good one
        AdaptationPlan p = plan(SpikeGuardSpec.rollback().withWindow(20).withSnapshotEvery(10), 50);
        Outcome good = run(p, 20, null);
        Outcome rolled = run(p, POISONED_STEP, null);
        assertEquals(1, rolled.spikes().size());
        SpikeEvent e = rolled.spikes().get(0);
        assertEquals(SpikeEvent.Action.ROLLBACK, e.action());
        assertEquals(20, e.restoredStep());
        assertSameWeights(good.ema(), rolled.ema());
        assertEquals(1, rolled.summaries().size());
        assertEquals(List.of(e), rolled.summaries().get(0).spikes());
    }

    @Test
    void aRunResumedWithTheGuardSwitchedOnIsTheGuardedRun() throws IOException {
        // before the poisoned step neither run meets a spike, so an unguarded run's checkpoint at step 25, resumed with the
        // guard on, must reach the guarded run's weights at step 40: the poisoned step skipped after 14 steps of medians
        AdaptationPlan guarded = plan(SpikeGuardSpec.skip().withWindow(20), 50);
        AdaptationPlan unguarded = Adaptation.from(guarded).spikeGuard(SpikeGuardSpec.off()).build();
        Path ckpt = tmp.resolve("unguarded.ckpt");
        SameDiffTrainer.create(unguarded).progressBar(false).checkpointEvery(25, ckpt).stopAfter(25).fit(poisoned(unguarded), null);
        List<SpikeEvent> spikes = new ArrayList<>();
        TrainedRestorer resumed = SameDiffTrainer.create(guarded).progressBar(false).stopAfter(POISONED_STEP)
                .listener(new TrainingListener() {
                    @Override
                    public void onSpike(SpikeEvent e) {
                        spikes.add(e);
                    }
                }).resume(ckpt, PatchDataset.synthetic(TrainerTest.PHOTOS, new Poison(guarded.batchSize(), 26),
                        new PatchSampler(guarded.patchSize(), guarded.augment())), null);
        assertEquals(List.of((long) POISONED_STEP), spikes.stream().map(SpikeEvent::step).toList());
        assertSameWeights(run(guarded, POISONED_STEP, null).ema(), resumed.weights());
        // a plan that differs in more than the guard and the steps is still refused
        AdaptationPlan other = Adaptation.from(guarded).learningRate(2e-3).build();
        IOException e = assertThrows(IOException.class,
                () -> SameDiffTrainer.create(other).progressBar(false).resume(ckpt, poisoned(other), null));
        assertTrue(e.getMessage().contains("different plan"), e.getMessage());
    }

    @Test
    void aRunThatKeepsSpikingStopsAsDiverged() {
        AdaptationPlan p = plan(SpikeGuardSpec.skip().withWindow(20).withFactor(1.0001).withMaxEvents(3), 50);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> run(p, 50, null));
        assertTrue(e.getMessage().contains("spikes"), e.getMessage());
    }

    @Test
    void theSummaryCallsARunCollapsedWhenItEndsFarBelowItsBest() {
        assertTrue(new TrainingSummary(10_000, List.of(), 17.97, 31.98, 9000).collapsed());
        assertTrue(new TrainingSummary(10_000, List.of(), 17.97, 31.98, 9000).warning().orElseThrow()
                .contains("14.01 dB below the best checkpoint (31.98 dB at step 9000)"));
        assertFalse(new TrainingSummary(10_000, List.of(), 31.5, 31.98, 9000).collapsed());
        assertFalse(new TrainingSummary(10_000, List.of(), Double.NaN, Double.NaN, 0).collapsed());
        assertTrue(new TrainingSummary(10_000, List.of(), Double.NaN, 31.98, 9000).collapsed(), "a NaN final is no better");
    }
}
