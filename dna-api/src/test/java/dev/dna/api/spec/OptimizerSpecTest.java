package dev.dna.api.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import org.junit.jupiter.api.Test;

class OptimizerSpecTest {

    @Test
    void constantRateIsTheBaseRateAtEveryStep() {
        OptimizerSpec o = OptimizerSpec.adam(3e-4);
        assertEquals(OptimizerSpec.LearningRateSchedule.CONSTANT, o.schedule());
        for (long s : new long[] {1, 2, 500, 10_000}) {
            assertEquals(3e-4, o.learningRateAt(s, 10_000));
        }
    }

    @Test
    void warmupRisesLinearlyThenHolds() {
        OptimizerSpec o = OptimizerSpec.adam(1e-3).withConstantRate(100);
        assertEquals(1e-5, o.learningRateAt(1, 1000), 1e-15);
        assertEquals(5e-4, o.learningRateAt(50, 1000), 1e-15);
        assertEquals(1e-3, o.learningRateAt(100, 1000), 1e-15);
        assertEquals(1e-3, o.learningRateAt(101, 1000), 1e-15);
        assertEquals(1e-3, o.learningRateAt(1000, 1000), 1e-15);
    }

    @Test
    void cosineFallsFromThePeakToTheMinimumAtTheLastStep() {
        OptimizerSpec o = OptimizerSpec.adam(1e-3).withCosineDecay(100, 1e-5);
        assertEquals(1e-3, o.learningRateAt(100, 1100), 1e-15); // the end of the warm-up is the peak
        assertEquals(1e-5 + (1e-3 - 1e-5) / 2, o.learningRateAt(600, 1100), 1e-12); // halfway: the mean of the two
        assertEquals(1e-5, o.learningRateAt(1100, 1100), 1e-15);
        double before = Double.MAX_VALUE;
        for (long s = 100; s <= 1100; s += 50) { // decreasing all the way
            double lr = o.learningRateAt(s, 1100);
            assertTrue(lr < before, "step " + s);
            before = lr;
        }
        assertEquals(1e-5, o.learningRateAt(5000, 1100), 1e-15); // past the end (a run extended): held at the minimum
    }

    @Test
    void invalidFieldsAreNamed() {
        assertMessage(() -> OptimizerSpec.adam(1e-3).withCosineDecay(-1, 0), "optimizer.warmupSteps");
        assertMessage(() -> OptimizerSpec.adam(1e-3).withCosineDecay(0, 2e-3), "optimizer.minLearningRate");
        assertMessage(() -> OptimizerSpec.adam(1e-3).withClipGradNorm(-1), "optimizer.clipGradNorm");
        assertMessage(() -> OptimizerSpec.adam(1e-3).withClipGradNorm(Double.POSITIVE_INFINITY), "optimizer.clipGradNorm");
        assertMessage(() -> OptimizerSpec.adam(1e-3).learningRateAt(0, 10), "step must be >= 1");
    }

    @Test
    void scheduleAndClippingRoundTripThroughPlanJson() {
        OptimizerSpec o = OptimizerSpec.adam(4e-4).withCosineDecay(500, 1e-6).withClipGradNorm(2.0);
        AdaptationPlan p = Adaptation.of(Restorers.unet(8, 2)).optimizer(o).patchSize(32).build();
        AdaptationPlan back = AdaptationPlan.fromJson(p.toJson());
        assertEquals(p, back);
        assertEquals(o, back.optimizer());
    }

    @Test
    void aPlanWrittenBeforeTheScheduleExistedStillReads() {
        AdaptationPlan p = Adaptation.of(Restorers.unet(8, 2)).learningRate(5e-4).patchSize(32).build();
        String json = p.toJson();
        // the optimizer object as dna-plan/2 plans had it until issue 38
        String old = json.replaceAll(",\\s*\"schedule\"\\s*:\\s*\"CONSTANT\"", "")
                .replaceAll(",\\s*\"warmupSteps\"\\s*:\\s*0", "")
                .replaceAll(",\\s*\"minLearningRate\"\\s*:\\s*0\\.0", "")
                .replaceAll(",\\s*\"clipGradNorm\"\\s*:\\s*0\\.0", "");
        assertFalse(old.contains("schedule") || old.contains("clipGradNorm") || old.contains("warmupSteps"), old);
        AdaptationPlan back = AdaptationPlan.fromJson(old);
        assertEquals(p, back);
        assertEquals(OptimizerSpec.adam(5e-4), back.optimizer());
        assertEquals(0.0, back.optimizer().clipGradNorm());
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
