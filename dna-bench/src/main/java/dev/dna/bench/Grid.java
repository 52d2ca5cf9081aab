package dev.dna.bench;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.data.ImageSet;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiles RGB images into a grid with a 4-pixel white gutter; images of different sizes (test crops of a real data set
 * need not be equal) are cut to their common central part, the smallest height and width among them.
 */
final class Grid {
    private static final int GUTTER = 4;

    private Grid() {}

    static Image of(List<Image> images, int columns) {
        checkArgument(!images.isEmpty(), "no images to tile");
        int h = images.stream().mapToInt(Image::height).min().orElseThrow();
        int w = images.stream().mapToInt(Image::width).min().orElseThrow();
        int rows = (images.size() + columns - 1) / columns;
        int gh = rows * h + (rows + 1) * GUTTER;
        int gw = columns * w + (columns + 1) * GUTTER;
        float[] out = new float[3 * gh * gw];
        java.util.Arrays.fill(out, 1f);
        for (int k = 0; k < images.size(); k++) {
            Image full = images.get(k);
            checkArgument(full.channels() == 3, "grid images must be RGB, image %s is %s", k, full.shapeString());
            Image im = full.crop((full.height() - h) / 2, (full.width() - w) / 2, h, w);
            int top = GUTTER + (k / columns) * (h + GUTTER);
            int left = GUTTER + (k % columns) * (w + GUTTER);
            float[] v = im.clip().toArray();
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(v, (c * h + y) * w, out, (c * gh + top + y) * gw + left, w);
                }
            }
        }
        return Image.of(3, gh, gw, out);
    }

    /**
     * Writes a comparison grid to {@code file}: one row for each of the first {@code rows} test images, its columns the
     * degraded image, each restoration in {@code restored} (one list per column, in test order) and the clean image.
     */
    static void writeComparison(Path file, ImageSet degraded, List<List<Image>> restored, ImageSet clean, int rows)
            throws IOException {
        List<Image> cells = new ArrayList<>();
        for (int i = 0; i < Math.min(clean.size(), rows); i++) { // a handful, at full resolution
            cells.add(degraded.get(i));
            for (List<Image> column : restored) {
                cells.add(column.get(i));
            }
            cells.add(clean.get(i));
        }
        Images.writePng(of(cells, restored.size() + 2), file);
    }
}
