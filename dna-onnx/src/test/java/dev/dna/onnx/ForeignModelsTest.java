package dev.dna.onnx;

import dev.dna.ort.OnnxRestorer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.image.Image;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Restorers written by PyTorch's exporter (fixtures/, see its README) run through OnnxRestorer without dna metadata. */
class ForeignModelsTest {
    @TempDir
    Path tmp;

    Path fixture(String name) throws IOException {
        Path f = tmp.resolve(name);
        try (InputStream in = ForeignModelsTest.class.getResourceAsStream("fixtures/" + name)) {
            Files.copy(in, f);
        }
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dncnn-opset13.onnx", "dncnn-opset17.onnx", "dncnn-unfolded-bn-opset17.onnx", "authors-unet-opset13.onnx",
        "authors-unet-opset17.onnx", "bn-transpose-opset13.onnx", "bn-transpose-opset17.onnx"})
    void aPyTorchExportedRestorerRestoresImagesOfAnySize(String name) throws IOException {
        Image x = EmbeddedImages.load().get(1).crop(0, 0, 45, 70); // not a multiple of any downsampling
        try (OnnxRestorer r = OnnxRestorer.load(fixture(name))) {
            Image y = r.restore(x);
            assertEquals(x.shapeString(), y.shapeString(), name);
            for (float v : y.toArray()) {
                assertTrue(Float.isFinite(v) && v >= 0 && v <= 1, name + ": " + v);
            }
        }
    }

    @Test
    void theFoldedAndUnfoldedDnCnnExportsAreTheSameNetwork() throws IOException {
        Image x = EmbeddedImages.load().get(2).crop(0, 0, 48, 48);
        try (OnnxRestorer a = OnnxRestorer.load(fixture("dncnn-opset17.onnx"));
                OnnxRestorer b = OnnxRestorer.load(fixture("dncnn-unfolded-bn-opset17.onnx"))) {
            float[] ya = a.restore(x).toArray();
            float[] yb = b.restore(x).toArray();
            double max = 0;
            for (int i = 0; i < ya.length; i++) {
                max = Math.max(max, Math.abs(ya[i] - yb[i]));
            }
            assertTrue(max < 1e-4, "BN folded by the exporter or not: max |difference| " + max);
        }
    }

    @Test
    void aFixedSizeExportIsRefusedAtLoad() throws IOException {
        IOException e = assertThrows(IOException.class, () -> OnnxRestorer.load(fixture("dncnn-fixed64-opset17.onnx")));
        assertTrue(e.getMessage().contains("fixed size [1, 3, 64, 64]") && e.getMessage().contains("dynamic height and width"),
                e.getMessage());
    }
}
