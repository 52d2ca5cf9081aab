package dev.dna.api.data;

import dev.dna.api.io.Ancestors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
     *
     * @return the folder, or empty
     */
    public static Optional<Path> find() {
        return RealNoise.POLYU.find();
    }

    /**
     * The nearest {@code shared/data/polyu-canon} under {@code start} or one of its ancestors; empty when there is none.
     *
     * @param start where the search begins
     * @return the folder, or empty
     */
    public static Optional<Path> findFrom(Path start) {
        return Ancestors.nearest(start, RELATIVE, Files::isDirectory);
    }

    /**
     * Reads the folder and splits it by scene ({@link RealNoise#POLYU}).
     *
     * @param dir the PolyU folder
     * @return train, validation and test
     * @throws IOException as {@link ImagePairs#polyU} (a missing or empty folder, an unmatched or unreadable file, ...)
     * @throws IllegalArgumentException if one of the split's scenes is not in the folder
     */
    public static SceneSplit split(Path dir) throws IOException {
        return RealNoise.POLYU.split(dir);
    }

    /**
     * Splits PolyU's pairs by scene: train (the rest), validation and test.
     *
     * @param all PolyU's pairs
     * @return train, validation and test
     */
    public static SceneSplit split(ImagePairs all) {
        return RealNoise.POLYU.split(all);
    }
}
