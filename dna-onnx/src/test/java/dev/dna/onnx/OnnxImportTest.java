package dev.dna.onnx;

import dev.dna.ort.OnnxRestorer;
import dev.dna.ort.OrtRuntime;
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
        return TestModels.fixture(tmp, name);
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

    /** {@code name} with its input and output renamed (PyTorch's fixtures use "input", as dna does). */
    Path renamed(String name, String input, String output) throws IOException {
        onnx.Onnx.ModelProto m = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(fixture(name)));
        onnx.Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
        String in = g.getInput(0).getName();
        String out = g.getOutput(0).getName();
        g.setInput(0, g.getInput(0).toBuilder().setName(input));
        g.setOutput(0, g.getOutput(0).toBuilder().setName(output));
        for (int i = 0; i < g.getNodeCount(); i++) {
            onnx.Onnx.NodeProto.Builder n = g.getNodeBuilder(i);
            for (int j = 0; j < n.getInputCount(); j++) {
                n.setInput(j, n.getInput(j).equals(in) ? input : n.getInput(j));
            }
            for (int j = 0; j < n.getOutputCount(); j++) {
                n.setOutput(j, n.getOutput(j).equals(out) ? output : n.getOutput(j));
            }
        }
        Path f = tmp.resolve("renamed-" + name);
        Files.write(f, m.toBuilder().setGraph(g).build().toByteArray());
        return f;
    }

    static List<String> dims(onnx.Onnx.ValueInfoProto v) {
        List<String> d = new java.util.ArrayList<>();
        for (onnx.Onnx.TensorShapeProto.Dimension x : v.getType().getTensorType().getShape().getDimList()) {
            d.add(x.hasDimValue() ? Long.toString(x.getDimValue()) : "?");
        }
        return d;
    }

    @ParameterizedTest
    @CsvSource({"dncnn-opset17.onnx, ZERO_ONE, RESTORED", "dncnn-opset17.onnx, ZERO_255, NOISE",
        "authors-unet-opset13.onnx, MINUS_ONE_ONE, RESIDUAL", "dncnn-fixed64-opset17.onnx, ZERO_255, RESTORED"})
    void theExportKeepsTheInterfaceOfTheModelThatCameIn(String name, ValueRange range, Prediction predicts) throws Exception {
        Path original = renamed(name, "noisy", "denoised");
        OnnxRestorerSpec spec = Restorers.fromOnnx(original).withValueRange(range).withPredicts(predicts);
        TrainedRestorer r = imported(spec, ValueRange.ZERO_ONE);
        Path out = tmp.resolve("exported.onnx");
        OnnxExporter.Verification v = OnnxExporter.export(r, out);
        assertTrue(v.passed(), v.toString());
        onnx.Onnx.ModelProto before = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(original));
        onnx.Onnx.ModelProto after = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(out));
        assertEquals("noisy", after.getGraph().getInput(0).getName());
        assertEquals("denoised", after.getGraph().getOutput(0).getName());
        assertEquals(dims(before.getGraph().getInput(0)), dims(after.getGraph().getInput(0)));
        assertEquals(dims(before.getGraph().getOutput(0)), dims(after.getGraph().getOutput(0)));
        Map<String, String> meta = new java.util.HashMap<>();
        after.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
        assertEquals(range.name(), meta.get("dna.value_range"));
        assertEquals(predicts.name(), meta.get("dna.predicts"));
        // untrained, the export is the original model, whatever it was declared to be, in the original's own terms
        int side = spec.fixedHeight() > 0 ? (int) spec.fixedHeight() : 32;
        ImageBatch x = batch(1, side, side);
        float[] xm = range.fromUnit(x.toArray().clone());
        ImageBatch inModelRange = ImageBatch.of(1, 3, side, side, xm);
        double d = maxDiff(ort(original, inModelRange), ort(out, inModelRange));
        assertTrue(d < 1e-4 * range.span(), "the export differs from the model that came in by " + d);
        if (spec.fixedHeight() < 0) { // dna's ORT runtime reads the interface from the metadata and restores as SameDiff does
            try (OnnxRestorer ort = OnnxRestorer.load(out)) {
                double e = maxDiff(ort.predict(x).toArray(), r.predict(x).toArray());
                assertTrue(e < 1e-4, "OnnxRestorer on the export differs from SameDiff by " + e);
            }
        }
    }

    /** A 3x3 box blur per channel (a crude restorer), optionally clipped to [0, 1], or the noise it removes. */
    static Path blurModel(Path file, boolean clip, boolean noise) throws IOException {
        TestModels m = TestModels.create();
        float[] k = new float[27];
        java.util.Arrays.fill(k, 1f / 9);
        String w = m.floats("blur", new long[] {3, 1, 3, 3}, k);
        String y = m.node("Conv", new String[] {"input", w}, TestModels.ints("pads", 1, 1, 1, 1), TestModels.i("group", 3));
        if (clip) {
            y = m.node("Clip", new String[] {y, m.floats("lo", new long[0], 0f), m.floats("hi", new long[0], 1f)});
        }
        if (noise) {
            y = m.node("Sub", new String[] {"input", y});
        }
        return m.save(file, y);
    }

    static dev.dna.api.data.ImageSet noisyPhotos() {
        var photos = EmbeddedImages.load();
        dev.dna.api.degrade.Degradation awgn = dev.dna.api.degrade.Degradations.parse("awgn:15-15");
        List<Image> out = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            out.add(awgn.apply(photos.get(i), (long) i).clip());
        }
        return dev.dna.api.data.ImageSet.of(List.of("a", "b"), out);
    }

    @Test
    void thePredictionCheckNamesAModelDeclaredWrongly() throws Exception {
        dev.dna.api.data.ImageSet real = noisyPhotos();
        OnnxRestorerSpec blur = Restorers.fromOnnx(blurModel(tmp.resolve("blur.onnx"), true, false));
        PredictionCheck.Result ok = PredictionCheck.check(blur, real, 2);
        assertEquals(java.util.Optional.empty(), ok.warning(), ok.readings().toString());
        assertEquals(Prediction.RESTORED, ok.best().predicts());
        assertEquals(ValueRange.ZERO_ONE, ok.best().range(), ok.readings().toString());
        // the same restorer taken for a noise predictor, or for a 0-255 model
        PredictionCheck.Result asNoise = PredictionCheck.check(blur.withPredicts(Prediction.NOISE), real, 2);
        assertTrue(asNoise.suspicious() && asNoise.warning().orElseThrow().contains("NOISE")
                && asNoise.warning().orElseThrow().contains("RESTORED"), String.valueOf(asNoise.warning()));
        PredictionCheck.Result as255 = PredictionCheck.check(blur.withValueRange(ValueRange.ZERO_255), real, 2);
        assertTrue(as255.suspicious() && as255.warning().orElseThrow().contains("ZERO_255"), String.valueOf(as255.warning()));
        // a noise predictor declared as such passes; declared a restorer, it is named
        OnnxRestorerSpec noise = Restorers.fromOnnx(blurModel(tmp.resolve("noise.onnx"), false, true));
        assertEquals(java.util.Optional.empty(),
                PredictionCheck.check(noise.withPredicts(Prediction.NOISE), real, 2).warning());
        PredictionCheck.Result asRestored = PredictionCheck.check(noise, real, 2);
        assertTrue(asRestored.suspicious(), asRestored.readings().toString());
        assertTrue(asRestored.best().predicts() != Prediction.RESTORED, asRestored.readings().toString());
    }

    @Test
    void dnasOwnExportImportsBackAsAForeignModel() throws Exception {
        AdaptationPlan p = Adaptation.of(Restorers.dncnn(4, 8)).patchSize(16).batchSize(2).steps(1).seed(5).build();
        Path f = tmp.resolve("dna-dncnn.onnx");
        OnnxExporter.export(TrainedRestorer.initial(p), f);
        TrainedRestorer r = imported(Restorers.fromOnnx(f), ValueRange.ZERO_ONE);
        for (int side : new int[] {24, 40}) {
            ImageBatch x = batch(2, side, side + 8);
            double d = maxDiff(ort(f, x), r.predict(x).toArray());
            assertTrue(d < 1e-4, "max |SameDiff - ORT| = " + d + " at " + side);
        }
        assertTrue(OnnxExporter.export(r, tmp.resolve("again.onnx")).passed());
        // dna's UNet export computes its upsampled sizes from Shape at run time: its inference graph is refused, by name
        // (a restorer.dna warm-starts instead)
        AdaptationPlan unet = Adaptation.of(Restorers.unet(4, 2)).patchSize(16).batchSize(2).steps(1).build();
        Path u = tmp.resolve("dna-unet.onnx");
        OnnxExporter.export(TrainedRestorer.initial(unet), u);
        Exception e = assertThrows(UnsupportedNodeException.class, () -> imported(Restorers.fromOnnx(u), ValueRange.ZERO_ONE));
        assertTrue(e.getMessage().contains("(Resize)") && e.getMessage().contains("scales or sizes must be constants"),
                e.getMessage()); // refused at the first node that needs fixed sizes
    }

    @Test
    void savedRestorersAndCheckpointsOfAnImportedPlanCarryTheModel() throws Exception {
        Path f = renamed("dncnn-opset13.onnx", "x", "y"); // bytes no other test loads, so nothing is registered already
        OnnxRestorerSpec spec = Restorers.fromOnnx(f);
        AdaptationPlan p = Adaptation.of(spec).patchSize(16).batchSize(2).steps(2).seed(3).build();
        Path ckpt = tmp.resolve("run.ckpt");
        dev.dna.samediff.SameDiffTrainer.create(p).progressBar(false).checkpointEvery(1, ckpt).stopAfter(1)
                .fit(dev.dna.samediff.TrainerTest.synthetic(p), null);
        TrainedRestorer r = imported(spec, ValueRange.ZERO_ONE);
        Path saved = tmp.resolve("imported.dna");
        r.save(saved);
        ImageBatch x = batch(1, 24, 24);
        float[] before = r.predict(x).toArray();
        Files.delete(f);
        Exception gone = assertThrows(RuntimeException.class, () -> imported(spec, ValueRange.ZERO_ONE));
        assertTrue(gone.getMessage().contains("does not exist"), gone.getMessage());
        // the checkpoint resumes and the restorer file loads without the original
        TrainedRestorer resumed = dev.dna.samediff.SameDiffTrainer.create(p).progressBar(false)
                .resume(ckpt, dev.dna.samediff.TrainerTest.synthetic(p), null);
        assertEquals(TrainedRestorer.initial(p).weights().keySet(), resumed.weights().keySet());
        assertEquals(0.0, maxDiff(before, TrainedRestorer.load(saved).predict(x).toArray()));
        // an embedded model that does not match its digest is named
        Path bad = tmp.resolve("bad.dna");
        try (var in = new java.util.zip.ZipFile(saved.toFile());
                var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(bad))) {
            for (var e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                byte[] b = in.getInputStream(e).readAllBytes();
                if (e.getName().startsWith("onnx/")) {
                    b[b.length / 2] ^= 1;
                }
                out.write(b);
                out.closeEntry();
            }
        }
        IOException e = assertThrows(IOException.class, () -> TrainedRestorer.load(bad));
        assertTrue(e.getMessage().contains("bad.dna is corrupt") && e.getMessage().contains("SHA-256"), e.getMessage());
    }
}
