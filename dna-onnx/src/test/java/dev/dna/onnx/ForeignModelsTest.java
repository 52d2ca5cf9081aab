package dev.dna.onnx;

import dev.dna.ort.OnnxRestorer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.image.Image;
import java.io.IOException;
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
        return TestModels.fixture(tmp, name);
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
    void aFixedSizeExportRestoresInTilesOfItsSize() throws IOException {
        try (OnnxRestorer fixed = OnnxRestorer.load(fixture("dncnn-fixed64-opset17.onnx"));
                OnnxRestorer dynamic = OnnxRestorer.load(fixture("dncnn-opset17.onnx"))) {
            assertEquals(java.util.OptionalInt.of(64), fixed.fixedSize());
            for (int[] hw : new int[][] {{40, 52}, {64, 64}, {100, 150}}) { // smaller than a tile, one tile, several
                dev.dna.api.image.Image x = dev.dna.api.data.EmbeddedImages.get("astronaut.png").crop(5, 9, hw[0], hw[1]);
                dev.dna.api.image.Image a = fixed.restore(x);
                assertEquals(hw[0], a.height());
                assertEquals(hw[1], a.width());
                // DnCNN (8 layers of 3x3) sees 8 pixels around: away from tile seams and padded borders, the tiles agree
                // with the whole image through the dynamic-size export of the same network
                dev.dna.api.image.Image b = dynamic.restore(x);
                int m = 9;
                dev.dna.api.image.Image ai = a.crop(m, m, hw[0] - 2 * m, hw[1] - 2 * m);
                dev.dna.api.image.Image bi = b.crop(m, m, hw[0] - 2 * m, hw[1] - 2 * m);
                assertTrue(dev.dna.api.metrics.Metrics.psnr(ai, bi) > 40, hw[0] + "x" + hw[1] + ": "
                        + dev.dna.api.metrics.Metrics.psnr(ai, bi) + " dB");
            }
        }
    }
}
