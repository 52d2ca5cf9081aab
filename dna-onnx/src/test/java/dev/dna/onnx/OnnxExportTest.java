package dev.dna.onnx;

import dev.dna.ort.OnnxRestorer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.image.Image;
import dev.dna.api.spec.Activation;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.Upsampling;
import dev.dna.api.spec.ValueRange;
import dev.dna.samediff.graph.RestorerNets;
import dev.dna.samediff.TrainedRestorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OnnxExportTest {
    @TempDir
    Path tmp;

    /** A restorer with its seeded random initial weights (export does not care whether it was trained). */
    static TrainedRestorer restorer(RestorerSpec spec, ValueRange range) {
        AdaptationPlan p = Adaptation.of(spec).patchSize(spec.downsamplingFactor() * 4).valueRange(range).seed(5).build();
        return TrainedRestorer.initial(p);
    }

    static List<RestorerSpec> builtIns() {
        List<RestorerSpec> out = new ArrayList<>();
        for (Upsampling u : Upsampling.values()) {
            out.add(Restorers.unet(4, 2).withUpsampling(u));
        }
        for (Activation a : Activation.values()) {
            out.add(Restorers.unet(3, 1).withActivation(a));
            out.add(Restorers.dncnn(3, 4).withActivation(a));
        }
        out.add(Restorers.unet(4, 3).withResidual(false));
        out.add(Restorers.dncnn(5, 6).withResidual(false));
        return out;
    }

    @ParameterizedTest
    @MethodSource("builtIns")
    void everyBuiltInConfigurationExportsAndMatchesSameDiff(RestorerSpec spec) throws IOException {
        Path f = tmp.resolve("m.onnx");
        OnnxExporter.Verification v = OnnxExporter.export(restorer(spec, ValueRange.ZERO_ONE), f);
        assertTrue(v.passed(), spec.describe() + ": " + v);
        assertTrue(v.maxAbsDiff() <= 1e-4);
        assertTrue(Files.size(f) > 100);
        checkModel(f);
    }

    /** Debian's python3-onnx checker; CI installs it, elsewhere the check is skipped when the tool is absent. */
    static void checkModel(Path f) throws IOException {
        Path tool = Path.of("/usr/bin/check-model");
        if (!Files.isExecutable(tool)) {
            assertFalse("true".equals(System.getenv("CI")), "CI must have check-model (apt-get install python3-onnx)");
            return;
        }
        Process p = new ProcessBuilder(tool.toString(), f.toString()).redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "check-model timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), "check-model rejected " + f + ":\n" + out);
    }

    @Test
    void onnxRuntimeRestorerIsThreadSafe() throws Exception {
        TrainedRestorer r = restorer(Restorers.unet(4, 2), ValueRange.ZERO_ONE);
        Path f = tmp.resolve("threads.onnx");
        OnnxExporter.export(r, f);
        java.util.List<Image> xs = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            xs.add(EmbeddedImages.get("astronaut.png").crop(i * 9, i * 4, 40 + 4 * i, 48 - 2 * i));
        }
        try (OnnxRestorer o = OnnxRestorer.load(f)) {
            java.util.List<Image> alone = xs.stream().map(o::restore).toList();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                for (int round = 0; round < 3; round++) {
                    java.util.List<java.util.concurrent.Future<Image>> together = new java.util.ArrayList<>();
                    for (Image x : xs) {
                        together.add(pool.submit(() -> o.restore(x)));
                    }
                    for (int i = 0; i < xs.size(); i++) {
                        assertEquals(alone.get(i), together.get(i).get(), "image " + i + " from 8 threads, round " + round);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void onnxRuntimeRestorerMatchesTheSameDiffPathIncludingPaddingAndTiling() throws IOException {
        TrainedRestorer r = restorer(Restorers.unet(4, 2), ValueRange.MINUS_ONE_ONE);
        Path f = tmp.resolve("r.onnx");
        OnnxExporter.export(r, f);
        Image x = EmbeddedImages.get("astronaut.png").crop(7, 3, 61, 45);
        try (OnnxRestorer o = OnnxRestorer.load(f)) {
            assertEquals(4, o.downsamplingFactor());
            assertFalse(o.onCuda());
            assertArrayEquals(r.restore(x).toArray(), o.restore(x).toArray(), 1e-4f);
            // wider than the 1024-pixel default tile: both paths tile the same way
            Image big = dev.dna.api.image.TiledInference.replicatePad(EmbeddedImages.get("astronaut.png").crop(0, 0, 100, 512), 100, 1040);
            assertArrayEquals(r.restore(big).toArray(), o.restore(big).toArray(), 1e-4f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.restore(Image.filled(4, 8, 8, 0f)));
            assertTrue(e.getMessage().contains("3 channels"), e.getMessage());
        }
    }

    @Test
    void anOpWithoutConverterFailsNamingItAndWritesNothing() {
        RestorerNets.register("uses-abs", (l, x, spec) -> l.sameDiff().math().abs(l.conv("c", x, 3, 3, 3)));
        TrainedRestorer r = restorer(Restorers.custom("uses-abs", 1), ValueRange.ZERO_ONE);
        Path f = tmp.resolve("never.onnx");
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> OnnxExporter.export(r, f));
        assertEquals("abs", e.opName());
        assertTrue(e.getMessage().contains("'abs'") && e.getMessage().contains("G/c"), e.getMessage());
        assertFalse(Files.exists(f));
    }

    @Test
    void aDnaRestorerOpensOnOnnxRuntimeAndOneThatCannotBeExportedOnSameDiff() throws Exception {
        List<Path> before = temporaryOnnxFiles();
        TrainedRestorer r = restorer(Restorers.unet(4, 2), ValueRange.ZERO_ONE);
        Path saved = tmp.resolve("r.dna");
        r.save(saved);
        Image x = EmbeddedImages.get("astronaut.png").crop(5, 9, 40, 52);
        try (RestorerFiles.Opened o = RestorerFiles.open(saved.toString(), false)) { // dna's UNet: its channels-last graph
            assertEquals("SameDiff, channels-last; a dna restorer", o.engine());
            assertTrue(o.restorer() instanceof TrainedRestorer, o.restorer().getClass().getName());
            assertArrayEquals(r.restore(x).toArray(), o.restorer().restore(x).toArray(), 1e-5f);
        }
        try (RestorerFiles.Opened o = RestorerFiles.onOnnxRuntime(r, "a dna restorer", false)) { // what --cuda asks for
            assertTrue(o.engine().startsWith("ONNX Runtime, CPU; a dna restorer, exported to ONNX"), o.engine());
            assertTrue(o.restorer() instanceof OnnxRestorer, o.restorer().getClass().getName());
            assertArrayEquals(r.restore(x).toArray(), o.restorer().restore(x).toArray(), 1e-4f);
        }
        try (OnnxRestorer fast = OnnxExporter.toOnnxRuntime(r, OnnxRestorer.Options.defaults().withIntraOpThreads(1))) {
            assertArrayEquals(r.restore(x).toArray(), fast.restore(x).toArray(), 1e-4f);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.toOnnxRuntime(r, OnnxRestorer.Options.defaults().withPaddingMultiple(8)));
        assertTrue(e.getMessage().contains("records its value range, prediction and padding itself"), e.getMessage());
        RestorerNets.register("uses-abs-2", (l, in, spec) -> l.sameDiff().math().abs(l.conv("c", in, 3, 3, 3)));
        TrainedRestorer abs = restorer(Restorers.custom("uses-abs-2", 1), ValueRange.ZERO_ONE);
        try (RestorerFiles.Opened o = RestorerFiles.onOnnxRuntime(abs, "a dna restorer", false)) {
            assertTrue(o.engine().startsWith("SameDiff; a dna restorer (not on ONNX Runtime: cannot export op 'abs'"), o.engine());
            assertArrayEquals(abs.restore(x).toArray(), o.restorer().restore(x).toArray(), 0f);
        }
        assertEquals(before, temporaryOnnxFiles(), "the temporary ONNX files are gone");
    }

    /** RestorerFiles' temporary exports in the temporary folder. */
    static List<Path> temporaryOnnxFiles() throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("dna-restorer-")).sorted().toList();
        }
    }

    @Test
    void badModelFilesGiveClearErrors() throws IOException {
        assertThrows(NoSuchFileException.class, () -> OnnxRestorer.load(tmp.resolve("missing.onnx")));
        Path junk = tmp.resolve("junk.onnx");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        IOException e = assertThrows(IOException.class, () -> OnnxRestorer.load(junk));
        assertTrue(e.getMessage().contains("junk.onnx"), e.getMessage());
        // a valid ONNX restorer from another exporter (no dna metadata): loads, in [0, 1], and restores as the dna file does
        TrainedRestorer dncnn = restorer(Restorers.dncnn(3, 4), ValueRange.ZERO_ONE);
        var model = OnnxExporter.toModel(dncnn).toBuilder().clearMetadataProps().build();
        Path foreign = tmp.resolve("foreign.onnx");
        Files.write(foreign, model.toByteArray());
        Path ours = tmp.resolve("ours.onnx");
        Files.write(ours, OnnxExporter.toModel(dncnn).toByteArray());
        Image x = Image.filled(3, 21, 30, 0.4f);
        try (OnnxRestorer a = OnnxRestorer.load(foreign); OnnxRestorer b = OnnxRestorer.load(ours)) {
            assertEquals(OnnxRestorer.FOREIGN_FACTOR, a.downsamplingFactor());
            Image ya = a.restore(x);
            Image yb = b.restore(x);
            assertEquals(yb.shapeString(), ya.shapeString());
            // the same network: the same output away from the borders, where only the padding differs
            double d = 0;
            float[] a1 = ya.crop(4, 4, 13, 22).toArray();
            float[] b1 = yb.crop(4, 4, 13, 22).toArray();
            for (int i = 0; i < a1.length; i++) {
                d = Math.max(d, Math.abs(a1[i] - b1[i]));
            }
            assertTrue(d < 1e-5, "max |difference| inside: " + d);
        }
        // a fixed input size that is not square, or a layout other than [N, 3, H, W]: refused at load, naming the shape (a
        // square fixed size restores in tiles of its size: ForeignModelsTest)
        var fixed = model.toBuilder();
        var dims = fixed.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        dims.getDimBuilder(2).clear().setDimValue(64);
        dims.getDimBuilder(3).clear().setDimValue(48);
        Path fixedFile = tmp.resolve("fixed.onnx");
        Files.write(fixedFile, fixed.build().toByteArray());
        IOException g = assertThrows(IOException.class, () -> OnnxRestorer.load(fixedFile));
        assertTrue(g.getMessage().contains("fixed.onnx") && g.getMessage().contains("fixed size [?, 3, 64, 48]")
                && g.getMessage().contains("not square"), g.getMessage());
        var nhwc = model.toBuilder();
        var d2 = nhwc.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        d2.getDimBuilder(1).clear().setDimParam("H");
        d2.getDimBuilder(3).clear().setDimValue(3);
        Path nhwcFile = tmp.resolve("nhwc.onnx");
        Files.write(nhwcFile, nhwc.build().toByteArray());
        IOException h = assertThrows(IOException.class, () -> OnnxRestorer.load(nhwcFile));
        assertTrue(h.getMessage().contains("nhwc.onnx"), h.getMessage());
    }

    @Test
    void metadataRecordsThePlan() throws IOException {
        TrainedRestorer r = restorer(Restorers.dncnn(3, 4), ValueRange.ZERO_ONE);
        var m = OnnxExporter.toModel(r);
        assertEquals(OnnxExporter.OPSET, m.getOpsetImport(0).getVersion());
        var props = new java.util.HashMap<String, String>();
        m.getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        assertEquals(r.planJson(), props.get("dna.plan"));
        assertEquals("ZERO_ONE", props.get("dna.value_range"));
        assertEquals("1", props.get("dna.downsampling_factor"));
        assertEquals(AdaptationPlan.fromJson(r.planJson()).restorer(), r.spec());
    }
}
