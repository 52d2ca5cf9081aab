package dev.dna.api.data;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Locale;

/**
 * A real-noise benchmark split by scene ({@link RealNoise}); no scene is in two parts.
 *
 * @param train the real domain's images (unpaired for the method; paired for the oracle only)
 * @param validation the pairs that choose checkpoints and calibrate
 * @param test the pairs reported on
 */
public record SceneSplit(ImagePairs train, ImagePairs validation, ImagePairs test) {
    /** Checks the components: an exception names any that is missing or out of range. */
    public SceneSplit {
        checkNotNull(train, "train");
        checkNotNull(validation, "validation");
        checkNotNull(test, "test");
    }

    /** {@return one line: each part's crop count and scenes} */
    public String describe() {
        return String.format(Locale.ROOT, "%d train crops of %s, %d validation crops of %s, %d test crops of %s", train.size(),
                train.sceneList(), validation.size(), validation.sceneList(), test.size(), test.sceneList());
    }
}
