package dev.dna.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Restorers;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spec.ValueRange;
import java.io.InputStream;
import java.nio.file.Files;
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
        Path f = tmp.resolve(name);
        try (InputStream in = ModernNetworksTest.class.getResourceAsStream("fixtures/modern/" + name)) {
            Files.copy(in, f);
        }
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"nafnet", "gelu-hardswish", "instancenorm-unet", "channel-attention", "reflectpad"})
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

    /**
     * Where the importer stops today, named by node before any training: shape arithmetic on sizes known only at run time
     * (PixelUnshuffle's reshape; the batch and spatial sizes that Restormer's and SwinIR's reshapes read). When one of
     * these imports, move it to the test above.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"pixelshuffle-unet, '/down/down.0/Reshape'", "restormer, '/attn/Gather'",
        "swinir-lite, '/block/Gather'"})
    void theRestAreRefusedByNode(String name, String named) throws Exception {
        Path f = fixture(name + "-opset17.onnx");
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> OnnxImportTest.imported(Restorers.fromOnnx(f), ValueRange.ZERO_ONE));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }
}
