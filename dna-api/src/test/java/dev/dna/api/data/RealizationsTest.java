package dev.dna.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dna.api.degrade.CameraNoise;
import dev.dna.api.degrade.Degradation;
import dev.dna.api.image.Image;
import dev.dna.api.random.Rngs;
import org.junit.jupiter.api.Test;

/** Real-domain images are degraded whole, into fixed realizations, before any cropping (issue 16, item 7). */
class RealizationsTest {
    static final ImageSet SET = EmbeddedImages.load().select(0, 1);

    @Test
    void eachRealizationIsTheWholeImageDegradedWithItsOwnSeed() {
        Degradation camera = CameraNoise.typical();
        Realizations r = Realizations.of(SET, camera, 3, 500);
        assertEquals(6, r.degraded().size());
        for (int i = 0; i < SET.size(); i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals(camera.apply(SET.get(i), 500 + 1000L * i + k), r.get(i, k));
                assertEquals(SET.get(i), r.clean().get(3 * i + k));
                assertEquals(SET.name(i) + "#" + k, r.degraded().name(3 * i + k));
            }
        }
        assertNotEquals(r.get(0, 0), r.get(0, 1), "realizations differ");
        assertEquals(r.get(1, 2), Realizations.of(SET, camera, 3, 500).get(1, 2), "and are reproducible");
        assertThrows(IllegalArgumentException.class, () -> r.get(0, 3));
        assertThrows(IllegalArgumentException.class, () -> Realizations.of(SET, camera, 0, 1));
    }

    /**
     * A patch of the real domain is a crop of one fixed realization, so its degradation is that of the whole frame
     * (mosaic phase and JPEG grid as the photo's, not re-aligned with each crop): degrading a crop is not cropping the
     * degraded image.
     */
    @Test
    void patchesAreCroppedFromTheFixedRealizations() {
        Degradation camera = CameraNoise.typical();
        Realizations r = Realizations.of(SET, camera, 1, 9);
        PatchDataset real = PatchDataset.paired(r.degraded(), r.clean(), new PatchSampler(32, false));
        PatchDataset.Batch b = real.next(4, Rngs.create(3));
        for (int n = 0; n < 4; n++) {
            Image patch = b.degraded().image(n);
            Image clean = b.clean().orElseThrow().image(n);
            int[] where = locate(clean);
            Image fromRealization = r.get(where[0], 0).crop(where[1], where[2], 32, 32);
            assertEquals(fromRealization, patch, "patch " + n);
        }
        Image whole = r.get(0, 0).crop(5, 7, 32, 32);
        Image cropThenDegrade = camera.apply(SET.get(0).crop(5, 7, 32, 32), 9);
        assertNotEquals(whole, cropThenDegrade);
    }

    /** Image index, top and left of a clean 32x32 patch in SET (searched exhaustively). */
    private static int[] locate(Image clean) {
        for (int i = 0; i < SET.size(); i++) {
            Image im = SET.get(i);
            for (int y = 0; y + 32 <= im.height(); y++) {
                for (int x = 0; x + 32 <= im.width(); x++) {
                    if (im.get(0, y, x) == clean.get(0, 0, 0) && im.get(1, y + 3, x + 5) == clean.get(1, 3, 5)
                            && im.crop(y, x, 32, 32).equals(clean)) {
                        return new int[] {i, y, x};
                    }
                }
            }
        }
        throw new AssertionError("patch not found in the clean images");
    }
}
