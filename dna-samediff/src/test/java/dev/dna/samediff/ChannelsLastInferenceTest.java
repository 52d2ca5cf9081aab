package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.Restorers;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.random.Rngs;
import dev.dna.api.spec.Activation;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.Upsampling;
import dev.dna.api.spec.ValueRange;
import dev.dna.api.testing.Trials;
import dev.dna.samediff.training.Feeder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** dna's own restorers predict through an NHWC graph of their weights: it must restore what the NCHW graph restores. */
class ChannelsLastInferenceTest {

    static ImageBatch random(int n, int h, int w, long seed) {
        UniformRandomProvider r = Rngs.create(seed);
        float[] d = new float[n * 3 * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat();
        }
        return ImageBatch.of(n, 3, h, w, d);
    }

    /** What the NCHW graph, the one exporters read, returns for {@code x}. */
    static float[] nchw(TrainedRestorer r, ImageBatch x) {
        INDArray out = r.sameDiff().output(Map.of(TrainedRestorer.INPUT, Feeder.tensor(x, r.valueRange(), DataType.FLOAT)),
                TrainedRestorer.OUTPUT).get(TrainedRestorer.OUTPUT);
        return r.valueRange().toUnit(out.dup().data().asFloat());
    }

    @Test
    void everyBuiltInRestorerRestoresTheSameInBothLayouts() {
        Trials.check(16, c -> {
            RestorerSpec spec = c.bool("dncnn")
                    ? Restorers.dncnn(c.intIn("layers", 2, 5), c.intIn("width", 1, 8)).withActivation(c.oneOf("activation", Activation.class))
                            .withResidual(c.bool("residual"))
                    : Restorers.unet(c.intIn("width", 1, 6), c.intIn("depth", 1, 3)).withActivation(c.oneOf("activation", Activation.class))
                            .withUpsampling(c.oneOf("upsampling", Upsampling.class)).withResidual(c.bool("residual"))
                            .withUpConv(c.bool("upConv")).withOutKernel(c.bool("outKernel1") ? 1 : 3);
            ValueRange range = c.bool("minusOneOne") ? ValueRange.MINUS_ONE_ONE : ValueRange.ZERO_ONE; // ZERO_255: imported models only
            TrainedRestorer r = TrainedRestorer.initial(Adaptation.of(spec).valueRange(range).patchSize(32).seed(c.anyLong("seed")).build());
            int f = spec.downsamplingFactor();
            ImageBatch x = random(2, f * c.intIn("h", 1, 7), f * c.intIn("w", 1, 7), 5);
            float[] expected = nchw(r, x);
            assertArrayEquals(expected, r.predict(x).toArray(), 1e-4f, spec.describe());
        });
    }

    @Test
    void aLoadedRestorerPredictsWithItsOwnWeights(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        dev.dna.api.AdaptationPlan plan = Adaptation.of(Restorers.unet(4, 2)).patchSize(16).seed(3).build();
        Map<String, INDArray> w = new LinkedHashMap<>();
        TrainedRestorer.initial(plan).weights().forEach((k, v) -> w.put(k, v.mul(1.5))); // not what the plan draws
        TrainedRestorer r = TrainedRestorer.of(plan, w);
        ImageBatch x = random(1, 20, 28, 8);
        assertArrayEquals(nchw(r, x), r.predict(x).toArray(), 1e-4f);
        java.nio.file.Path f = tmp.resolve("restorer.dna");
        r.save(f);
        TrainedRestorer back = TrainedRestorer.load(f);
        assertArrayEquals(nchw(back, x), back.predict(x).toArray(), 1e-4f);
        assertArrayEquals(r.predict(x).toArray(), back.predict(x).toArray(), 0f);
    }

    @Test
    void weightsSetAfterwardsReachTheGraphThatPredicts() {
        TrainedRestorer r = TrainedRestorer.initial(Adaptation.of(Restorers.unet(4, 2)).patchSize(16).seed(2).build());
        ImageBatch x = random(1, 20, 28, 7);
        float[] before = r.predict(x).toArray();
        Map<String, INDArray> w = new LinkedHashMap<>();
        r.weights().forEach((k, v) -> w.put(k, v.mul(1.5)));
        r.setWeights(w);
        float[] after = r.predict(x).toArray();
        assertArrayEquals(nchw(r, x), after, 1e-4f);
        double diff = 0;
        for (int i = 0; i < before.length; i++) {
            diff = Math.max(diff, Math.abs(before[i] - after[i]));
        }
        assertTrue(diff > 1e-3, "the new weights changed the output: " + diff);
        TrainedRestorer tiled = r.withTiling(16, 4); // shares the weights, also the NHWC graph's
        r.setWeights(w);
        assertArrayEquals(nchw(r, x), tiled.predict(x).toArray(), 1e-4f);
    }
}
