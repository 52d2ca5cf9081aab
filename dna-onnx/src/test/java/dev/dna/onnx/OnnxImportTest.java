package dev.dna.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.image.Image;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spec.Prediction;
import dev.dna.api.spec.ValueRange;
import dev.dna.samediff.TrainedRestorer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Restorers written by PyTorch's exporter (fixtures/, see its README), imported as trainable SameDiff graphs. */
class OnnxImportTest {
    @TempDir
    Path tmp;

    Path fixture(String name) throws IOException {
        Path f = tmp.resolve(name);
        if (!Files.exists(f)) {
            try (InputStream in = OnnxImportTest.class.getResourceAsStream("fixtures/" + name)) {
                Files.copy(in, f);
            }
        }
        return f;
    }

    /** What ONNX Runtime computes from the file itself, for a batch given in the model's terms. */
    static float[] ort(Path model, ImageBatch x) throws OrtException {
        try (OrtSession s = OrtRuntime.environment().createSession(model.toString(), new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(OrtRuntime.environment(), FloatBuffer.wrap(x.toArray()),
                        new long[] {x.size(), 3, x.height(), x.width()});
                OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
            OnnxTensor y = (OnnxTensor) r.get(0);
            FloatBuffer b = y.getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }

    static ImageBatch batch(int n, int h, int w) {
        List<Image> imgs = EmbeddedImages.load().images();
        Image[] crops = new Image[n];
        for (int i = 0; i < n; i++) {
            crops[i] = imgs.get(i % imgs.size()).crop(3 * i, 5 * i, h, w);
        }
        return ImageBatch.stack(crops);
    }

    static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static TrainedRestorer imported(OnnxRestorerSpec spec, ValueRange planRange) {
        int f = spec.downsamplingFactor();
        int patch = spec.fixedHeight() > 0 ? (int) spec.fixedHeight() : Math.max(16, f * 4);
        AdaptationPlan p = Adaptation.of(spec).patchSize(patch).valueRange(planRange).seed(3).build();
        return TrainedRestorer.initial(p);
    }

    @ParameterizedTest
    @CsvSource({"dncnn-opset13.onnx, 1", "dncnn-opset17.onnx, 1", "dncnn-unfolded-bn-opset17.onnx, 1", "authors-unet-opset13.onnx, 4",
        "authors-unet-opset17.onnx, 4", "bn-transpose-opset13.onnx, 4", "bn-transpose-opset17.onnx, 4"})
    void anImportedRestorerComputesWhatOnnxRuntimeComputesFromTheFile(String name, int factor) throws Exception {
        Path f = fixture(name);
        OnnxRestorerSpec spec = Restorers.fromOnnx(f);
        assertEquals("input", spec.inputName());
        assertEquals("output", spec.outputName());
        assertEquals(factor, spec.downsamplingFactor(), name);
        assertEquals(Prediction.RESTORED, spec.predicts());
        assertEquals(-1L, spec.fixedHeight());
        TrainedRestorer r = imported(spec, ValueRange.ZERO_ONE);
        for (int[] size : new int[][] {{2, 32, 48}, {1, 44, 20}}) {
            ImageBatch x = batch(size[0], size[1], size[2]);
            double d = maxDiff(ort(f, x), r.predict(x).toArray());
            assertTrue(d < 1e-4, name + " " + x.shapeString() + ": max |SameDiff - ORT| = " + d);
        }
    }

    @Test
    void aFixedSizeModelIsImportedWithItsSizeAndTrainsOnPatchesOfThatSize() throws Exception {
        Path f = fixture("dncnn-fixed64-opset17.onnx");
        OnnxRestorerSpec spec = Restorers.fromOnnx(f);
        assertEquals(List.of(1L, 3L, 64L, 64L), spec.inputShape());
        ImageBatch x = batch(1, 64, 64);
        double d = maxDiff(ort(f, x), imported(spec, ValueRange.ZERO_ONE).predict(x).toArray());
        assertTrue(d < 1e-4, "max |SameDiff - ORT| = " + d);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Adaptation.of(spec).patchSize(48).build());
        assertTrue(e.getMessage().contains("64"), e.getMessage());
    }

    @Test
    void aModelTrainedInAnotherRangeIsMappedAtBothEnds() throws Exception {
        // dncnn-opset17 is x - net(x); read as a [-1, 1] model, the plan's [0, 1] input reaches it as 2x - 1, and
        // its output comes back as (out + 1) / 2
        Path f = fixture("dncnn-opset17.onnx");
        OnnxRestorerSpec spec = Restorers.fromOnnx(f).withValueRange(ValueRange.MINUS_ONE_ONE);
        ImageBatch x = batch(1, 24, 24);
        float[] xm = x.toArray().clone();
        for (int i = 0; i < xm.length; i++) {
            xm[i] = 2 * xm[i] - 1;
        }
        float[] expected = ort(f, ImageBatch.of(1, 3, 24, 24, xm));
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (expected[i] + 1) / 2;
        }
        float[] got = imported(spec, ValueRange.ZERO_ONE).predict(x).toArray();
        double d = maxDiff(expected, got);
        assertTrue(d < 1e-4, "max |SameDiff - ORT| = " + d);
    }

