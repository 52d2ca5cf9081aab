package dev.dna.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Checks PSNR/SSIM against scikit-image 0.19.3 values kept in {@code metrics/vectors.json}, produced by
 * {@code /usr/bin/python3 tools/metric_vectors.py} on Debian bookworm.
 */
class MetricsTest {

    static Image resource(String ref) throws IOException {
        if (ref.startsWith("classpath:/dev/dna/api/images/")) {
            return EmbeddedImages.get(ref.substring(ref.lastIndexOf('/') + 1));
        }
        try (InputStream in = MetricsTest.class.getResourceAsStream("/metrics/" + ref)) {
            return Images.readRgb(in, ref);
        }
    }

    static JsonNode vectors() throws IOException {
        try (InputStream in = MetricsTest.class.getResourceAsStream("/metrics/vectors.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void matchesScikitImage() throws IOException {
        JsonNode cases = vectors().get("cases");
        assertEquals(3, cases.size());
        for (JsonNode c : cases) {
            Image ref = resource(c.get("reference").asText());
            Image dist = resource(c.get("distorted").asText());
            String what = c.get("distorted").asText();
            // dna holds pixels as float32 (v / 255f), scikit-image as float64: agreement to ~1e-7 relative
            assertEquals(c.get("psnr").asDouble(), Metrics.psnr(ref, dist), 1e-5, what + " psnr");
            assertEquals(c.get("ssim").asDouble(), Metrics.ssim(ref, dist), 1e-6, what + " ssim");
            assertEquals(c.get("psnr_y").asDouble(), Metrics.psnrY(ref, dist), 2e-5, what + " psnr_y");
            assertEquals(c.get("ssim_y").asDouble(), Metrics.ssimY(ref, dist), 2e-6, what + " ssim_y");
        }
    }

    @Test
    void identicalImagesAreInfinitePsnrAndUnitSsim() throws IOException {
        Image a = resource("small-a.png");
        assertEquals(Double.POSITIVE_INFINITY, Metrics.psnr(a, a));
        assertEquals(1.0, Metrics.ssim(a, a), 1e-12);
    }

    @Test
    void psnrOfAKnownError() {
        Image a = Image.filled(3, 16, 16, 0.5f);
        Image b = Image.filled(3, 16, 16, 0.6f);
        // MSE = 0.01 -> 20 dB
        assertEquals(20.0, Metrics.psnr(a, b), 1e-5);
        assertEquals(20.0 + 20 * Math.log10(2), Metrics.psnr(a, b, 2.0), 1e-5);
    }

    @Test
    void rejectsMismatchedShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.psnr(Image.filled(3, 8, 8, 0), Image.filled(3, 8, 9, 0)));
        assertTrue(e.getMessage().contains("[3, 8, 8]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metrics.ssim(Image.filled(3, 8, 8, 0), Image.filled(3, 8, 8, 0)));
        assertThrows(IllegalArgumentException.class, () -> Metrics.psnrY(Image.filled(1, 16, 16, 0), Image.filled(1, 16, 16, 0)));
    }
}
