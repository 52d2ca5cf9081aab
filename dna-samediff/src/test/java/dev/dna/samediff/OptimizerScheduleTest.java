package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.spec.OptimizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The trainer follows the optimizer's learning-rate schedule and clips the global gradient norm. */
class OptimizerScheduleTest {

    static AdaptationPlan vanilla(OptimizerSpec o, int steps) {
        return Adaptation.of(Restorers.unet(4, 2)).patchSize(16).batchSize(2).steps(steps).emaDecay(0).optimizer(o).seed(3)
                .build();
    }

    static List<StepReport> reports(AdaptationPlan p) {
        List<StepReport> out = new ArrayList<>();
        SameDiffTrainer.create(p).progressBar(false).listener(new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
                out.add(r);
            }
        }).fit(TrainerTest.synthetic(p), null);
        return out;
    }

    @Test
    void eachStepRunsAtItsScheduledRate() {
        OptimizerSpec o = OptimizerSpec.adam(1e-3).withCosineDecay(2, 1e-5);
        AdaptationPlan p = vanilla(o, 6);
        List<StepReport> r = reports(p);
        assertEquals(6, r.size());
        for (StepReport s : r) {
            assertEquals(o.learningRateAt(s.step(), 6), s.learningRate(), 1e-15, "step " + s.step());
            assertTrue(Double.isFinite(s.gradNorm()) && s.gradNorm() > 0, "grad norm " + s.gradNorm());
        }
        assertEquals(5e-4, r.get(0).learningRate(), 1e-15);
        assertEquals(1e-5, r.get(5).learningRate(), 1e-15);
    }

    /** Largest change of any restorer weight over a one-step run. */
    static double largestChange(AdaptationPlan p) {
        TrainedRestorer before = TrainedRestorer.of(p, initial(p));
        TrainedRestorer after = SameDiffTrainer.create(p).progressBar(false).fit(TrainerTest.synthetic(p), null);
        double max = 0;
        for (Map.Entry<String, INDArray> e : after.weights().entrySet()) {
            max = Math.max(max, e.getValue().sub(before.weights().get(e.getKey())).amaxNumber().doubleValue());
        }
        return max;
    }

    static Map<String, INDArray> initial(AdaptationPlan p) {
        // a run stopped before any step is impossible; the initial weights are the plan's, as a 1-step run at rate ~0 keeps
        AdaptationPlan still = Adaptation.from(p).optimizer(p.optimizer().withLearningRate(1e-12)).build();
        return SameDiffTrainer.create(still).progressBar(false).fit(TrainerTest.synthetic(still), null).weights();
    }

    @Test
    void clippingBoundsTheGradientThatReachesAdam() {
        // Adam's first step moves each weight by about lr whatever the gradient's scale, until the gradient is so small
        // that epsilon (1e-8) dominates: a clip at 1e-12 makes every element far smaller than epsilon
        AdaptationPlan free = vanilla(OptimizerSpec.adam(1e-3), 1);
        AdaptationPlan clipped = vanilla(OptimizerSpec.adam(1e-3).withClipGradNorm(1e-12), 1);
        double moved = largestChange(free);
        double movedClipped = largestChange(clipped);
        assertEquals(1e-3, moved, 1e-4);
        assertTrue(movedClipped < 1e-6, "clipped step moved a weight by " + movedClipped);
        // the report gives the norm before clipping, the same in both runs
        assertEquals(reports(free).get(0).gradNorm(), reports(clipped).get(0).gradNorm(), 1e-9);
    }
}
