package dev.dna.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Restorers;
import dev.dna.api.spec.Activation;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.Upsampling;
import dev.dna.api.spec.ValueRange;
import dev.dna.samediff.TrainedRestorer;
import dev.dna.api.testing.Trials;
import org.junit.jupiter.api.Test;

class OnnxExportProperties {

    /** Random restorer configurations export and match SameDiff at two random-ish sizes each. */
    @Test
    void randomUNetsMatchOnnxRuntime() {
        Trials.check(12, c -> exportsAndMatches(Restorers.unet(c.intIn("width", 1, 6), c.intIn("depth", 1, 3))
                .withActivation(c.oneOf("activation", Activation.class)).withUpsampling(c.oneOf("upsampling", Upsampling.class))
                .withResidual(c.bool("residual"))));
    }

    @Test
    void randomDnCnnsMatchOnnxRuntime() {
        Trials.check(8, c -> exportsAndMatches(Restorers.dncnn(c.intIn("layers", 2, 6), c.intIn("width", 1, 8))
                .withActivation(c.oneOf("activation", Activation.class))));
    }

    private static void exportsAndMatches(RestorerSpec spec) {
        TrainedRestorer r = OnnxExportTest.restorer(spec, ValueRange.ZERO_ONE);
        OnnxExporter.Verification v = OnnxExporter.verify(r, OnnxExporter.toModel(r).toByteArray());
        assertTrue(v.passed(), spec.describe() + ": " + v);
    }
}
