package dev.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.api.metrics.Metrics;
import dev.dna.samediff.ModelZoo;
import dev.dna.samediff.TrainedRestorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped pretrained denoiser, by name from Java and from the command line; hostile files at the command line. */
class PretrainedAndHostileTest {
    @TempDir
    Path tmp;

    @Test
    void theShippedDenoiserLoadsByNameAndDenoises() throws IOException {
        ModelZoo zoo = ModelZoo.builtIn();
        assertTrue(zoo.names().contains(ModelZoo.DENOISER), "the zoo lists " + zoo.names());
        assertTrue(zoo.provenance(ModelZoo.DENOISER).contains("\"command\""), "its provenance names the command");
        TrainedRestorer r = zoo.load(ModelZoo.DENOISER);
        // a photograph it never trained on (one of the main example's held-out three), at sigma 25
        Image clean = EmbeddedImages.get("coffee.png").centerCrop(128);
        Image noisy = Awgn.sigma255(25, 25).apply(clean, 5L);
        double before = Metrics.psnr(clean, noisy.clip());
        double after = Metrics.psnr(clean, r.restore(noisy));
        assertTrue(after > before + 7, String.format("sigma 25: %.2f dB -> %.2f dB", before, after));
    }

    @Test
    void theCommandLineNamesPretrainedModels() throws IOException {
        DnaTest.Result list = DnaTest.dna("inspect", "--pretrained");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().contains("pretrained:" + ModelZoo.DENOISER), list.out());
        Path noisy = tmp.resolve("noisy.png");
        Images.writePng(Awgn.sigma255(25, 25).apply(EmbeddedImages.get("rocket.png").centerCrop(96), 3L).clip(), noisy);
        Path out = tmp.resolve("out.png");
        DnaTest.Result r = DnaTest.dna("restore", "--model", "pretrained:" + ModelZoo.DENOISER, "--in", noisy.toString(), "--out",
                out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.exists(out));
        DnaTest.assertOneLineError(DnaTest.dna("restore", "--model", "pretrained:nope", "--in", noisy.toString(), "--out",
                out.toString()), 1, "no pretrained model 'nope'; known: " + ModelZoo.DENOISER);
    }

    @Test
    void runningOutOfMemoryEndsInOneLine() throws Exception {
        // a 2000 x 1500 photograph restored by a JVM of 64 MB: its floats alone are 36 MB, the restorer's buffers more
        Path big = tmp.resolve("big.jpg");
        Images.writeJpeg(Image.filled(3, 1500, 2000, 0.4f), big, 90);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), Dna.class.getName(), "restore", "--model", "pretrained:" + ModelZoo.DENOISER,
                "--in", big.toString(), "--out", tmp.resolve("big-out.png").toString()).redirectErrorStream(false).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), err + new String(out, java.nio.charset.StandardCharsets.UTF_8));
        String last = err.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("dna: out of memory (Java heap 0.1 GB)"), err);
        assertTrue(!err.contains("\tat "), "no stack trace: " + err);
        assertTrue(!Files.exists(tmp.resolve("big-out.png")));
    }

    /** A PNG declaring {@code side x side} RGB pixels whose data is a few zero rows (the rest missing). */
    static byte[] bomb(int side) throws IOException {
        java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(z)) {
            d.write(new byte[16 * (1 + 3 * side)]);
        }
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        for (Object[] c : new Object[][] {{"IHDR", java.nio.ByteBuffer.allocate(13).putInt(side).putInt(side).put((byte) 8)
                .put((byte) 2).array()}, {"IDAT", z.toByteArray()}, {"IEND", new byte[0]}}) {
            byte[] type = ((String) c[0]).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] data = (byte[]) c[1];
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(type);
            crc.update(data);
            png.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
            png.write(type);
            png.write(data);
            png.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        }
        return png.toByteArray();
    }

    @Test
    void aCompressionBombIsRefusedInOneLine() throws IOException {
        Path bomb = tmp.resolve("bomb.png");
        Files.write(bomb, bomb(20_000));
        Path small = tmp.resolve("small.png");
        Images.writePng(EmbeddedImages.get("rocket.png").centerCrop(32), small);
        try {
            DnaTest.assertOneLineError(DnaTest.dna("restore", "--model", "pretrained:" + ModelZoo.DENOISER, "--in",
                    bomb.toString(), "--out", tmp.resolve("b.png").toString()), 1, "declares 20000 x 20000",
                    "refused before decoding");
            DnaTest.assertOneLineError(DnaTest.dna("--max-pixels", "100", "restore", "--model", "pretrained:"
                    + ModelZoo.DENOISER, "--in", small.toString(), "--out", tmp.resolve("c.png").toString()), 1,
                    "more than the limit of 100");
        } finally {
            Images.setMaxPixels(Images.DEFAULT_MAX_PIXELS);
        }
        assertTrue(!Files.exists(tmp.resolve("b.png")) && !Files.exists(tmp.resolve("c.png")), "nothing written");
    }
}
