package dev.dna.api.data;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.dna.api.io.Ancestors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The real-noise benchmarks dna measures itself on, each with its folder and its split by scene, fixed before any result
 * was seen, so that every run (the main example, {@code dna bench}, a user's own code) trains, validates and tests on the
 * same images. Their licences are non-commercial: dna reads them from a folder and never embeds them.
 */
public enum RealNoise {
    /**
     * PolyU's Canon crops (Xu et al., "Real-world noisy image denoising: a new benchmark", 2018): 55 real high-ISO JPEGs
     * ({@code *_real}) with the means of about 500 shots ({@code *_mean}), mild noise (35.8 dB input); see {@link PolyU}.
     */
    POLYU("PolyU", Path.of("shared", "data", "polyu-canon"), "DNA_POLYU", PolyU.TEST_SCENES, PolyU.VALIDATION_SCENES),
    /**
     * SIDD's sRGB samples (Abdelhamed, Lin, Brown, CVPR 2018), the paper's domain: 14 smartphone pairs in {@code noisy/}
     * and {@code clean/}, files {@code <scene>__<id>.png}, strong noise (23.2 dB input on average). Test: chess (5 crops,
     * whole images); validation: cup and ruler; real domain: scrabble, fruit, markers, checker (7).
     */
    SIDD("SIDD", Path.of("shared", "data", "sidd-samples"), "DNA_SIDD", List.of("chess"), List.of("cup", "ruler"));

    private final String label;
    private final Path relative;
    private final String env;
    private final ImmutableList<String> testScenes;
    private final ImmutableList<String> validationScenes;

    RealNoise(String label, Path relative, String env, List<String> testScenes, List<String> validationScenes) {
        this.label = label;
        this.relative = relative;
        this.env = env;
        this.testScenes = ImmutableList.copyOf(testScenes);
        this.validationScenes = ImmutableList.copyOf(validationScenes);
    }

    /** {@return the benchmark's name, for messages and tables} */
    public String label() {
        return label;
    }

    /** {@return where {@link #find} looks, under the working directory and each of its ancestors} */
    public Path relative() {
        return relative;
    }

    /** {@return the environment variable that names the folder when the search does not find it} */
    public String env() {
        return env;
    }

    /** {@return the scenes tested on, whole} */
    public List<String> testScenes() {
        return testScenes;
    }

    /** {@return the scenes that choose checkpoints and calibrate the recipe; never trained on} */
    public List<String> validationScenes() {
        return validationScenes;
    }

    /**
     * {@return the folder: {@code $ENV} if set, else the nearest {@link #relative} above the working directory; empty
     *     if none}
     */
    public Optional<Path> find() {
        String dir = System.getenv(env);
        if (dir != null && !dir.isBlank()) {
            return Optional.of(Path.of(dir));
        }
        return Ancestors.nearestFromWorkingDirectory(relative, Files::isDirectory);
    }

    /**
     * The pairs in {@code dir}, read by the benchmark's file convention.
     *
     * @param dir the benchmark's folder
     * @return its pairs
     * @throws IOException naming the folder or file if a folder is missing or empty, a file unmatched or unreadable
     */
    public ImagePairs read(Path dir) throws IOException {
        checkNotNull(dir, "dir");
        return this == POLYU ? ImagePairs.polyU(dir) : ImagePairs.fromFolders(dir.resolve("noisy"), dir.resolve("clean"));
    }

    /**
     * Reads {@code dir} and splits it by scene.
     *
     * @param dir the benchmark's folder
     * @return train, validation and test
     * @throws IllegalArgumentException if one of the split's scenes is not in the folder
     * @throws IOException as {@link #read}
     */
    public SceneSplit split(Path dir) throws IOException {
        return split(read(dir));
    }

    /**
     * Splits the benchmark's pairs by scene: train (the rest), validation and test.
     *
     * @param all the benchmark's pairs
     * @return train, validation and test
     */
    public SceneSplit split(ImagePairs all) {
        checkNotNull(all, "all");
        ImagePairs.Split test = all.splitByScene(testScenes);
        ImagePairs.Split validation = test.train().splitByScene(validationScenes);
        return new SceneSplit(validation.train(), validation.test(), test.test());
    }
}
