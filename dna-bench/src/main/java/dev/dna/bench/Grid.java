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

    /** Height of the band above the cells that names the columns. */
    static final int LABEL_HEIGHT = 18;

    /**
     * {@code grid} (as {@link #of} makes it, {@code columns} cells of width {@code cellWidth} across) with a white band
     * above it naming each column, centred over it in black; a label wider than its column is shortened with "...".
     */
    static Image labelled(Image grid, int columns, int cellWidth, List<String> labels) {
        checkArgument(labels.size() == columns, "%s labels for %s columns", labels.size(), columns);
        int gw = grid.width();
        java.awt.image.BufferedImage band = new java.awt.image.BufferedImage(gw, LABEL_HEIGHT,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = band.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, gw, LABEL_HEIGHT);
            g.setColor(java.awt.Color.BLACK);
            g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
            java.awt.FontMetrics fm = g.getFontMetrics();
            for (int k = 0; k < columns; k++) {
                String text = labels.get(k);
                while (fm.stringWidth(text) > cellWidth && text.length() > 1) {
                    text = text.substring(0, text.length() - (text.endsWith("...") ? 4 : 1)) + "...";
                }
                int left = GUTTER + k * (cellWidth + GUTTER);
                g.drawString(text, left + (cellWidth - fm.stringWidth(text)) / 2, LABEL_HEIGHT - 4);
            }
        } finally {
            g.dispose();
        }
        int h = grid.height();
        float[] out = new float[3 * (h + LABEL_HEIGHT) * gw];
        float[] cells = grid.toArray();
        java.awt.image.Raster r = band.getRaster();
        for (int c = 0; c < 3; c++) {
            int plane = c * (h + LABEL_HEIGHT) * gw;
            for (int y = 0; y < LABEL_HEIGHT; y++) {
                for (int x = 0; x < gw; x++) {
                    out[plane + y * gw + x] = r.getSample(x, y, 0) / 255f;
                }
            }
            System.arraycopy(cells, c * h * gw, out, plane + LABEL_HEIGHT * gw, h * gw);
        }
        return Image.of(3, h + LABEL_HEIGHT, gw, out);
    }

    /**
     * Writes a comparison grid to {@code file}: one row for each of the first {@code rows} test images, its columns the
     * degraded image, each restoration in {@code restored} (one list per column, in test order, named by
     * {@code names}) and the clean image, under a band naming the columns.
     */
    static void writeComparison(Path file, ImageSet degraded, List<List<Image>> restored, List<String> names, ImageSet clean,
            int rows) throws IOException {
        checkArgument(names.size() == restored.size(), "%s names for %s restored columns", names.size(), restored.size());
        List<Image> cells = new ArrayList<>();
        for (int i = 0; i < Math.min(clean.size(), rows); i++) { // a handful, at full resolution
            cells.add(degraded.get(i));
            for (List<Image> column : restored) {
                cells.add(column.get(i));
            }
            cells.add(clean.get(i));
        }
        int columns = restored.size() + 2;
        Image grid = of(cells, columns);
        int cellWidth = cells.stream().mapToInt(Image::width).min().orElseThrow();
        List<String> labels = new ArrayList<>();
        labels.add("noisy");
        labels.addAll(names);
        labels.add("clean");
        Images.writePng(labelled(grid, columns, cellWidth, labels), file);
    }
}
