package dev.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.onnx.OnnxExporter;
import dev.dna.samediff.TrainedRestorer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dna command as a user runs it: output, files written, one-line errors and exit codes. */
class DnaTest {
    @TempDir
    static Path tmp;

    static Path dnaModel;
    static Path onnxModel;
    static Path photo;

    record Result(int code, String out, String err) {}

    static Result dna(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Dna.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static void assertOneLineError(Result r, int code, String... contains) {
        assertEquals(code, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        for (String c : contains) {
            assertTrue(r.err().contains(c), "'" + c + "' in: " + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @BeforeAll
    static void model() throws IOException {
        AdaptationPlan plan = Adaptation.of(Restorers.unet(4, 2)).patchSize(16).batchSize(2).steps(1).build();
        TrainedRestorer r = TrainedRestorer.initial(plan);
        dnaModel = tmp.resolve("restorer.dna");
        r.save(dnaModel);
        onnxModel = tmp.resolve("restorer.onnx");
        OnnxExporter.export(r, onnxModel);
        photo = tmp.resolve("noisy.png");
        Images.writePng(Awgn.sigma255(20, 20).apply(EmbeddedImages.load().get(0).crop(0, 0, 40, 52), 1L).clip(), photo);
    }

    @Test
    void restoreWritesTheFormatTheOutputNameSays() throws IOException {
        for (Path model : new Path[] {onnxModel, dnaModel}) {
            Path jpg = tmp.resolve("restored-" + model.getFileName() + ".jpg");
            Result r = dna("restore", "--model", model.toString(), "--in", photo.toString(), "--out", jpg.toString());
            assertEquals(0, r.code(), r.toString());
            byte[] b = Files.readAllBytes(jpg);
            assertTrue((b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8, "JPEG bytes under a .jpg name");
            Image y = Images.readRgb(jpg);
            assertEquals(52, y.width());
            assertEquals(40, y.height());
        }
        Path png = tmp.resolve("restored.png");
        assertEquals(0, dna("restore", "--model", onnxModel.toString(), "--in", photo.toString(), "--out", png.toString()).code());
        byte[] b = Files.readAllBytes(png);
        assertTrue(b[1] == 'P' && b[2] == 'N' && b[3] == 'G', "PNG bytes under a .png name");
    }

    @Test
    void restoreDoesAFolderAtATime() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.copy(photo, in.resolve("a.png"));
        Files.copy(photo, in.resolve("b.png"));
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Path out = tmp.resolve("out");
        Result r = dna("restore", "--model", onnxModel.toString(), "--in", in.toString(), "--out", out.toString(), "--format", "jpg");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("[1/2]") && r.out().contains("[2/2]") && r.out().contains("restored 2 images"), r.out());
        assertTrue(Files.exists(out.resolve("a.jpg")) && Files.exists(out.resolve("b.jpg")));
        Files.write(in.resolve("c.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0, 1});
        assertOneLineError(dna("restore", "--model", onnxModel.toString(), "--in", in.toString(), "--out", out.toString()), 1,
                "c.png: truncated PNG", "(--skip-unreadable skips such files; 2 of 3 restored so far)");
        Result skipping = dna("restore", "--model", onnxModel.toString(), "--in", in.toString(), "--out", out.toString(),
                "--skip-unreadable");
        assertEquals(0, skipping.code(), skipping.toString());
        assertTrue(skipping.out().contains("[3/3] skipped: cannot read image") && skipping.out().contains("restored 2 images")
                && skipping.out().contains("skipped 1 unreadable"), skipping.out());
        // two inputs with one output name: refused before anything is written
        Files.copy(photo, in.resolve("a.jpg"));
        Path out2 = tmp.resolve("out2");
        assertOneLineError(dna("restore", "--model", onnxModel.toString(), "--in", in.toString(), "--out", out2.toString(),
                "--skip-unreadable"), 2, "a.jpg and a.png would both be written to");
        assertFalse(Files.exists(out2));
    }

    @Test
    void badInputIsOneLineAndANonZeroExit() throws IOException {
        assertOneLineError(dna("restore", "--model", onnxModel.toString(), "--in", tmp.resolve("none.png").toString(), "--out",
                tmp.resolve("x.png").toString()), 1, "no such file: " + tmp.resolve("none.png"));
        assertOneLineError(dna("restore", "--model", onnxModel.toString(), "--in", photo.toString(), "--out",
                tmp.resolve("x.tiff").toString()), 2, "name it .png, .jpg or .jpeg");
        Path junk = tmp.resolve("junk.dna");
        Files.writeString(junk, "not a zip");
        assertOneLineError(dna("restore", "--model", junk.toString(), "--in", photo.toString(), "--out",
                tmp.resolve("x.png").toString()), 1, "junk.dna is corrupt or not a dna file");
        assertOneLineError(dna("inspect", junk.toString()), 1, "junk.dna is corrupt or not a dna file");
        Path badOnnx = tmp.resolve("bad.onnx");
        Files.write(badOnnx, new byte[] {1, 2, 3, 4, 5});
        assertOneLineError(dna("inspect", badOnnx.toString()), 1, "bad.onnx is not a readable ONNX model");
        assertOneLineError(dna("frobnicate"), 2, "Unmatched argument");
        Result verbose = dna("--verbose", "inspect", junk.toString());
        assertEquals(1, verbose.code());
        assertTrue(verbose.err().contains("\tat "), "--verbose prints the stack trace: " + verbose.err());
    }

    @Test
    void inspectSaysWhatAFileIs() throws IOException {
        Result onnx = dna("inspect", onnxModel.toString());
        assertEquals(0, onnx.code(), onnx.toString());
        assertTrue(onnx.out().contains("ONNX model, IR version") && onnx.out().contains("input  input [") && onnx.out().contains(
                "output restored [") && onnx.out().contains("metadata dna.plan = AdaptationPlan{"), onnx.out());
        Result dna = dna("inspect", dnaModel.toString());
        assertTrue(dna.out().contains("dna restorer (dna-restorer/1)") && dna.out().contains("parameters"), dna.out());
        Path plan = tmp.resolve("plan.json");
        Files.writeString(plan, Adaptation.of(Restorers.unet(4, 2)).steps(7).build().toJson());
        Result p = dna("inspect", plan.toString());
        assertTrue(p.out().contains("dna plan, 7 steps"), p.out());
    }

    @Test
    void adaptTrainsOnFoldersResumesRefusesToOverwriteAndExports() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path testDir = tmp.resolve("test");
        Files.createDirectories(testDir.resolve("noisy"));
        Files.createDirectories(testDir.resolve("clean"));
        for (int i = 0; i < 2; i++) {
            Image c = EmbeddedImages.load().get(i).crop(0, 0, 64, 64);
            Images.writePng(Awgn.sigma255(15, 15).apply(c, 10L + i).clip(), real.resolve("r" + i + ".png"));
            Images.writePng(c, testDir.resolve("clean").resolve("t" + i + ".png"));
            Images.writePng(Awgn.sigma255(15, 15).apply(c, 20L + i).clip(), testDir.resolve("noisy").resolve("t" + i + ".png"));
        }
        Path run = tmp.resolve("run");
        String[] args = {"adapt", "--init", "none", "--real", real.toString(), "--validation", testDir.toString(), "--degradation", "awgn:0-30",
            "--steps", "2", "--checkpoint-every", "1", "--no-progress", "--out", run.toString()};
        Result r = dna(args);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("real domain:      2 images in") && r.out().contains("validation:       2 pairs"), r.out());
        // validated on real pairs: the best checkpoint is the one to use
        assertTrue(r.out().contains("next:             dna restore --model " + run.resolve("restorer-best.onnx")), r.out());
        for (String f : new String[] {"plan.json", "log.csv", "checkpoint.dna", "restorer.dna", "restorer.onnx"}) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        assertTrue(Files.readString(run.resolve("log.csv")).lines().skip(1).anyMatch(l -> l.split(",", -1)[5].length() > 0
                || l.contains(".")), "validation in the log");
        Result again = dna(args);
        assertOneLineError(again, 2, "already holds a run");
        // the finished run, extended by 1 step from its last checkpoint
        // the data options come from the run's run.properties: --resume --out is enough
        assertTrue(Files.readString(run.resolve("run.properties")).contains("degradation=awgn\\:0-30"),
                Files.readString(run.resolve("run.properties")));
        Result more = dna("adapt", "--steps", "3", "--checkpoint-every", "1", "--no-progress", "--resume", "--out", run.toString());
        assertEquals(0, more.code(), more.toString());
        assertTrue(more.out().contains("resuming with:    --real " + real.toAbsolutePath().normalize() + " --degradation awgn:0-30"),
                more.out());
        // a run without run.properties (an older dna's) needs its data options again; a new run needs --real
        Path options = run.resolve("run.properties");
        Files.move(options, tmp.resolve("run.properties.kept"));
        assertOneLineError(dna("adapt", "--steps", "3", "--no-progress", "--resume", "--out", run.toString()), 2,
                "run.properties is missing (a run of an older dna): give the run's --real");
        Files.move(tmp.resolve("run.properties.kept"), options);
        assertOneLineError(dna("adapt", "--out", tmp.resolve("no-real").toString()), 2, "Missing required option: '--real=DIR'");
        // a plan file naming a network no JVM here can train: refused before the network is built
        Path huge = tmp.resolve("huge-plan.json");
        Files.writeString(huge, dev.dna.api.Adaptation.of(dev.dna.api.Restorers.unet(1024, 6))
                .withDiffusion(dev.dna.api.Diffusion.unet(8)).channelShuffle().residualSwap().patchSize(64).build().toJson());
        assertOneLineError(dna("adapt", "--init", "none", "--plan", huge.toString(), "--real", real.toString(), "--out",
                tmp.resolve("huge").toString()), 2, "the plan's restorer, unet(width=1024, depth=6", "has 141,709,263,875 parameters");
        assertTrue(!Files.exists(tmp.resolve("huge").resolve("plan.json")), "nothing written for a refused plan");
        assertOneLineError(dna("adapt", "--real", real.toString(), "--crop", "40", "--out", tmp.resolve("small-crop").toString()), 2,
                "--crop must be at least the plan's patch size (48), got 40");
        assertTrue(Files.readString(run.resolve("plan.json")).contains("\"steps\" : 3"), Files.readString(run.resolve("plan.json")));
        Result ck = dna("inspect", run.resolve("checkpoint.dna").toString());
        assertTrue(ck.out().contains("dna training checkpoint (dna-checkpoint/1) at step 3 of 3"), ck.out());
        // the restorer comes out of the checkpoint: export it
        Path exported = tmp.resolve("from-checkpoint.onnx");
        Result ex = dna("export", "--model", run.resolve("checkpoint.dna").toString(), "--out", exported.toString());
        assertEquals(0, ex.code(), ex.toString());
        assertTrue(Files.size(exported) > 1000);
        assertOneLineError(dna("adapt", "--init", "none", "--real", real.toString(), "--degradation", "gauss:1", "--steps", "1", "--out",
                tmp.resolve("run2").toString()), 2, "unknown degradation term 'gauss:1'");
        // resumed with a folder that gained an image: refused, unless accepted
        Images.writePng(EmbeddedImages.load().get(4).crop(0, 0, 64, 64), real.resolve("r9.png"));
        String[] extend = {"adapt", "--init", "none", "--real", real.toString(), "--degradation", "awgn:0-30", "--steps", "4", "--checkpoint-every",
            "1", "--no-progress", "--resume", "--out", run.toString()};
        assertOneLineError(dna(extend), 1, "was trained on other data");
        String[] accepting = java.util.Arrays.copyOf(extend, extend.length + 1);
        accepting[extend.length] = "--accept-other-data";
        assertEquals(0, dna(accepting).code());
        Files.delete(real.resolve("r9.png"));
        // a truncated JPEG among the real images: named and refused, or skipped with --skip-unreadable
        byte[] jpeg = Images.encodeJpeg(EmbeddedImages.load().get(3).crop(0, 0, 64, 64), 90);
        Files.write(real.resolve("cut.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        assertOneLineError(dna("adapt", "--init", "none", "--real", real.toString(), "--steps", "1", "--no-progress", "--out",
                tmp.resolve("run3").toString()), 1, "cut.jpg: truncated JPEG", "(--skip-unreadable skips such files)");
        Result skipped = dna("adapt", "--init", "none", "--real", real.toString(), "--steps", "1", "--no-progress", "--skip-unreadable",
                "--checkpoint-every", "0", "--out", tmp.resolve("run4").toString());
        assertEquals(0, skipped.code(), skipped.toString());
        assertTrue(skipped.out().contains("skipped 1 unreadable file(s) in ") && skipped.out().contains("cut.jpg: cannot read image")
                && skipped.out().contains("real domain:      2 images"), skipped.out());
        // validated on synthetic crops only: the final restorer is advised, not the best synthetic one
        assertTrue(skipped.out().contains("next:             dna restore --model " + tmp.resolve("run4").resolve("restorer.onnx")
                + " --in PHOTOS --out RESTORED"), skipped.out());
    }

    @Test
    void adaptStartsFromOnesOwnRestorerDnaOrOnnx() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("real-init"));
        for (int i = 0; i < 2; i++) {
            Image c = EmbeddedImages.load().get(i).crop(0, 0, 64, 64);
            Images.writePng(Awgn.sigma255(15, 15).apply(c, 30L + i).clip(), real.resolve("r" + i + ".png"));
        }
        // a restorer.dna: its network (UNet 4 wide, not the recipe's 16) and weights
        Path warmRun = tmp.resolve("warm");
        Result warm = dna("adapt", "--real", real.toString(), "--init", dnaModel.toString(), "--steps", "1", "--no-progress",
                "--checkpoint-every", "0", "--out", warmRun.toString());
        assertEquals(0, warm.code(), warm.toString());
        assertTrue(warm.out().contains("warm start:       " + dnaModel), warm.out());
        String plan = Files.readString(warmRun.resolve("plan.json"));
        assertTrue(plan.contains("\"width\" : 4") && plan.contains("\"channelShuffle\" : true"), plan);
        // an ONNX model (here a DnCNN that dna exported, read as a foreign one): imported, checked on the real images,
        // adapted, exported with its interface
        Path dncnn = tmp.resolve("dncnn.onnx");
        OnnxExporter.export(TrainedRestorer.initial(Adaptation.of(Restorers.dncnn(4, 8)).patchSize(16).batchSize(2).steps(1)
                .build()), dncnn);
        Path onnxRun = tmp.resolve("imported");
        Result imp = dna("adapt", "--real", real.toString(), "--init", dncnn.toString(), "--steps", "1", "--no-progress",
                "--checkpoint-every", "0", "--out", onnxRun.toString());
        assertEquals(0, imp.code(), imp.toString());
        assertTrue(imp.out().contains("imported:         onnx(dncnn.onnx") && imp.out().contains("RESTORED in ZERO_ONE"),
                imp.out());
        assertTrue(Files.readString(onnxRun.resolve("plan.json")).contains("\"type\" : \"onnx\""));
        Result ins = dna("inspect", onnxRun.resolve("restorer.onnx").toString());
        assertEquals(0, ins.code(), ins.toString());
        assertOneLineError(dna("adapt", "--real", real.toString(), "--init", tmp.resolve("none.onnx").toString(), "--steps", "1",
                "--out", tmp.resolve("run5").toString()), 2, "--init: no such file");
    }
}
