package dev.dna.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void theColumnsAreNamedInABandAboveTheCells() {
        Image grid = Grid.of(List.of(filled(20, 100, 0.5f), filled(20, 100, 0.25f)), 2);
        Image named = Grid.labelled(grid, 2, 100, List.of("noisy", "a label far too long for a column of 100 pixels"));
        assertEquals(grid.height() + Grid.LABEL_HEIGHT, named.height());
        assertEquals(grid.width(), named.width());
        float[] g = named.toArray();
        int w = named.width();
        for (int k = 0; k < 2; k++) { // some dark text over each column, none in the gutter between them
            float darkest = 1;
            for (int y = 0; y < Grid.LABEL_HEIGHT; y++) {
                for (int x = 4 + k * 104; x < 104 + k * 104; x++) {
                    darkest = Math.min(darkest, g[y * w + x]);
                }
                assertEquals(1f, g[y * w + 104 + 1], 0, "gutter at row " + y);
            }
            assertTrue(darkest < 0.5f, "no text over column " + k);
        }
        // the cells are as they were, under the band
        assertEquals(0.5f, g[(Grid.LABEL_HEIGHT + 10) * w + 50], 0);
        assertEquals(0.25f, g[(Grid.LABEL_HEIGHT + 10) * w + 150], 0);
        assertThrows(IllegalArgumentException.class, () -> Grid.labelled(grid, 2, 100, List.of("one")));
    }

    @Test
    void refusesNothingToTile() {
        assertThrows(IllegalArgumentException.class, () -> Grid.of(List.of(), 2));
    }
}
