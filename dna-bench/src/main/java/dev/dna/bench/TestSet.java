package dev.dna.bench;

import dev.dna.api.data.ImagePairs;
import dev.dna.api.data.ImageSet;
import dev.dna.api.degrade.Degradation;

/**
 * The test images, index by index: the clean images, their real-domain degradations and their synthetic ones.
 *
 * @param clean [3, H, W] in [0, 1] each
 * @param real the real domain's images of the same scenes (PolyU's real shots, or simulated)
 * @param synthetic the synthetic test degradation of each clean image (denoising: AWGN of sigma 25/255)
 */
record TestSet(ImageSet clean, ImageSet real, ImageSet synthetic) {
    /** Seeds of the simulated test pairs: real domain 1,000,000 + i, synthetic 2,000,000 + i for test image i. */
    static final long REAL_TEST_SEED = 1_000_000L;

    static final long SYNTHETIC_TEST_SEED = 2_000_000L;

    /** Real test pairs (a real data set's test scenes, whole), with the synthetic test degradation of their clean side. */
    static TestSet ofRealPairs(ImagePairs pairs, Degradation syntheticTest) {
        return new TestSet(pairs.clean(), pairs.degraded(),
                ImagePairs.degrade(pairs.clean(), syntheticTest, SYNTHETIC_TEST_SEED).degraded());
    }

    /** A simulated real domain's test set: {@code clean} degraded once by each domain, with fixed seeds. */
    static TestSet simulated(ImageSet clean, Degradation realDomain, Degradation syntheticTest) {
        return new TestSet(clean, ImagePairs.degrade(clean, realDomain, REAL_TEST_SEED).degraded(),
                ImagePairs.degrade(clean, syntheticTest, SYNTHETIC_TEST_SEED).degraded());
    }
}
