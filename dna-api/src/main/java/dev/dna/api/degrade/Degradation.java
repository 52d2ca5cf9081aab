package dev.dna.api.degrade;

import dev.dna.api.image.Image;
import dev.dna.api.random.Rngs;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * A seeded random degradation of a clean RGB image in [0, 1]: noise, rain, blur, compression. The
 * output depends only on the image and the generator's state, so a seed reproduces it exactly.
 * Implementations are immutable records.
 */
public interface Degradation {

    /**
     * Degrades {@code clean}; draws its parameters (e.g. the noise level) and its noise from {@code rng}.
     *
     * @param clean RGB [3, H, W] in [0, 1]
     * @return an image of the same shape
     */
    Image apply(Image clean, UniformRandomProvider rng);

    /** {@code apply} with a generator seeded by {@code seed}. */
    default Image apply(Image clean, long seed) {
        return apply(clean, Rngs.create(seed));
    }

    /** Parameters in words, for logs and result files. */
    String describe();

    /** This degradation followed by {@code next}. */
    default Degradation then(Degradation next) {
        return Chain.of(this, next);
    }
}
