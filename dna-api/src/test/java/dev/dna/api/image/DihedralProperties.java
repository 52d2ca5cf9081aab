package dev.dna.api.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class DihedralProperties {

    static Image distinct(int c, int h, int w) {
        float[] d = new float[c * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return Image.of(c, h, w, d);
    }

    @Property
    void inverseUndoesEveryTransform(@ForAll Dihedral t, @ForAll @IntRange(min = 1, max = 6) int h,
            @ForAll @IntRange(min = 1, max = 6) int w) {
        Image im = distinct(2, h, w);
        assertEquals(im, t.inverse().apply(t.apply(im)));
    }

    @Property
    void keepsThePixelsAndSwapsSidesOnOddTurns(@ForAll Dihedral t) {
        Image im = distinct(3, 4, 5);
        Image out = t.apply(im);
        float[] a = im.toArray();
        float[] b = out.toArray();
        Arrays.sort(a);
        Arrays.sort(b);
        assertArrayEquals(a, b);
        assertEquals(3, out.channels());
        assertEquals(20, out.height() * out.width());
    }

    @Example
    void theEightAreDistinct() {
        Image im = distinct(1, 3, 3);
        Set<Image> seen = new HashSet<>();
        for (Dihedral t : Dihedral.values()) {
            seen.add(t.apply(im));
        }
        assertEquals(8, seen.size());
    }

    @Example
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
