package dev.dna.api.image;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Diffusion;
import dev.dna.api.Restorers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import dev.dna.api.testing.Trials;
import org.junit.jupiter.api.Test;

/**
 * Mutations of valid files (byte overwrites, truncations, insertions, extreme values) fed to the readers: each input
 * loads or fails with the library's own exception and a message; never an {@code Error}, never another exception.
 */
class HostileInputProperties {
    static final byte[] PNG;
    static final byte[] JPEG;
    static final byte[] PLAN;

    static {
        try {
            Image img = ImagesTest.ramp(3, 48, 40);
            PNG = Images.encode(img, "x.png");
            JPEG = Images.encode(img, "x.jpg");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        AdaptationPlan p = Adaptation.of(Restorers.unet(8, 2)).withDiffusion(Diffusion.unet(8)).channelShuffle().residualSwap()
                .patchSize(32).build();
        PLAN = p.toJson().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] mutate(byte[] b, int at, int value, int how) {
        return switch (how) {
            case 0 -> {
                byte[] x = b.clone();
                x[at % x.length] = (byte) value;
                yield x;
            }
            case 1 -> java.util.Arrays.copyOf(b, at % b.length);
            case 2 -> {
                byte[] x = b.clone();
                int o = Math.min(at % x.length, x.length - 4);
                java.nio.ByteBuffer.wrap(x).putInt(o, value % 2 == 0 ? Integer.MAX_VALUE : 0x7fff_fff0 - value);
                yield x;
            }
            default -> {
                int o = at % b.length;
                byte[] x = new byte[b.length + 1];
                System.arraycopy(b, 0, x, 0, o);
                x[o] = (byte) value;
                System.arraycopy(b, o, x, o + 1, b.length - o);
                yield x;
            }
        };
    }

    @Test
    void mutatedPngsDecodeOrFailCleanly() {
        Trials.check(2000, c -> decodeOrFail(mutate(PNG, c.intIn("at", 0, 1 << 20), c.intIn("value", 0, 255), c.intIn("how", 0, 3))));
    }

    @Test
    void mutatedJpegsDecodeOrFailCleanly() {
        Trials.check(2000, c -> decodeOrFail(mutate(JPEG, c.intIn("at", 0, 1 << 20), c.intIn("value", 0, 255), c.intIn("how", 0, 3))));
    }

    @Test
    void mutatedExifOrientationsDecodeOrFailCleanly() throws IOException {
        // a JPEG whose EXIF segment says orientation 6 (bytes 20-55), mutated mostly there: the orientation reader's own
        // bounds, not only the decoder's, meet the damage
        byte[] exif = ImagesTest.resource("/dev/dna/api/image/exif/orientation-6.jpg");
        Trials.check(1000, c -> decodeOrFail(mutate(exif, c.intIn("at", 0, c.bool("in the EXIF segment") ? 60 : 1 << 20),
                c.intIn("value", 0, 255), c.intIn("how", 0, 3))));
    }

    @Test
    void mutatedPlansReadOrFailCleanly() {
        Trials.check(2000, c -> {
            String json = new String(mutate(PLAN, c.intIn("at", 0, 1 << 20), c.intIn("value", 0, 255), c.intIn("how", 0, 3)),
                    StandardCharsets.UTF_8);
            try {
                AdaptationPlan.fromJson(json);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank()); // a JSON error, or the field out of range
            }
        });
    }

    private static void decodeOrFail(byte[] bytes) {
        try {
            Image im = Images.decodeRgb(bytes, "m");
            assertTrue(im.channels() == 3 && (long) im.height() * im.width() <= Images.maxPixels());
        } catch (IOException expected) {
            assertTrue(expected.getMessage() != null && expected.getMessage().contains("m"), expected.getMessage());
        }
    }
}
