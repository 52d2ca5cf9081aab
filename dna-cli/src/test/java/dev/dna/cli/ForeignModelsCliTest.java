package dev.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.api.metrics.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models trained elsewhere at the command line: whether they can be adapted, and restoring with their interface. */
class ForeignModelsCliTest {
    static final Path FIXTURES = Path.of("..", "dna-onnx", "src", "test", "resources", "dev", "dna", "onnx", "fixtures");

    @TempDir
    Path tmp;

    @Test
    void inspectSaysWhetherAModelCanBeAdapted() {
        DnaTest.Result nafnet = DnaTest.dna("inspect", FIXTURES.resolve("modern/nafnet-opset17.onnx").toString());
        assertEquals(0, nafnet.code(), nafnet.toString());
        assertTrue(nafnet.out().contains("adaptable: yes"), nafnet.out());
    }

    @Test
    void aNoisePredictorIsRestoredWithItsPredictionAndAFixedSizeModelInTiles() throws IOException {
        Image clean = EmbeddedImages.get("rocket.png").crop(10, 20, 70, 90); // not a multiple of 16, nor of 64
        Path noisy = tmp.resolve("noisy.png");
        Images.writePng(Awgn.sigma255(20, 20).apply(clean, 4L).clip(), noisy);
        Path asImage = tmp.resolve("as-image.png");
        Path asNoise = tmp.resolve("as-noise.png");
        Path dncnn = FIXTURES.resolve("dncnn-opset17.onnx");
        assertEquals(0, DnaTest.dna("restore", "--model", dncnn.toString(), "--in", noisy.toString(), "--out",
                asImage.toString()).code());
        DnaTest.Result r = DnaTest.dna("restore", "--model", dncnn.toString(), "--predicts", "NOISE", "--in", noisy.toString(),
                "--out", asNoise.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("padded to a multiple of 1"), "DnCNN keeps its size: " + r.out());
        // the fixture's DnCNN is x - net(x) already: read as NOISE it becomes x - (x - net(x)), another image; the point is
        // that the option is applied, so the two outputs differ
        assertTrue(Metrics.psnr(Images.readRgb(asImage), Images.readRgb(asNoise)) < 40, "--predicts changed nothing");
        Path fixed = tmp.resolve("fixed.png");
        DnaTest.Result f = DnaTest.dna("restore", "--model", FIXTURES.resolve("dncnn-fixed64-opset17.onnx").toString(), "--in",
                noisy.toString(), "--out", fixed.toString());
        assertEquals(0, f.code(), f.toString());
        assertTrue(f.out().contains("fixed 64x64 input: tiles of that size"), f.out());
        Image y = Images.readRgb(fixed);
        assertEquals(70, y.height());
        assertEquals(90, y.width());
        // the same network with dynamic sizes restores the image whole: the tiles agree with it away from tile seams
        assertTrue(Metrics.psnr(Images.readRgb(asImage), y) > 30, "tiles of the fixed-size model: "
                + Metrics.psnr(Images.readRgb(asImage), y) + " dB from the whole-image result");
    }

    @Test
    void dnaModelsRefuseOptionsMeantForOnnxModels() throws IOException {
        Path x = tmp.resolve("x.png");
        Images.writePng(EmbeddedImages.get("rocket.png").centerCrop(32), x);
        DnaTest.assertOneLineError(DnaTest.dna("restore", "--model", "pretrained:nope", "--value-range", "ZERO_255", "--in",
                x.toString(), "--out", tmp.resolve("y.png").toString()), 1, "ONNX models");
    }
}
