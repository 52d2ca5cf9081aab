package dev.dna.api.data;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.image.Dihedral;
import dev.dna.api.image.Image;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Random square patches with optional dihedral augmentation. Draw order per patch: top, left, then
 * (when augmenting) the transform.
 *
 * @param size side of the patch in pixels
 * @param augment whether to apply one of the 8 {@link Dihedral} transforms at random
 */
public record PatchSampler(int size, boolean augment) {

    /** Checks the components: an exception names any that is missing or out of range. */
    public PatchSampler {
        checkArgument(size >= 1, "patch size must be >= 1, got %s", size);
    }

    /**
     * The patches {@code plan} trains on: its patch size, flipped when its {@code augment} is on.
     *
     * @param plan a plan
     * @return the sampler
     */
    public static PatchSampler of(dev.dna.api.AdaptationPlan plan) {
        return new PatchSampler(plan.patchSize(), plan.augment());
    }

    /**
     * A patch of {@code image}.
     *
     * @param image an image at least the patch size on each side
     * @param rng chooses the place and the flip
     * @return the patch [C, S, S]
     */
    public Image sample(Image image, UniformRandomProvider rng) {
        return samplePair(image, null, rng)[0];
    }

    /**
     * The same crop and transform of two aligned images (degraded and clean).
     *
     * @param first an image at least the patch size on each side
     * @param second may be null
     * @param rng chooses the place and the flip, shared by both patches
     * @return {patch of first, patch of second or null}
     */
    public Image[] samplePair(Image first, Image second, UniformRandomProvider rng) {
        checkArgument(first.height() >= size && first.width() >= size,
                "image %s is smaller than the %sx%s patch", first.shapeString(), size, size);
        checkArgument(second == null || second.sameShape(first),
                "paired images differ in shape: %s vs %s", first.shapeString(), second == null ? "" : second.shapeString());
        int top = rng.nextInt(first.height() - size + 1);
        int left = rng.nextInt(first.width() - size + 1);
        Dihedral t = augment ? Dihedral.random(rng) : Dihedral.IDENTITY;
        Image a = t.apply(first.crop(top, left, size, size));
        Image b = second == null ? null : t.apply(second.crop(top, left, size, size));
        return new Image[] {a, b};
    }
}
