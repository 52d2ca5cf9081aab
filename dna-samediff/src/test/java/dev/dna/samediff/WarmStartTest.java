package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Ablation;
import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.spec.ValueRange;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** SameDiffTrainer.startFrom: the method adapts a restorer trained before (a vanilla restorer.dna). */
class WarmStartTest {
    @TempDir
    Path tmp;

    static double maxDiff(Map<String, INDArray> a, Map<String, INDArray> b) {
        double m = 0;
        for (String k : a.keySet()) {
            m = Math.max(m, a.get(k).sub(b.get(k)).amaxNumber().doubleValue());
        }
        return m;
    }

    @Test
    void theMethodStartsFromTheSavedRestorersWeights() throws Exception {
        AdaptationPlan full = TrainerTest.plan(3);
        AdaptationPlan vanilla = Adaptation.from(full.ablation(Ablation.VANILLA)).seed(99).build(); // another initialization
        TrainedRestorer pre = SameDiffTrainer.create(vanilla).progressBar(false)
                .fit(TrainerTest.synthetic(vanilla), null);
        Path file = tmp.resolve("vanilla.dna");
        pre.save(file);
        TrainedRestorer loaded = TrainedRestorer.load(file);
        // a learning rate of 1e-12 leaves the weights where they start: the saved ones, not the plan's initialization
        AdaptationPlan still = Adaptation.from(full).learningRate(1e-12).steps(1).build();
        TrainedRestorer warm = SameDiffTrainer.create(still).progressBar(false).startFrom(loaded)
                .fit(TrainerTest.synthetic(still), TrainerTest.real(still));
        double fromSaved = maxDiff(warm.weights(), pre.weights());
        double fromInit = maxDiff(warm.weights(), TrainedRestorer.initial(still).weights());
        assertTrue(fromSaved < 1e-6, "the warm start moved " + fromSaved + " away from the saved weights");
        assertTrue(fromInit > 1e-2, "the warm start is the plan's initialization (" + fromInit + ")");
        TrainedRestorer cold = SameDiffTrainer.create(still).progressBar(false)
                .fit(TrainerTest.synthetic(still), TrainerTest.real(still));
        assertTrue(maxDiff(cold.weights(), pre.weights()) > 1e-2, "the test cannot tell a warm start from a cold one");
        // and the method then trains it: three steps at the plan's rate move it
        TrainedRestorer adapted = SameDiffTrainer.create(full).progressBar(false).startFrom(loaded)
                .fit(TrainerTest.synthetic(full), TrainerTest.real(full));
        assertTrue(maxDiff(adapted.weights(), pre.weights()) > 1e-5, "three steps of the method did not move the restorer");
    }

    @Test
    void anotherNetworkOrValueRangeIsRefusedWithBothNamed() {
        AdaptationPlan full = TrainerTest.plan(1);
        TrainedRestorer wider = TrainedRestorer.initial(Adaptation.from(full).restorer(Restorers.unet(8, 2)).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SameDiffTrainer.create(full).startFrom(wider));
        assertTrue(e.getMessage().contains("width=8") && e.getMessage().contains("width=4"), e.getMessage());
        TrainedRestorer otherRange = TrainedRestorer.initial(Adaptation.from(full).valueRange(ValueRange.MINUS_ONE_ONE).build());
        e = assertThrows(IllegalArgumentException.class, () -> SameDiffTrainer.create(full).startFrom(otherRange));
        assertTrue(e.getMessage().contains("MINUS_ONE_ONE"), e.getMessage());
    }
}
