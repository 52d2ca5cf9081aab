package dev.dna.api.degrade;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * JPEG compression at a quality drawn uniformly from [qualityMin, qualityMax] (one draw per image),
 * with the JDK's baseline encoder (4:2:0 chroma subsampling). The result is on the 8-bit grid.
 */
public record Jpeg(int qualityMin, int qualityMax) implements Degradation {

    /** Checks the components: an exception names any that is missing or out of range. */
    public Jpeg {
        checkArgument(qualityMin >= 1 && qualityMin <= qualityMax && qualityMax <= 100,
                "JPEG needs 1 <= qualityMin <= qualityMax <= 100, got [%s, %s]", qualityMin, qualityMax);
    }

    /**
     * JPEG compression at quality {@code q} (1-100) for every image.
     *
     * @param q the quality, 1 to 100
     * @return the degradation
     */
    public static Jpeg quality(int q) {
        return new Jpeg(q, q);
    }

    @Override
    public Image apply(Image clean, UniformRandomProvider rng) {
        int q = qualityMin + rng.nextInt(qualityMax - qualityMin + 1);
        return compress(clean, q);
    }

    static Image compress(Image x, int quality) {
        try {
            return Images.decodeRgb(Images.encodeJpeg(x, quality), "in-memory JPEG");
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory JPEG round trip failed", e);
        }
    }

    @Override
    public String describe() {
        return qualityMin == qualityMax ? "jpeg(q=" + qualityMin + ")" : "jpeg(q=" + qualityMin + ".." + qualityMax + ")";
    }
}
