package dev.dna.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Restorers;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spec.ValueRange;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The restorers people use, as PyTorch exports them (fixtures/modern, tools/make_modern_fixtures.py): each imports,
 * computes what ONNX Runtime computes on the file at two sizes, and exports again.
 */
class ModernNetworksTest {
    @TempDir
    Path tmp;

    Path fixture(String name) throws Exception {
        return TestModels.fixture(tmp, "modern/" + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nafnet", "gelu-hardswish", "instancenorm-unet", "channel-attention", "reflectpad",
        "pixelshuffle-unet", "restormer", "swinir-lite"})
    void importsMatchesOnnxRuntimeAndExportsAgain(String name) throws Exception {
        Path f = fixture(name + "-opset17.onnx");
        OnnxRestorerSpec spec = Restorers.fromOnnx(f);
        var r = OnnxImportTest.imported(spec, ValueRange.ZERO_ONE);
        for (int[] size : new int[][] {{2, 16, 24}, {1, 24, 16}}) {
            ImageBatch x = OnnxImportTest.batch(size[0], size[1], size[2]);
            double d = OnnxImportTest.maxDiff(OnnxImportTest.ort(f, x), r.predict(x).toArray());
            assertTrue(d < 1e-4, name + " " + x.shapeString() + ": max |SameDiff - ORT| = " + d);
        }
        OnnxExporter.export(r, tmp.resolve(name + "-again.onnx"));
    }

    /** Each adapts with the method for two steps (its training graph, gradients included) and exports the result. */
    @ParameterizedTest
    @ValueSource(strings = {"nafnet", "gelu-hardswish", "instancenorm-unet", "channel-attention", "reflectpad",
        "pixelshuffle-unet", "restormer", "swinir-lite"})
    void adaptsForTwoStepsAndExports(String name) throws Exception {
        OnnxRestorerSpec spec = Restorers.fromOnnx(fixture(name + "-opset17.onnx"));
        dev.dna.api.AdaptationPlan plan = dev.dna.api.Adaptation.from(dev.dna.api.Recipes.fineTuning(spec, 2, 0))
                .patchSize(32).batchSize(2).build();
        dev.dna.api.data.PatchSampler patches = dev.dna.api.data.PatchSampler.of(plan);
        dev.dna.api.data.ImageSet photos = dev.dna.api.data.EmbeddedImages.load().select(0, 1);
        dev.dna.samediff.TrainedRestorer r = dev.dna.samediff.SameDiffTrainer.create(plan).progressBar(false).fit(
                dev.dna.api.data.PatchDataset.synthetic(photos, dev.dna.api.degrade.Awgn.sigma255(10, 30), patches),
                dev.dna.api.data.PatchDataset.unpaired(photos, patches));
        OnnxExporter.Verification v = OnnxExporter.export(r, tmp.resolve(name + "-adapted.onnx"));
        assertTrue(v.passed(), name + ": " + v);
    }
}
