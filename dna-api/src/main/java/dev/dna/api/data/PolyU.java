package dev.dna.api.data;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.io.Ancestors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The real-noise benchmark on PolyU's Canon crops (Xu et al., "Real-world noisy image denoising: a new benchmark",
 * 2018): where the folder is, and its split by scene, fixed here before any result was seen, so that every run (the
 * main example, {@code dna bench}, a user's own code) trains, validates and tests on the same crops.
 *
 * <p>The folder holds pairs of a real high-ISO JPEG ({@code *_real}) and the mean of about 500 shots ({@code *_mean});
 * see {@link ImagePairs#polyU}. Its licence is non-commercial: dna reads it from a folder and never embeds it.
 *
 * <p>The split: {@link #TEST_SCENES} (4 scenes, 16 crops, every camera) are tested on, whole; {@link #VALIDATION_SCENES}
 * (one per camera, 9 crops) choose checkpoints and calibrate the recipe; the other scenes (8, 30 crops) are the
 * unpaired real domain, and their means train only the oracle. No scene is in two parts.
 */
public final class PolyU {
    private PolyU() {}

    /** Names the PolyU folder when the default search does not find it. */
    public static final String ENV = "DNA_POLYU";

    /** Where {@link #find} looks, under the working directory and each of its ancestors. */
    public static final Path RELATIVE = Path.of("shared", "data", "polyu-canon");

    /** Scenes held out for testing: about 30% of the crops, from every camera. */
    public static final List<String> TEST_SCENES = List.of("Canon5D2_toy", "Canon5D2_desk", "Canon80D_ball", "Canon600D_book");

    /**
     * Scenes (of the non-test ones) held out for validation: one per camera, ISO 3200, 1600 and 12800, 9 crops; never
     * trained on. They choose a run's best checkpoint and are where the recipe is calibrated; the test scenes are not.
     */
    public static final List<String> VALIDATION_SCENES = List.of("Canon5D2_plug", "Canon600D_waterhouse", "Canon80D_printer");

    /**
     * The PolyU folder to use by default: {@code $DNA_POLYU} if set, else the nearest {@code shared/data/polyu-canon} under
     * the working directory or one of its ancestors; empty when there is none.
     */
    public static Optional<Path> find() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        return findFrom(Path.of(""));
    }

    /** The nearest {@code shared/data/polyu-canon} under {@code start} or one of its ancestors; empty when there is none. */
    public static Optional<Path> findFrom(Path start) {
        return Ancestors.nearest(start, RELATIVE, Files::isDirectory);
    }

    /**
     * Reads the folder and splits it by scene.
     *
     * @throws IOException as {@link ImagePairs#polyU} (a missing or empty folder, an unmatched or unreadable file, ...)
     * @throws IllegalArgumentException if one of the split's scenes is not in the folder
     */
    public static Split split(Path dir) throws IOException {
        return split(ImagePairs.polyU(dir));
    }

    /** Splits PolyU's pairs by scene: train (the rest), validation and test. */
    public static Split split(ImagePairs all) {
        checkNotNull(all, "all");
        ImagePairs.Split test = all.splitByScene(TEST_SCENES);
        ImagePairs.Split validation = test.train().splitByScene(VALIDATION_SCENES);
        return new Split(validation.train(), validation.test(), test.test());
    }

    /**
     * The three parts of the benchmark; no scene is in two of them.
     *
     * @param train the real domain's images (unpaired for the method; paired for the oracle only)
     * @param validation the pairs that choose checkpoints and calibrate
     * @param test the pairs reported on
     */
    public record Split(ImagePairs train, ImagePairs validation, ImagePairs test) {
        public Split {
            checkNotNull(train, "train");
            checkNotNull(validation, "validation");
            checkNotNull(test, "test");
        }

        /** One line: each part's crop count and scenes. */
        public String describe() {
            return String.format(Locale.ROOT, "%d train crops of %s, %d validation crops of %s, %d test crops of %s", train.size(),
                    train.sceneList(), validation.size(), validation.sceneList(), test.size(), test.sceneList());
        }
    }
}
