package dev.dna.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.ImageRestorer;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.ImageSet;
import dev.dna.api.image.Image;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.image.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AwgnBenchmarkTest {
    @TempDir
    Path tmp;

    static final ImageSet SET = EmbeddedImages.load().select(0, 1).centerCrops(64);

    /** A restorer that ignores its input and returns {@code answer(x)}. */
    static ImageRestorer of(java.util.function.UnaryOperator<ImageBatch> answer) {
        return new ImageRestorer() {
            @Override
            public int downsamplingFactor() {
                return 1;
            }

            @Override
            public ImageBatch predict(ImageBatch x) {
                return answer.apply(x);
            }
        };
    }

    @Test
    void theNoiseIsFixedBySeedSetImageAndSigmaAndHasTheRightLevel() {
        Image y = SET.get(0);
        Image a = AwgnBenchmark.noisy(y, "CBSD68", "x.png", 25, 0);
        assertEquals(a, AwgnBenchmark.noisy(y, "CBSD68", "x.png", 25, 0));
        assertNotEquals(a, AwgnBenchmark.noisy(y, "CBSD68", "x.png", 25, 1));
        assertNotEquals(a, AwgnBenchmark.noisy(y, "CBSD68", "y.png", 25, 0));
        assertNotEquals(a, AwgnBenchmark.noisy(y, "Kodak24", "x.png", 25, 0));
        float[] n = a.minus(y).toArray();
        double ss = 0;
        for (float v : n) {
            ss += v * v;
        }
        assertEquals(25 / 255.0, Math.sqrt(ss / n.length), 0.03 * 25 / 255.0); // 12,288 draws: 1% standard error
        float min = 1;
        for (float v : a.toArray()) {
            min = Math.min(min, v);
        }
        assertTrue(min < 0, "the noisy image is not clipped");
    }

    @Test
    void scoresTheEightBitRestorationAgainstTheCleanImage() {
        // an oracle off by one grey level everywhere: exactly 20 log10(255) dB after quantisation
        ImageSet clean = SET.map(Images::quantize8);
        Map<Image, Image> answers = new java.util.HashMap<>();
        ImageRestorer offByOne = new ImageRestorer() {
            @Override
            public int downsamplingFactor() {
                return 1;
            }

            @Override
            public ImageBatch predict(ImageBatch x) {
                throw new AssertionError("restore() is overridden");
            }

            @Override
            public Image restore(Image degraded) {
                for (int i = 0; i < clean.size(); i++) {
                    if (Metrics.psnr(clean.get(i), degraded.clip()) > 15) { // the noisy version of clean image i
                        float[] v = clean.get(i).toArray();
                        for (int k = 0; k < v.length; k++) {
                            v[k] = v[k] >= 0.5f ? v[k] - 1 / 255f : v[k] + 1 / 255f;
                        }
                        return Image.of(3, clean.get(i).height(), clean.get(i).width(), v);
                    }
                }
                throw new AssertionError("no clean image matches");
            }
        };
        AwgnBenchmark.Row row = AwgnBenchmark.evaluate(offByOne, "CBSD68", clean, 15, 0);
        assertEquals(20 * Math.log10(255), row.psnr(), 1e-3);
        assertEquals(2, row.images());
        assertTrue(row.ssim() > 0.99, "SSIM " + row.ssim());
        // doing nothing scores the noisy input's PSNR, clipped and quantised
        AwgnBenchmark.Row none = AwgnBenchmark.evaluate(of(x -> x), "CBSD68", clean, 25, 0);
        assertEquals(none.inputPsnr(), none.psnr(), 0.05);
        assertTrue(none.psnr() > 19 && none.psnr() < 23, "sigma 25 on 8-bit images: about 20.6 dB, got " + none.psnr());
    }

    @Test
    void thePublishedFiguresAreDpirsTable() {
        assertEquals(List.of("CBM3D", "CDnCNN", "FFDNet", "DRUNet"), AwgnBenchmark.publishedMethods());
        assertEquals(Optional.of(30.71), AwgnBenchmark.published("CBM3D", "CBSD68", 25));
        assertEquals(Optional.of(31.23), AwgnBenchmark.published("CDnCNN", "CBSD68", 25));
        assertEquals(Optional.of(30.08), AwgnBenchmark.published("DRUNet", "McMaster", 50));
        assertEquals(Optional.empty(), AwgnBenchmark.published("CBM3D", "CBSD68", 30));
        assertEquals(36, AwgnBenchmark.PUBLISHED.size());
        String t = AwgnBenchmark.table("mine", List.of(new AwgnBenchmark.Row("CBSD68", 25, 68, 30.5, 0.86, 20.6, 1)));
        assertTrue(t.contains("| CBSD68 | 25 | 68 | 20.60 | **30.50** / 0.8600 | 30.71 | 31.23 | 31.21 | 31.69 |"), t);
    }

    @Test
    void aMissingEmptyOrForeignTestSetFolderIsNamed() throws IOException {
        IOException e = assertThrows(IOException.class, () -> AwgnBenchmark.read(tmp.resolve("nope"), List.of("CBSD68")));
        assertTrue(e.getMessage().startsWith("no test-set folder"), e.getMessage());
        e = assertThrows(IOException.class, () -> AwgnBenchmark.read(tmp, List.of("CBSD68")));
        assertTrue(e.getMessage().startsWith("test set CBSD68 not found"), e.getMessage());
        Files.createDirectories(tmp.resolve("CBSD68"));
        e = assertThrows(IOException.class, () -> AwgnBenchmark.read(tmp, List.of("CBSD68")));
        assertTrue(e.getMessage().startsWith("test set CBSD68 is empty"), e.getMessage());
        Files.writeString(tmp.resolve("CBSD68/notes.txt"), "hello");
        e = assertThrows(IOException.class, () -> AwgnBenchmark.read(tmp, List.of("CBSD68")));
        assertTrue(e.getMessage().contains("not a PNG or JPEG") && e.getMessage().contains("notes.txt"), e.getMessage());
        Files.delete(tmp.resolve("CBSD68/notes.txt"));
        Files.writeString(tmp.resolve("CBSD68/broken.png"), "not a png");
        e = assertThrows(IOException.class, () -> AwgnBenchmark.read(tmp, List.of("CBSD68")));
        assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
        Files.delete(tmp.resolve("CBSD68/broken.png"));
        Images.writePng(SET.get(0), tmp.resolve("CBSD68/a.png"));
        assertEquals(1, AwgnBenchmark.read(tmp, List.of("CBSD68")).get("CBSD68").size());
    }

    @Test
    void theSharedTestSetsReadWhereTheyAre() throws IOException {
        Optional<Path> dir = AwgnBenchmark.find();
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.isPresent(), "no shared/data/testsets above the working directory");
        Map<String, ImageSet> sets = AwgnBenchmark.read(dir.get(), AwgnBenchmark.SETS);
        assertEquals(68, sets.get("CBSD68").size());
        assertEquals(24, sets.get("Kodak24").size());
        assertEquals(18, sets.get("McMaster").size());
    }
}
