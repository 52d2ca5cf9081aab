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

    @Test
    void aMeanShiftRemovesAPerChannelOffsetAndLeavesZeroMeanNoise() {
        int c = 3;
        int h = 16;
        int w = 16;
        float[] clean = new float[c * h * w];
        float[] noisy = new float[c * h * w];
        float[] offset = new float[c * h * w];
        for (int i = 0; i < clean.length; i++) {
            int ch = i / (h * w);
            clean[i] = 0.3f + 0.4f * ((i * 7919) % 101) / 100f;
            float noise = (i % 2 == 0 ? 0.02f : -0.02f); // zero mean in every channel
            noisy[i] = clean[i] + noise;
            offset[i] = noisy[i] + 0.01f * (ch + 1); // and a different brightness offset per channel
        }
        Image ref = Image.of(c, h, w, clean);
        Image n = Image.of(c, h, w, noisy);
        Image o = Image.of(c, h, w, offset);
        assertEquals(Metrics.psnr(ref, n), Metrics.psnrAfterMeanShift(ref, o), 1e-4);
        assertTrue(Metrics.psnr(ref, o) < Metrics.psnr(ref, n) - 1, "the offset costs PSNR");
        assertEquals(Metrics.psnr(ref, n), Metrics.psnrAfterMeanShift(ref, n), 1e-4); // no offset, nothing to gain
        // values are clipped to [0, 1] after the shift: an all-white test of a mid-grey reference moves to it exactly
        Image grey = Image.filled(c, h, w, 0.5f);
        assertEquals(Double.POSITIVE_INFINITY, Metrics.psnrAfterMeanShift(grey, Image.filled(c, h, w, 1f)));
        assertThrows(IllegalArgumentException.class, () -> Metrics.psnrAfterMeanShift(ref, Image.filled(1, h, w, 0f)));
    }
}
