package dev.dna.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.degrade.Awgn;
import dev.dna.api.image.Dihedral;
import dev.dna.api.image.Image;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.random.Rngs;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.rng.RestorableUniformRandomProvider;
import org.junit.jupiter.api.Test;

class PatchDatasetTest {
    static final ImageSet SET = EmbeddedImages.load().select(0, 1, 2);

    @Test
    void syntheticPairsAreAlignedAndReproducible() {
        PatchDataset ds = PatchDataset.synthetic(SET, new Awgn(0.1, 0.1, false), new PatchSampler(32, true));
        PatchDataset.Batch a = ds.next(4, Rngs.create(1));
        PatchDataset.Batch b = ds.next(4, Rngs.create(1));
        assertEquals(a.degraded(), b.degraded());
        assertEquals(a.clean().orElseThrow(), b.clean().orElseThrow());
        assertEquals(4, a.degraded().size());
        assertEquals(32, a.degraded().height());
        // degraded = clean + noise of sd 0.1: aligned patches
        ImageBatch diff = a.degraded().minus(a.clean().orElseThrow());
        double ss = 0;
        for (float f : diff.toArray()) {
            ss += f * f;
        }
        assertEquals(0.1, Math.sqrt(ss / diff.toArray().length), 0.01);
    }

    @Test
    void pairedPatchesShareCropAndTransform() {
        ImageSet noisy = ImageSet.of(SET.names(), SET.images().stream().map(i -> Awgn.sigma255(20, 20).apply(i, 3L)).toList());
        PatchDataset ds = PatchDataset.paired(noisy, SET, new PatchSampler(16, true));
        RestorableUniformRandomProvider rng = Rngs.create(2);
        for (int k = 0; k < 10; k++) {
            PatchDataset.Batch b = ds.next(2, rng);
            ImageBatch d = b.degraded().minus(b.clean().orElseThrow());
            double ss = 0;
            for (float f : d.toArray()) {
                ss += f * f;
            }
            assertTrue(Math.sqrt(ss / d.toArray().length) < 0.12, "misaligned pair");
        }
        PatchDataset real = PatchDataset.unpaired(noisy, new PatchSampler(16, false));
        assertFalse(real.hasClean());
        assertTrue(real.next(3, rng).clean().isEmpty());
    }

    @Test
    void augmentationUsesAllEightTransforms() {
        Image im = SET.get(0).crop(0, 0, 8, 8);
        PatchSampler s = new PatchSampler(8, true);
        RestorableUniformRandomProvider rng = Rngs.create(4);
        Set<Image> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(s.sample(im, rng));
        }
        assertEquals(8, seen.size());
        Set<Image> plain = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            plain.add(new PatchSampler(8, false).sample(im, rng));
        }
        assertEquals(Set.of(im), plain);
        assertEquals(im, Dihedral.IDENTITY.apply(im));
    }

    @Test
    void rngStateRestoresTheStream() {
        PatchDataset ds = PatchDataset.synthetic(SET, Awgn.reference(), new PatchSampler(16, true));
        RestorableUniformRandomProvider rng = Rngs.create(9);
        ds.next(2, rng);
        byte[] state = Rngs.saveState(rng);
        ImageBatch expected = ds.next(2, rng).degraded();
        RestorableUniformRandomProvider other = Rngs.create(12345);
        Rngs.restoreState(other, state);
        assertEquals(expected, ds.next(2, other).degraded());
        assertThrows(IllegalArgumentException.class, () -> Rngs.restoreState(other, new byte[] {1, 2, 3}));
        assertNotEquals(Rngs.stream(1, "noise").nextLong(), Rngs.stream(1, "masks").nextLong());
    }

    @Test
    void tooSmallImagesAreRefusedByName() {
        ImageSet tiny = ImageSet.of(List.of("tiny.png"), List.of(Image.filled(3, 10, 10, 0f)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PatchDataset.unpaired(tiny, new PatchSampler(16, false)));
        assertTrue(e.getMessage().contains("tiny.png"), e.getMessage());
        var split = EmbeddedImages.load().split(List.of("chelsea.png", "rocket.png"));
        assertEquals(2, split.first().size());
        assertEquals(9, split.rest().size());
        assertFalse(split.rest().names().contains("rocket.png"));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedImages.load().split(List.of("nope.png")));
    }
}