    @Test
    void aModelThatPredictsTheNoiseIsTurnedIntoAResidual() throws Exception {
        // read as predicting the noise n (y = x - n), the same file restores to x - out(x)
        Path f = fixture("dncnn-opset17.onnx");
        OnnxRestorerSpec spec = Restorers.fromOnnx(f).withPredicts(Prediction.NOISE);
        assertTrue(spec.residual());
        ImageBatch x = batch(1, 24, 24);
        float[] out = ort(f, x);
        float[] xs = x.toArray();
        float[] expected = new float[out.length];
        for (int i = 0; i < out.length; i++) {
            expected[i] = xs[i] - out[i];
        }
        double d = maxDiff(expected, imported(spec, ValueRange.ZERO_ONE).predict(x).toArray());
        assertTrue(d < 1e-4, "max |SameDiff - ORT| = " + d);
    }

    @Test
    void aChangedFileIsRefusedWhenThePlanIsBuiltAgain() throws Exception {
        Path f = fixture("dncnn-opset13.onnx");
        OnnxRestorerSpec spec = Restorers.fromOnnx(f);
        Files.copy(fixture("dncnn-opset17.onnx"), f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Exception e = assertThrows(RuntimeException.class, () -> imported(spec, ValueRange.ZERO_ONE));
        assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains("changed"), e.getMessage());
    }

    @Test
    void aTruncatedOrForeignFileIsRefusedWithItsName() throws Exception {
        byte[] b = Files.readAllBytes(fixture("authors-unet-opset17.onnx"));
        Path cut = tmp.resolve("cut.onnx");
        Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Restorers.fromOnnx(cut));
        assertTrue(e.getMessage().contains("cut.onnx"), e.getMessage());
        Path png = tmp.resolve("photo.onnx");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13});
        e = assertThrows(UncheckedIOException.class, () -> Restorers.fromOnnx(png));
        assertTrue(e.getMessage().contains("photo.onnx"), e.getMessage());
        e = assertThrows(UncheckedIOException.class, () -> Restorers.fromOnnx(tmp.resolve("missing.onnx")));
        assertTrue(e.getMessage().contains("missing.onnx"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"authors-unet-opset17.onnx", "bn-transpose-opset13.onnx"})
    void anImportedRestorerIsAdaptedByTheMethodAndExportedAgain(String name) throws Exception {
        OnnxRestorerSpec spec = Restorers.fromOnnx(fixture(name));
        AdaptationPlan p = Adaptation.of(spec)
                .withDiffusion(dev.dna.api.Diffusion.unet(4).multipliers(1, 2).resBlocks(1).groups(2))
                .channelShuffle()
                .residualSwap()
                .patchSize(16)
                .batchSize(2)
                .steps(3)
                .seed(1)
                .build();
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> before = TrainedRestorer.initial(p).weights();
        TrainedRestorer r = dev.dna.samediff.SameDiffTrainer.create(p).progressBar(false)
                .fit(dev.dna.samediff.TrainerTest.synthetic(p), dev.dna.samediff.TrainerTest.real(p));
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> after = r.weights();
        assertEquals(before.keySet(), after.keySet());
        double moved = 0;
        for (String k : before.keySet()) {
            moved = Math.max(moved, before.get(k).sub(after.get(k)).amaxNumber().doubleValue());
        }
        assertTrue(moved > 1e-6, "three steps of the method moved no weight of the imported restorer");
        Path out = tmp.resolve("adapted.onnx");
        OnnxExporter.Verification v = OnnxExporter.export(r, out);
        assertTrue(v.maxAbsDiff() < 1e-4, v.toString());
        ImageBatch x = batch(1, 32, 32);
        double d = maxDiff(ort(out, x), r.predict(x).toArray());
        assertTrue(d < 1e-4, "the adapted export differs from SameDiff by " + d);
    }
}
