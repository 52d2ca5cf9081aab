package dev.dna.api.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DihedralProperties {

    static Image distinct(int c, int h, int w) {
        float[] d = new float[c * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return Image.of(c, h, w, d);
    }

    @Test
    void inverseUndoesEveryTransform() { // every transform at every size up to 6 x 6: 288 cases, all of them
        for (Dihedral t : Dihedral.values()) {
            for (int h = 1; h <= 6; h++) {
                for (int w = 1; w <= 6; w++) {
                    Image im = distinct(2, h, w);
                    assertEquals(im, t.inverse().apply(t.apply(im)), t + " at " + h + " x " + w);
                }
            }
        }
    }

    @Test
    void keepsThePixelsAndSwapsSidesOnOddTurns() {
        for (Dihedral t : Dihedral.values()) {
            Image im = distinct(3, 4, 5);
            Image out = t.apply(im);
            float[] a = im.toArray();
            float[] b = out.toArray();
            Arrays.sort(a);
            Arrays.sort(b);
            assertArrayEquals(a, b, t.toString());
            assertEquals(3, out.channels());
            assertEquals(20, out.height() * out.width());
        }
    }

    @Test
    void theEightAreDistinct() {
        Image im = distinct(1, 3, 3);
        Set<Image> seen = new HashSet<>();
        for (Dihedral t : Dihedral.values()) {
            seen.add(t.apply(im));
        }
        assertEquals(8, seen.size());
    }

    @Test
    void rot90TurnsCounterClockwise() {
        // 0 1 2        2 5
        // 3 4 5   ->   1 4
        //              0 3
        Image out = Dihedral.ROT90.apply(distinct(1, 2, 3));
        assertEquals(3, out.height());
        assertEquals(2, out.width());
        assertArrayEquals(new float[] {2, 5, 1, 4, 0, 3}, out.toArray());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, Dihedral.TRANSPOSE.apply(distinct(1, 2, 3)).toArray());
    }
}
