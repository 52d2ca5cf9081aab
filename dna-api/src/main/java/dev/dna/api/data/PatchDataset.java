package dev.dna.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.degrade.Degradation;
import dev.dna.api.image.Image;
import dev.dna.api.image.ImageBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * An endless source of training batches of patches, in one of three forms:
 * <ul>
 *   <li>{@link #synthetic}: clean images degraded on the fly (synthetic pairs, or "real" images made by
 *       a second degradation model, whose clean side the trainer must not see);
 *   <li>{@link #paired}: fixed aligned (degraded, clean) pairs;
 *   <li>{@link #unpaired}: degraded images alone (real photos without ground truth).
 * </ul>
 * Per sample: an image index, the patch (see {@link PatchSampler}), then the degradation's draws.
 */
public final class PatchDataset {
    private final ImageSet degraded;
    private final ImageSet clean;
    private final Degradation degradation;
    private final PatchSampler sampler;

    private PatchDataset(ImageSet degraded, ImageSet clean, Degradation degradation, PatchSampler sampler) {
        this.degraded = degraded;
        this.clean = clean;
        this.degradation = degradation;
        this.sampler = checkNotNull(sampler, "sampler");
        ImageSet any = degraded != null ? degraded : clean;
        checkArgument(any.size() >= 1, "a dataset needs at least one image");
        for (int i = 0; i < any.size(); i++) {
            Image im = any.get(i);
            checkArgument(im.height() >= sampler.size() && im.width() >= sampler.size(),
                    "image '%s' %s is smaller than the %s-pixel patch", any.name(i), im.shapeString(), sampler.size());
        }
    }

    /**
     * Clean images degraded per patch by {@code degradation}: (degraded patch, clean patch).
     *
     * @param clean the clean images [3, H, W] in [0, 1]
     * @param degradation the synthetic degradation, drawn afresh for every patch
     * @param sampler how patches are cut from the clean images
     * @return the dataset
     */
    public static PatchDataset synthetic(ImageSet clean, Degradation degradation, PatchSampler sampler) {
        return new PatchDataset(null, checkNotNull(clean, "clean"), checkNotNull(degradation, "degradation"), sampler);
    }

    /**
     * Aligned pairs: {@code degraded.get(i)} is a degraded {@code clean.get(i)}.
     *
     * @param degraded the degraded images
     * @param clean their clean counterparts, index by index, of the same shapes
     * @param sampler how patches are cut; a pair is cut at the same place
     * @return the dataset
     */
    public static PatchDataset paired(ImageSet degraded, ImageSet clean, PatchSampler sampler) {
        checkArgument(degraded.size() == clean.size(), "%s degraded images for %s clean ones", degraded.size(), clean.size());
        for (int i = 0; i < clean.size(); i++) {
            checkArgument(degraded.get(i).sameShape(clean.get(i)), "pair %s ('%s'): %s vs %s", i, clean.name(i),
                    degraded.get(i).shapeString(), clean.get(i).shapeString());
        }
        return new PatchDataset(degraded, clean, null, sampler);
    }

    /**
     * Degraded images without ground truth.
     *
     * @param degraded the real degraded images
     * @param sampler how patches are cut
     * @return the dataset
     */
    public static PatchDataset unpaired(ImageSet degraded, PatchSampler sampler) {
        return new PatchDataset(checkNotNull(degraded, "degraded"), null, null, sampler);
    }

    /**
     * What this dataset is, for checkpoints and messages: its form, its images ({@link ImageSet#describe}, with their
     * digest), the degradation and the patch sampler. Two datasets with the same description give the same batches.
     *
     * @return one line
     */
    public String describe() {
        String form = degradation != null ? "synthetic from " + clean.describe() + " by " + degradation.describe()
                : clean != null ? "pairs of " + degraded.describe() + " with " + clean.describe()
                : "unpaired " + degraded.describe();
        return form + ", " + sampler.size() + "-pixel patches" + (sampler.augment() ? ", flipped" : "");
    }

    /** {@return whether the dataset has a clean side (pairs), or only degraded images} */
    public boolean hasClean() {
        return clean != null;
    }

    /** {@return how patches are cut: their side and whether they are flipped} */
    public PatchSampler sampler() {
        return sampler;
    }

    /**
     * The next {@code n} patches.
     *
     * @param n patches, at least 1
     * @param rng the source of every random choice (image, place, flip, noise)
     * @return {@code n} degraded patches and, where the dataset has a clean side, their clean patches
     */
    public Batch next(int n, UniformRandomProvider rng) {
        checkArgument(n >= 1, "batch size must be >= 1, got %s", n);
        ImageSet src = clean != null ? clean : degraded;
        List<Image> xs = new ArrayList<>(n);
        List<Image> ys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(src.size());
            if (degradation != null) {
                Image y = sampler.sample(clean.get(k), rng);
                xs.add(degradation.apply(y, rng));
                ys.add(y);
            } else {
                Image[] p = sampler.samplePair(degraded.get(k), clean == null ? null : clean.get(k), rng);
                xs.add(p[0]);
                if (p[1] != null) {
                    ys.add(p[1]);
                }
            }
        }
        return new Batch(ImageBatch.stack(xs), ys.isEmpty() ? null : ImageBatch.stack(ys));
    }

    /**
     * A batch of degraded patches [N, 3, S, S] and, where the dataset has them, the clean ones.
     */
    public record Batch(ImageBatch degraded, ImageBatch cleanOrNull) {
        /**
         * {@return the clean patches [N, 3, S, S], matching {@code degraded} index by index; empty for unpaired data}
         */
    public Optional<ImageBatch> clean() {
            return Optional.ofNullable(cleanOrNull);
        }
    }
}
