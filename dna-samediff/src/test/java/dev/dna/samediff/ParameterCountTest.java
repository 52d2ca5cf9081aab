package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dna.api.Adaptation;
import dev.dna.api.Restorers;
import dev.dna.api.spec.Activation;
import dev.dna.api.spec.DnCnnRestorerSpec;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.UNetRestorerSpec;
import dev.dna.api.spec.Upsampling;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RestorerSpec#parameterCount()}, written in dna-api from the spec alone, against the graph dna-samediff builds. */
class ParameterCountTest {

    @Test
    void theSpecsCountIsTheBuiltGraphsForEveryUNetOptionAndDnCnn() {
        List<RestorerSpec> specs = new ArrayList<>();
        int k = 0;
        for (Upsampling up : Upsampling.values()) {
            for (boolean upConv : new boolean[] {false, true}) {
                for (int outKernel : new int[] {1, 3}) {
                    k++;
                    specs.add(new UNetRestorerSpec(1 + k % 4, 1 + k % 3, Activation.LEAKY_RELU, up, k % 2 == 0, upConv, outKernel));
                }
            }
        }
        for (int layers = 2; layers <= 5; layers++) {
            specs.add(new DnCnnRestorerSpec(layers, layers + 1, Activation.RELU, layers % 2 == 0));
        }
        specs.add(Restorers.unet(32, 3)); // the pretrained denoiser's shape
        for (RestorerSpec spec : specs) {
            TrainedRestorer built = TrainedRestorer.initial(Adaptation.of(spec).patchSize(spec.downsamplingFactor() * 4).build());
            long values = built.weights().values().stream().mapToLong(a -> a.length()).sum();
            assertEquals(values, spec.parameterCount().orElseThrow(), spec.describe());
        }
    }
}
