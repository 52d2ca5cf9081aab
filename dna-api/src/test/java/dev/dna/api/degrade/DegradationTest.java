package dev.dna.api.degrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.image.Image;
import dev.dna.api.metrics.Metrics;
import org.junit.jupiter.api.Test;

class DegradationTest {
    static final Image PHOTO = EmbeddedImages.get("coffee.png").crop(40, 60, 128, 160);

    /** Residual statistics of a degraded flat gray image. */
    static double[] stats(Image clean, Image noisy, int channel) {
        int h = clean.height();
        int w = clean.width();
        double s = 0;
        double ss = 0;
        double lag = 0;
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w - 1; x++) {
                double r = noisy.get(channel, y, x) - clean.get(channel, y, x);
                double r1 = noisy.get(channel, y, x + 1) - clean.get(channel, y, x + 1);
                s += r;
                ss += r * r;
                lag += r * r1;
                n++;
            }
        }
        double mean = s / n;
        double var = ss / n - mean * mean;
        return new double[] {mean, Math.sqrt(var), (lag / n - mean * mean) / var};
    }

    @Test
    void sameSeedSameImageDifferentSeedDifferentImage() {
        Degradation[] all = {Awgn.reference(), CameraNoise.typical(), RainStreaks.light(), RainStreaks.heavySlanted(),
            Blur.motion(5, 15), Blur.defocus(1, 4), Jpeg.quality(30), Awgn.sigma255(10, 10).then(Jpeg.quality(80))};
        for (Degradation d : all) {
            Image a = d.apply(PHOTO, 7L);
            assertEquals(a, d.apply(PHOTO, 7L), d.describe() + " is not a function of its seed");
            assertTrue(a.sameShape(PHOTO), d.describe());
            assertTrue(Metrics.psnr(PHOTO, a) < 45, d.describe() + " barely changed the image: " + Metrics.psnr(PHOTO, a));
            if (!(d instanceof Jpeg)) {
                assertNotEquals(a, d.apply(PHOTO, 8L), d.describe() + " ignores its seed");
            }
        }
    }

    @Test
    void awgnHasTheRequestedSigmaAndNoCorrelation() {
        Image flat = Image.filled(3, 200, 200, 0.5f);
        Image noisy = new Awgn(0.1, 0.1, false).apply(flat, 1L);
        double[] st = stats(flat, noisy, 0);
        assertEquals(0.0, st[0], 0.003);
        assertEquals(0.1, st[1], 0.002);
        assertEquals(0.0, st[2], 0.02, "AWGN must be white");
        // sigma is drawn per image within the range
        for (long seed = 0; seed < 20; seed++) {
            double sd = stats(flat, Awgn.sigma255(5, 25).apply(flat, seed), 1)[1];
            assertTrue(sd > 4.5 / 255 && sd < 25.5 / 255, "sigma " + sd * 255);
        }
        assertThrows(IllegalArgumentException.class, () -> new Awgn(0.2, 0.1, false));
    }

    @Test
    void cameraNoiseIsSignalDependentAndSpatiallyCorrelatedByDemosaicing() {
        CameraNoise raw = new CameraNoise(5e-3, 5e-3, 2e-3, 2e-3, false, 0, 0);
        // in linear light the variance grows with the signal; after the sRGB curve still brighter = noisier here
        Image dark = Image.filled(3, 128, 128, Pixels.linearToSrgb(0.05f));
        Image bright = Image.filled(3, 128, 128, Pixels.linearToSrgb(0.8f));
        double sdDark = linearResidualSd(dark, raw.apply(dark, 3L));
        double sdBright = linearResidualSd(bright, raw.apply(bright, 3L));
        assertEquals(Math.sqrt(5e-3 * 0.05 + 4e-6), sdDark, 0.1 * sdDark);
        assertEquals(Math.sqrt(5e-3 * 0.8 + 4e-6), sdBright, 0.1 * sdBright);

        Image mid = Image.filled(3, 128, 128, 0.4f);
        double white = stats(mid, raw.apply(mid, 4L), 0)[2];
        double bayer = stats(mid, raw.withBayer(true).apply(mid, 4L), 0)[2];
        assertEquals(0.0, white, 0.05, "without mosaic the noise is white");
        assertTrue(bayer > 0.3, "demosaicing must correlate neighbours, lag-1 correlation " + bayer);
        Image jpeg = raw.withBayer(true).withJpeg(50, 50).apply(mid, 4L);
        assertNotEquals(raw.withBayer(true).apply(mid, 4L), jpeg);
        float[] v = CameraNoise.typical().apply(PHOTO, 9L).toArray();
        for (float f : v) {
            assertTrue(f >= 0 && f <= 1, "camera output must be clipped to [0, 1]");
        }
    }

    private static double linearResidualSd(Image clean, Image noisy) {
        double s = 0;
        double ss = 0;
        int n = 0;
        for (int y = 0; y < clean.height(); y++) {
            for (int x = 0; x < clean.width(); x++) {
                double r = Pixels.srgbToLinear(noisy.get(1, y, x)) - Pixels.srgbToLinear(clean.get(1, y, x));
                s += r;
                ss += r * r;
                n++;
            }
        }
        return Math.sqrt(ss / n - (s / n) * (s / n));
    }

    @Test
    void kernelsHaveTheRightShape() {
        Kernel h = Kernel.motion(9, 0);
        double sum = 0;
        for (int y = 0; y < h.size(); y++) {
            for (int x = 0; x < h.size(); x++) {
                sum += h.weight(y, x);
                if (y != h.size() / 2) {
                    assertEquals(0f, h.weight(y, x), 1e-6f, "horizontal motion must stay on the center row");
                }
            }
        }
        assertEquals(1.0, sum, 1e-5);
        Kernel v = Kernel.motion(9, 90);
        assertEquals(0f, v.weight(v.size() / 2, 0), 1e-6f);
        assertTrue(v.weight(0, v.size() / 2) > 0);
        Kernel disk = Kernel.defocus(3);
        assertEquals(disk.weight(1, 2), disk.weight(2, 1), 1e-7f);
        assertEquals(disk.weight(0, 3), disk.weight(6, 3), 1e-7f);
        assertEquals(0f, disk.weight(0, 0), 1e-7f);
        // a blur leaves flat images unchanged and smooths edges
        Image flat = Image.filled(3, 20, 20, 0.3f);
        assertEquals(0.3f, Blur.motion(7, 7).apply(flat, 1L).get(0, 10, 10), 1e-6f);
        Image blurred = Blur.defocus(3, 3).apply(PHOTO, 1L);
        assertTrue(Metrics.psnr(PHOTO, blurred) < 32);
        assertThrows(IllegalArgumentException.class, () -> Kernel.motion(0, 0));
    }

    @Test
    void rainStreaksBrightenAlongTheirAngle() {
        Image dark = Image.filled(3, 128, 128, 0.1f);
        RainStreaks vertical = new RainStreaks(0.01, 0.01, 20, 20, 0, 0, 1, 0.8, 0.8, 0, 0);
        Image rainy = vertical.apply(dark, 5L);
        double vLag = 0;
        double hLag = 0;
        for (int y = 0; y < 127; y++) {
            for (int x = 0; x < 127; x++) {
                double r = rainy.get(0, y, x) - 0.1;
                assertTrue(r >= -1e-6, "screen blending never darkens");
                vLag += r * (rainy.get(0, y + 1, x) - 0.1);
                hLag += r * (rainy.get(0, y, x + 1) - 0.1);
            }
        }
        assertTrue(vLag > 3 * hLag, "vertical streaks: vertical lag " + vLag + " vs horizontal " + hLag);
        Image hazy = RainStreaks.heavySlanted().apply(dark, 5L);
        assertTrue(Metrics.psnr(dark, hazy) < Metrics.psnr(dark, RainStreaks.light().apply(dark, 5L)));
    }

    @Test
    void correlatedNoiseHasTheRequestedStdsAndCorrelation() {
        Image gray = Image.filled(3, 160, 160, 0.5f);
        CorrelatedNoise n = new CorrelatedNoise(0.04, 0.04, 2.0, 0.1, 0.1, 0.0);
        Image x = n.apply(gray, 3L);
        assertEquals(x, n.apply(gray, 3L));
        double s = 0;
        double ss = 0;
        double lag = 0;
        double cbs = 0;
        int k = 0;
        for (int y = 20; y < 140; y++) {
            for (int xx = 20; xx < 139; xx++) {
                double ly = luma(x, y, xx) - 0.5;
                double ly1 = luma(x, y, xx + 1) - 0.5;
                double cb = -0.168736 * x.get(0, y, xx) - 0.331264 * x.get(1, y, xx) + 0.5 * x.get(2, y, xx);
                s += ly;
                ss += ly * ly;
                lag += ly * ly1;
                cbs += cb * cb;
                k++;
            }
        }
        double sd = Math.sqrt(ss / k - (s / k) * (s / k));
        assertEquals(0.04, sd, 0.006, "luma std");
        assertTrue(lag / ss > 0.7, "luma noise blurred over 2 px must be strongly correlated: " + lag / ss);
        assertEquals(0.1, Math.sqrt(cbs / k), 0.01, "chroma (Cb) std");
    }

    private static double luma(Image x, int y, int xx) {
        return 0.299 * x.get(0, y, xx) + 0.587 * x.get(1, y, xx) + 0.114 * x.get(2, y, xx);
    }

    @Test
    void describeNamesTheParameters() {
        assertEquals("awgn(sigma=0.0..75.0/255)", Awgn.reference().describe());
        assertTrue(CameraNoise.typical().describe().contains("bayer"));
        assertTrue(Awgn.reference().then(Jpeg.quality(90)).describe().contains(" -> jpeg(q=90)"));
    }
}
