package dev.dna.api;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.data.ImageSet;
import dev.dna.api.image.Image;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.image.TiledInference;

/**
 * A trained restorer on some engine (SameDiff's {@code TrainedRestorer}, ONNX Runtime's
 * {@code OnnxRestorer}): the network on batches, and whole images of any size through
 * {@link TiledInference}. Images are RGB in [0, 1]; implementations map to their value range.
 */
public interface ImageRestorer {

    /** {@return the factor that H and W given to {@link #predict} must be multiples of} */
    int downsamplingFactor();

    /**
     * The network on a batch: [N, 3, H, W] in [0, 1], H and W multiples of {@link #downsamplingFactor()},
     * to [N, 3, H, W] in [0, 1], unclipped. No padding or tiling.
     *
     * @param x the degraded batch
     * @return the restored batch, a new one
     */
    ImageBatch predict(ImageBatch x);

    /**
     * How {@link #restore} pads and tiles; the default tiles squares of {@link TiledInference#defaultTile} (1024 pixels,
     * rounded down to a multiple of the downsampling factor).
     *
     * @return the tiling
     */
    default TiledInference tiling() {
        return TiledInference.of(this::predict, downsamplingFactor());
    }

    /**
     * Restores one RGB image of any size.
     *
     * @param degraded [3, H, W] in [0, 1]
     * @return [3, H, W], clipped to [0, 1]
     */
    default Image restore(Image degraded) {
        return restore(degraded, TiledInference.Progress.NONE);
    }

    /**
     * Restores one RGB image of any size, telling {@code progress} of each tile (a photograph of 12 megapixels is some
     * twenty tiles of the default size, and takes half a minute on two cores).
     *
     * @param degraded [3, H, W] in [0, 1]
     * @param progress told of each pass of the network as it ends
     * @return [3, H, W], clipped to [0, 1]
     */
    default Image restore(Image degraded, TiledInference.Progress progress) {
        checkNotNull(degraded, "degraded");
        checkArgument(degraded.channels() == 3, "the restorer takes RGB images with 3 channels, got %s (%s)",
                degraded.channels(), degraded.shapeString());
        return tiling().apply(degraded, progress).clip();
    }

    /**
     * {@link #restore} of each image of {@code degraded}, under the same names.
     *
     * @param degraded RGB images [3, H, W] in [0, 1], of any size
     * @return the restorations, unclipped
     */
    default ImageSet restoreAll(ImageSet degraded) {
        checkNotNull(degraded, "degraded");
        return degraded.map(this::restore);
    }

    /**
     * The argument checks of {@link #predict}, for implementations.
     *
     * @param x the batch {@link #predict} was given
     * @param factor the restorer's downsampling factor
     */
    static void checkBatch(ImageBatch x, int factor) {
        checkNotNull(x, "x");
        checkArgument(x.channels() == 3, "the restorer takes 3 channels, got %s", x.channels());
        checkArgument(x.height() % factor == 0 && x.width() % factor == 0,
                "predict needs H and W that are multiples of %s, got %sx%s (restore() pads for you)", factor, x.height(),
                x.width());
    }
}
