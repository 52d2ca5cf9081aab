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
     * @param rng the source of every random draw; the same state gives the same image
     * @return an image of the same shape
     */
    Image apply(Image clean, UniformRandomProvider rng);

    /**
     * {@code apply} with a generator seeded by {@code seed}.
     *
     * @param clean RGB [3, H, W] in [0, 1]
     * @param seed the generator's seed
     * @return an image of the same shape
     */
    default Image apply(Image clean, long seed) {
        return apply(clean, Rngs.create(seed));
    }

    /** {@return the parameters in words, for logs and result files} */
    String describe();

    /**
     * This degradation followed by {@code next}.
     *
     * @param next applied to this one's output
     * @return the chain
     */
    default Degradation then(Degradation next) {
        return Chain.of(this, next);
    }
}
