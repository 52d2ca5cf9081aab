package dev.dna.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dna.api.image.Image;
import java.util.List;
import org.junit.jupiter.api.Test;

class GridTest {
    private static Image filled(int h, int w, float v) {
        float[] a = new float[3 * h * w];
        java.util.Arrays.fill(a, v);
        return Image.of(3, h, w, a);
    }

    @Test
    void cellsOfDifferentSizesAreCutToTheirCommonCentre() {
        Image big = Image.of(3, 6, 6, new float[3 * 36]);
        float[] b = big.toArray();
        for (int c = 0; c < 3; c++) { // a 2x2 bright square at the centre of the 6x6 image
            for (int y = 2; y < 4; y++) {
                for (int x = 2; x < 4; x++) {
                    b[(c * 6 + y) * 6 + x] = 0.5f;
                }
            }
        }
        Image grid = Grid.of(List.of(Image.of(3, 6, 6, b), filled(2, 4, 0.25f)), 2);
        // two 2x4 cells would hold a 4-pixel gutter around them: 2 + 2*4 high, 2*4 + 3*4 wide
        assertEquals(10, grid.height());
        assertEquals(20, grid.width());
        float[] g = grid.toArray();
        int gw = grid.width();
        assertEquals(0.5f, g[4 * gw + 5], 0); // the big image's centre in its cell's columns 1..2
        assertEquals(0f, g[4 * gw + 4], 0);
        assertEquals(0.25f, g[4 * gw + 12], 0);
        assertEquals(1f, g[0], 0); // gutter
    }

    @Test
    void refusesNothingToTile() {
        assertThrows(IllegalArgumentException.class, () -> Grid.of(List.of(), 2));
    }
}
