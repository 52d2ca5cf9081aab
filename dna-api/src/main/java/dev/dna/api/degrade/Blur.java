package dev.dna.api.degrade;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.image.Image;
import dev.dna.api.random.Rngs;
import java.util.Locale;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Blur by a random kernel of one {@link Shape}: per image, the size parameter is drawn from
 * [sizeMin, sizeMax] (motion length, defocus radius or Gaussian sigma, in pixels), then for motion the
 * angle from [angleMin, angleMax] degrees. Deblurring's synthetic domain is uniform motion blur; a
 * "real" domain can chain defocus, noise and JPEG.
 */
public record Blur(Shape shape, double sizeMin, double sizeMax, double angleMin, double angleMax) implements Degradation {

    /** Kernel families. */
    public enum Shape {
        /** A line segment of the drawn length (pixels) at the drawn angle: uniform motion blur. */
        MOTION,
        /** A disc of the drawn radius (pixels): an out-of-focus lens. */
        DEFOCUS,
        /** An isotropic Gaussian of the drawn sigma (pixels). */
        GAUSSIAN
    }

    /** Checks the components: an exception names any that is missing or out of range. */
    public Blur {
        checkNotNull(shape, "shape");
        checkArgument(sizeMin > 0 && sizeMin <= sizeMax, "blur needs 0 < sizeMin <= sizeMax, got [%s, %s]", sizeMin, sizeMax);
        checkArgument(angleMin <= angleMax, "blur needs angleMin <= angleMax, got [%s, %s]", angleMin, angleMax);
    }

    /**
     * Uniform linear motion of length in [min, max] pixels at any angle.
     *
     * @param lengthMin the shortest length, in pixels
     * @param lengthMax the longest length, in pixels
     * @return the degradation
     */
    public static Blur motion(double lengthMin, double lengthMax) {
        return new Blur(Shape.MOTION, lengthMin, lengthMax, 0, 180);
    }

    /**
     * Defocus disk of radius in [min, max] pixels.
     *
     * @param radiusMin the smallest radius, in pixels
     * @param radiusMax the largest radius, in pixels
     * @return the degradation
     */
    public static Blur defocus(double radiusMin, double radiusMax) {
        return new Blur(Shape.DEFOCUS, radiusMin, radiusMax, 0, 0);
    }

    /**
     * Gaussian of sigma in [min, max] pixels.
     *
     * @param sigmaMin the smallest sigma, in pixels
     * @param sigmaMax the largest sigma, in pixels
     * @return the degradation
     */
    public static Blur gaussian(double sigmaMin, double sigmaMax) {
        return new Blur(Shape.GAUSSIAN, sigmaMin, sigmaMax, 0, 0);
    }

    /**
     * The kernel drawn for one image.
     *
     * @param rng the source of the draw
     * @return the kernel
     */
    public Kernel drawKernel(UniformRandomProvider rng) {
        double size = Rngs.uniform(rng, sizeMin, sizeMax);
        return switch (shape) {
            case MOTION -> Kernel.motion(size, Rngs.uniform(rng, angleMin, angleMax));
            case DEFOCUS -> Kernel.defocus(size);
            case GAUSSIAN -> Kernel.gaussian(size);
        };
    }

    @Override
    public Image apply(Image clean, UniformRandomProvider rng) {
        return drawKernel(rng).apply(clean);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s-blur(%.1f..%.1f px%s)", shape.name().toLowerCase(Locale.ROOT), sizeMin,
                sizeMax, shape == Shape.MOTION ? String.format(Locale.ROOT, ", %.0f..%.0f deg", angleMin, angleMax) : "");
    }
}
