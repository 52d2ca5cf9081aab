package dev.dna.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.degrade.Degradation;
import dev.dna.api.image.Image;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole images degraded into a fixed number of realizations each, as real photographs are: a camera's noise,
 * mosaic and JPEG grid belong to the whole frame, and a training patch is then cropped (and flipped) out of
 * one fixed degraded image. This is how the authors' real domain reaches their trainer (files on disk,
 * {@code data/dataset.py}); degrading each patch after cropping would instead align the Bayer pattern and the
 * JPEG blocks with every patch and draw fresh noise for every crop.
 *
 * <p>Realization {@code k} of image {@code i} is {@code degradation.apply(clean.get(i), seed + 1000 i + k)},
 * named {@code "<name>#k"}; {@link #clean()} repeats each clean image alongside, so that
 * {@code PatchDataset.paired(degraded(), clean(), ...)} gives aligned real pairs (an oracle's training set) and
 * {@code PatchDataset.unpaired(degraded(), ...)} the real images alone.
 *
 * @param degraded {@code perImage} realizations of each clean image, image by image
 * @param clean the clean image of each realization
 * @param perImage realizations of each clean image
 */
public record Realizations(ImageSet degraded, ImageSet clean, int perImage) {

    /** Checks the components: an exception names any that is missing or out of range. */
    public Realizations {
        checkNotNull(degraded, "degraded");
        checkNotNull(clean, "clean");
        checkArgument(degraded.size() == clean.size(), "%s realizations for %s clean images", degraded.size(), clean.size());
        checkArgument(perImage >= 1 && degraded.size() % perImage == 0, "%s realizations are not %s per image",
                degraded.size(), perImage);
    }

    /**
     * {@code perImage} realizations of {@code degradation} on each of {@code clean}'s images.
     *
     * @param clean the clean images
     * @param degradation drawn once per realization
     * @param perImage in [1, 1000]
     * @param seed base of the realizations' seeds (see the class comment)
     * @return the realizations, made now
     */
    public static Realizations of(ImageSet clean, Degradation degradation, int perImage, long seed) {
        checkNotNull(clean, "clean");
        checkNotNull(degradation, "degradation");
        checkArgument(perImage >= 1 && perImage <= 1000, "realizations per image must be in [1, 1000], got %s", perImage);
        List<String> names = new ArrayList<>();
        List<Image> degraded = new ArrayList<>();
        List<Image> cleanOfEach = new ArrayList<>();
        for (int i = 0; i < clean.size(); i++) {
            for (int k = 0; k < perImage; k++) {
                names.add(clean.name(i) + "#" + k);
                degraded.add(degradation.apply(clean.get(i), seed + 1000L * i + k));
                cleanOfEach.add(clean.get(i));
            }
        }
        return new Realizations(ImageSet.of(names, degraded), ImageSet.of(names, cleanOfEach), perImage);
    }

    /**
     * Realization {@code k} of clean image {@code i}.
     *
     * @param i the clean image, from 0
     * @param k the realization, from 0
     * @return the degraded image
     */
    public Image get(int i, int k) {
        checkArgument(k >= 0 && k < perImage, "realization %s of %s per image", k, perImage);
        return degraded.get(i * perImage + k);
    }
}
