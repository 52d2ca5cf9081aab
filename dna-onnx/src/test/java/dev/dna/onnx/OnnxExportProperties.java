package dev.dna.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Restorers;
import dev.dna.api.spec.Activation;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.Upsampling;
import dev.dna.api.spec.ValueRange;
import dev.dna.samediff.TrainedRestorer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class OnnxExportProperties {

    /** Random restorer configurations export and match SameDiff at two random-ish sizes each. */
    @Property(tries = 12)
    void randomUNetsMatchOnnxRuntime(@ForAll @IntRange(min = 1, max = 3) int depth,
            @ForAll @IntRange(min = 1, max = 6) int width, @ForAll Activation activation, @ForAll Upsampling up,
            @ForAll boolean residual) {
        RestorerSpec spec = Restorers.unet(width, depth).withActivation(activation).withUpsampling(up).withResidual(residual);
        TrainedRestorer r = OnnxExportTest.restorer(spec, ValueRange.ZERO_ONE);
        OnnxExporter.Verification v = OnnxExporter.verify(r, OnnxExporter.toModel(r).toByteArray());
        assertTrue(v.passed(), spec.describe() + ": " + v);
    }

    @Property(tries = 8)
    void randomDnCnnsMatchOnnxRuntime(@ForAll @IntRange(min = 2, max = 6) int layers,
            @ForAll @IntRange(min = 1, max = 8) int width, @ForAll Activation activation) {
        RestorerSpec spec = Restorers.dncnn(layers, width).withActivation(activation);
        TrainedRestorer r = OnnxExportTest.restorer(spec, ValueRange.ZERO_ONE);
        OnnxExporter.Verification v = OnnxExporter.verify(r, OnnxExporter.toModel(r).toByteArray());
        assertTrue(v.passed(), spec.describe() + ": " + v);
    }
}
