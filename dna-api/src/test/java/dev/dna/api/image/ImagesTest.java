package dev.dna.api.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.ImageSet;
import dev.dna.api.metrics.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
    @TempDir
    Path tmp;

    static Image ramp(int c, int h, int w) {
        float[] d = new float[c * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = (i * 37 % 1000) / 999f;
        }
        return Image.of(c, h, w, d);
    }

    @Test
    void png8RoundTripIsExactOnThe8BitGrid() throws IOException {
        Image q = Images.quantize8(ramp(3, 13, 17));
        Path f = tmp.resolve("a.png");
        Images.writePng(q, f);
        Image back = Images.readRgb(f);
        assertArrayEquals(q.toArray(), back.toArray(), 1e-7f);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = ImagesTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aJpegIsTurnedAsItsExifOrientationSaysAsPillowShowsIt() throws IOException {
        // tools/make_exif_fixtures.py: one gradient saved with orientations 1-8, and Pillow's exif_transpose of each
        for (int o = 1; o <= 8; o++) {
            Image got = Images.decodeRgb(resource("/dev/dna/api/image/exif/orientation-" + o + ".jpg"), "o" + o);
            Image shown = Images.decodeRgb(resource("/dev/dna/api/image/exif/orientation-" + o + "-shown.png"), "shown");
            assertEquals(shown.height(), got.height(), "orientation " + o + ": height");
            assertEquals(shown.width(), got.width(), "orientation " + o + ": width");
            assertArrayEquals(shown.toArray(), got.toArray(), 3 / 255f, "orientation " + o);
        }
    }

    /** {@code jpeg} with an APP1 EXIF segment holding {@code tiff} inserted after its start-of-image marker. */
    static byte[] withExif(byte[] jpeg, byte[] tiff) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int length = 2 + 6 + tiff.length;
        out.write(0xff);
        out.write(0xe1);
        out.write(length >> 8);
        out.write(length & 0xff);
        out.writeBytes("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A little-endian TIFF directory of one SHORT entry. */
    static byte[] littleEndianTiff(int tag, int value) {
        return java.nio.ByteBuffer.allocate(26).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8)
                .putShort((short) 1).putShort((short) tag).putShort((short) 3).putInt(1).putShort((short) value).putShort((short) 0)
                .putInt(0).array();
    }

    @Test
    void aLittleEndianOrientationTurnsItAndADamagedOneIsIgnored() throws IOException {
        byte[] plain = resource("/dev/dna/api/image/exif/orientation-1.jpg");
        Image stored = Images.decodeRgb(plain, "plain");
        assertEquals(stored, Images.decodeRgb(withExif(plain, littleEndianTiff(0x0112, 1)), "one"));
        assertEquals(Dihedral.ROT270.apply(stored), Images.decodeRgb(withExif(plain, littleEndianTiff(0x0112, 6)), "six"));
        assertEquals(Dihedral.ROT90.apply(stored), Images.decodeRgb(withExif(plain, littleEndianTiff(0x0112, 8)), "eight"));
        // read as stored, as viewers do: another tag, a value outside 1-8, a directory that runs past its segment
        assertEquals(stored, Images.decodeRgb(withExif(plain, littleEndianTiff(0x0110, 6)), "other tag"));
        assertEquals(stored, Images.decodeRgb(withExif(plain, littleEndianTiff(0x0112, 9)), "nine"));
        byte[] cut = java.util.Arrays.copyOf(littleEndianTiff(0x0112, 6), 18);
        assertEquals(stored, Images.decodeRgb(withExif(plain, cut), "cut"));
        byte[] far = littleEndianTiff(0x0112, 6);
        far[4] = (byte) 0xf0; // the directory's offset points past the segment
        assertEquals(stored, Images.decodeRgb(withExif(plain, far), "far"));
    }

    @Test
    void png16KeepsSixteenBits() throws IOException {
        Image src = ramp(3, 9, 11);
        Path f = tmp.resolve("b.png");
        Images.writePng16(src, f);
        Image back = Images.readRgb(f);
        float[] a = src.toArray();
        float[] b = back.toArray();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 0.5f / 65535 + 1e-7f, "value " + i);
        }
        // far finer than 8 bits could hold
        assertTrue(Metrics.psnr(src, back) > 95, "16-bit PNG PSNR " + Metrics.psnr(src, back));
    }

    @Test
    void reads16BitGrayWrittenByAnotherEncoder() throws IOException {
        // written by PIL (tools/metric_vectors.py): a ramp 0 .. 65535 over 24x40 pixels
        try (InputStream in = getClass().getResourceAsStream("/metrics/gray16.png")) {
            Image g = Images.readRgb(in, "gray16.png");
            assertEquals(3, g.channels());
            assertEquals(24, g.height());
            assertEquals(40, g.width());
            assertEquals(0f, g.get(0, 0, 0));
            assertEquals(1f, g.get(2, 23, 39));
            assertEquals(68f / 65535, g.get(1, 0, 1), 1e-9f); // round(65535 / 959) = 68, vectors.json value_at_1
            assertEquals(g.get(0, 5, 7), g.get(2, 5, 7), "gray must be replicated to RGB");
        }
    }

    @Test
    void jpegIsLossyButClose() throws IOException {
        Image src = EmbeddedImages.get("coffee.png");
        Path f = tmp.resolve("c.jpg");
        Images.writeJpeg(src, f, 90);
        Image back = Images.readRgb(f);
        double p = Metrics.psnr(src, back);
        assertTrue(p > 30 && p < 60, "JPEG q90 PSNR " + p);
        Image low = Images.decodeRgb(Images.encodeJpeg(src, 10), "q10");
        assertTrue(Metrics.psnr(src, low) < p, "q10 should be worse than q90");
    }

    @Test
    void unreadableFilesGiveClearErrors() throws IOException {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> Images.readRgb(tmp.resolve("nope.png")));
        assertTrue(missing.getMessage().contains("nope.png"));
        Path junk = tmp.resolve("junk.png");
        Files.writeString(junk, "this is not an image");
        IOException e = assertThrows(IOException.class, () -> Images.readRgb(junk));
        assertTrue(e.getMessage().contains("junk.png") && e.getMessage().contains("not a PNG or JPEG"), e.getMessage());
        Path truncated = tmp.resolve("truncated.png");
        Images.writePng(ramp(3, 64, 64), truncated);
        byte[] all = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 2));
        IOException t = assertThrows(IOException.class, () -> Images.readRgb(truncated));
        assertTrue(t.getMessage().contains("truncated.png"), t.getMessage());
        assertThrows(IOException.class, () -> Images.readRgb(tmp));
        assertThrows(IllegalArgumentException.class, () -> Images.writePng(ramp(2, 4, 4), tmp.resolve("two.png")));
    }

    @Test
    void aTruncatedJpegOrPngAndACmykJpegAreRefusedNotDecodedWrong() throws IOException {
        Image photo = dev.dna.api.data.EmbeddedImages.load().get(0).crop(0, 0, 96, 128);
        byte[] jpeg = Images.encodeJpeg(photo, 90);
        assertEquals(3, Images.decodeRgb(jpeg, "whole.jpg").channels()); // the whole file reads
        // cut anywhere in its data: refused, where ImageIO alone would show grey where the data ends
        for (int cut : new int[] {jpeg.length / 2, jpeg.length - 2, jpeg.length - 100}) {
            IOException e = assertThrows(IOException.class,
                    () -> Images.decodeRgb(java.util.Arrays.copyOf(jpeg, cut), "cut.jpg"), "cut at " + cut);
            assertTrue(e.getMessage().contains("cut.jpg") && e.getMessage().contains("truncated JPEG"), e.getMessage());
        }
        byte[] padded = java.util.Arrays.copyOf(jpeg, jpeg.length + 16); // zero padding after the end marker is fine
        assertEquals(96, Images.decodeRgb(padded, "padded.jpg").height());
        byte[] png = Files.readAllBytes(writeTemp(photo));
        IOException p = assertThrows(IOException.class, () -> Images.decodeRgb(java.util.Arrays.copyOf(png, png.length - 12), "cut.png"));
        assertTrue(p.getMessage().contains("truncated PNG"), p.getMessage());
        byte[] cmyk;
        try (java.io.InputStream in = ImagesTest.class.getResourceAsStream("cmyk.jpg")) {
            cmyk = in.readAllBytes();
        }
        IOException c = assertThrows(IOException.class, () -> Images.decodeRgb(cmyk, "cmyk.jpg"));
        assertTrue(c.getMessage().contains("CMYK (or YCCK) JPEG"), c.getMessage());
        // the real photos that the project reads are complete (PolyU's Canon JPEGs, when present)
        Path polyU = Path.of("..", "..", "shared", "data", "polyu-canon");
        if (Files.isDirectory(polyU)) {
            for (Path f : dev.dna.api.data.ImageSet.imageFiles(polyU)) {
                Images.readRgb(f);
            }
        }
    }

    private Path writeTemp(Image im) throws IOException {
        Path f = tmp.resolve("whole.png");
        Images.writePng(im, f);
        return f;
    }

    @Test
    void directoryLoadingNamesTheBadFile() throws IOException {
        Images.writePng(ramp(3, 8, 8), tmp.resolve("a.png"));
        Files.writeString(tmp.resolve("b.jpg"), "garbage");
        IOException e = assertThrows(IOException.class, () -> ImageSet.fromDirectory(tmp));
        assertTrue(e.getMessage().contains("b.jpg"), e.getMessage());
        ImageSet.Read read = ImageSet.fromDirectorySkippingUnreadable(tmp);
        assertEquals(java.util.List.of("a.png"), read.images().names());
        assertEquals(java.util.List.of("b.jpg"), java.util.List.copyOf(read.skipped().keySet()));
        assertTrue(read.skipped().get("b.jpg").contains("b.jpg"), read.skipped().toString());
        Files.delete(tmp.resolve("b.jpg"));
        assertEquals(1, ImageSet.fromDirectory(tmp).size());
        assertTrue(ImageSet.fromDirectorySkippingUnreadable(tmp).skipped().isEmpty());
        Files.delete(tmp.resolve("a.png"));
        Files.writeString(tmp.resolve("c.png"), "garbage");
        assertThrows(IOException.class, () -> ImageSet.fromDirectorySkippingUnreadable(tmp));
    }

    @Test
    void embeddedSetMatchesItsProvenance() throws Exception {
        ImageSet set = EmbeddedImages.load();
        var prov = EmbeddedImages.provenance();
        assertEquals(11, set.size());
        long bytes = 0;
        for (int i = 0; i < set.size(); i++) {
            var e = prov.get(i);
            Image im = set.get(i);
            assertEquals(e.width(), im.width(), e.file());
            assertEquals(e.height(), im.height(), e.file());
            assertTrue(Math.max(im.width(), im.height()) <= 512);
            assertTrue(e.license().matches("(?i).*(CC0|public domain).*"), e.file() + ": " + e.license());
            assertEquals(64, e.originalSha256().length());
            try (InputStream in = EmbeddedImages.class.getResourceAsStream("/dev/dna/api/images/" + e.file())) {
                bytes += in.readAllBytes().length;
            }
        }
        assertTrue(bytes < 5_000_000, "embedded set is " + bytes + " bytes");
        // sanity: real photographs, not flat fields
        Image astronaut = EmbeddedImages.get("astronaut.png");
        assertTrue(Metrics.psnr(astronaut, Image.filled(3, 512, 512, 0.5f)) < 15);
    }

    @Test
    void downscaleByAWholeFactorIsTheBlockMean() {
        Image x = ramp(3, 12, 18);
        Image y = Images.downscale(x, 6); // 18 -> 6 wide: factor 3, 12 -> 4 high
        assertEquals(4, y.height());
        assertEquals(6, y.width());
        for (int c = 0; c < 3; c++) {
            for (int oy = 0; oy < 4; oy++) {
                for (int ox = 0; ox < 6; ox++) {
                    double sum = 0;
                    for (int dy = 0; dy < 3; dy++) {
                        for (int dx = 0; dx < 3; dx++) {
                            sum += x.get(c, 3 * oy + dy, 3 * ox + dx);
                        }
                    }
                    assertEquals(sum / 9, y.get(c, oy, ox), 1e-6);
                }
            }
        }
    }

    @Test
    void downscaleByAnyFactorAveragesTheCoveredArea() {
        Image x = ramp(3, 37, 53);
        Image y = Images.downscale(x, 20); // 53 -> 20, 37 -> round(37 * 20 / 53) = 14
        assertEquals(14, y.height());
        assertEquals(20, y.width());
        double sy = 37.0 / 14;
        double sx = 53.0 / 20;
        for (int c = 0; c < 3; c++) {
            for (int oy = 0; oy < 14; oy++) {
                for (int ox = 0; ox < 20; ox++) {
                    // the integral over the output pixel's footprint, pixel by pixel in 2-D
                    double sum = 0;
                    for (int iy = 0; iy < 37; iy++) {
                        double hy = Math.max(0, Math.min((oy + 1) * sy, iy + 1) - Math.max(oy * sy, iy));
                        for (int ix = 0; ix < 53 && hy > 0; ix++) {
                            double hx = Math.max(0, Math.min((ox + 1) * sx, ix + 1) - Math.max(ox * sx, ix));
                            sum += hy * hx * x.get(c, iy, ix);
                        }
                    }
                    assertEquals(sum / (sx * sy), y.get(c, oy, ox), 1e-5);
                }
            }
        }
        assertEquals(x, Images.downscale(x, 53)); // already small enough: unchanged
        for (float v : Images.downscale(Image.filled(3, 50, 70, 0.25f), 7).toArray()) { // weights sum to 1
            assertEquals(0.25f, v, 1e-6f);
        }
        assertThrows(IllegalArgumentException.class, () -> Images.downscale(x, 0));
    }

    /** A PNG whose header declares {@code w x h} pixels of 8-bit RGB, with a small valid stream of zero rows (a bomb). */
    static byte[] pngBomb(int w, int h, int rows) throws IOException {
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(raw);
        byte[] row = new byte[1 + 3 * w]; // filter byte 0, then zeros
        for (int i = 0; i < rows; i++) {
            z.write(row);
        }
        z.finish();
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        chunk(png, "IDAT", raw.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.io.DataOutputStream d = new java.io.DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    @Test
    void anImageDeclaringMorePixelsThanTheLimitIsRefusedBeforeDecoding() throws IOException {
        byte[] bomb = pngBomb(20_000, 20_000, 64); // 400 megapixels declared, a few KB of file
        assertTrue(bomb.length < 100_000, "bomb size " + bomb.length);
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory() - rt.freeMemory();
        IOException e = assertThrows(IOException.class, () -> Images.decodeRgb(bomb, "bomb.png"));
        assertEquals("image bomb.png declares 20000 x 20000 = 400,000,000 pixels, more than the limit of 120,000,000 "
                + "(Images.setMaxPixels, --max-pixels); refused before decoding", e.getMessage());
        assertTrue(rt.totalMemory() - rt.freeMemory() - before < 200_000_000L, "no image-sized allocation");
        assertTrue(assertThrows(IOException.class, () -> Images.decodeRgb(pngBomb(60_000, 60_000, 1), "huge.png"))
                .getMessage().contains("3,600,000,000 pixels"));
    }

    @Test
    void thePixelLimitIsConfigurable() throws IOException {
        byte[] png = Images.encode(ramp(3, 64, 64), "x.png");
        long old = Images.maxPixels();
        try {
            Images.setMaxPixels(4096);
            assertEquals(64, Images.decodeRgb(png, "x.png").width());
            Images.setMaxPixels(4095);
            assertTrue(assertThrows(IOException.class, () -> Images.decodeRgb(png, "x.png")).getMessage()
                    .contains("more than the limit of 4,095"));
            assertThrows(IllegalArgumentException.class, () -> Images.setMaxPixels(0));
        } finally {
            Images.setMaxPixels(old);
        }
    }
}
