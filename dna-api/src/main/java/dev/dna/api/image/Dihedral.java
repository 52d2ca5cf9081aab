package dev.dna.api.image;

import org.apache.commons.rng.UniformRandomProvider;

/**
 * The 8 symmetries of the square (rotations by multiples of 90 degrees, with or without a transpose),
 * the data augmentation of the reference. Each maps an image [C, H, W] to [C, H, W] or [C, W, H].
 */
public enum Dihedral {
    /** The image as it is. */
    IDENTITY(0, false),
    /** One quarter turn. */
    ROT90(1, false),
    /** Two quarter turns. */
    ROT180(2, false),
    /** Three quarter turns. */
    ROT270(3, false),
    /** Rows and columns swapped: [C, H, W] to [C, W, H]. */
    TRANSPOSE(0, true),
    /** The transpose, then one quarter turn. */
    TRANSPOSE_ROT90(1, true),
    /** The transpose, then two quarter turns. */
    TRANSPOSE_ROT180(2, true),
    /** The transpose, then three quarter turns. */
    TRANSPOSE_ROT270(3, true);

    private final int quarterTurns;
    private final boolean transpose;

    Dihedral(int quarterTurns, boolean transpose) {
        this.quarterTurns = quarterTurns;
        this.transpose = transpose;
    }

    /**
     * One of the 8, uniformly.
     *
     * @param rng one draw is taken
     * @return the transform
     */
    public static Dihedral random(UniformRandomProvider rng) {
        return values()[rng.nextInt(8)];
    }

    /**
     * Transposes first (if any), then rotates counter-clockwise by {@code quarterTurns} * 90 degrees.
     *
     * @param im the image
     * @return a new image, its H and W exchanged when the transform turns it sideways
     */
    public Image apply(Image im) {
        int ch = im.channels();
        int h = im.height();
        int w = im.width();
        float[] src = im.raw();
        // after the optional transpose the image is th x tw
        int th = transpose ? w : h;
        int tw = transpose ? h : w;
        boolean swap = (quarterTurns & 1) == 1;
        int oh = swap ? tw : th;
        int ow = swap ? th : tw;
        float[] out = new float[src.length];
        for (int c = 0; c < ch; c++) {
            int base = c * h * w;
            int obase = c * oh * ow;
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    // position (ty, tx) in the transposed image that lands on (y, x) after the rotation
                    int ty;
                    int tx;
                    switch (quarterTurns) {
                        case 0 -> { ty = y; tx = x; }
                        case 1 -> { ty = x; tx = tw - 1 - y; }
                        case 2 -> { ty = th - 1 - y; tx = tw - 1 - x; }
                        default -> { ty = th - 1 - x; tx = y; }
                    }
                    int sy = transpose ? tx : ty;
                    int sx = transpose ? ty : tx;
                    out[obase + y * ow + x] = src[base + sy * w + sx];
                }
            }
        }
        return Image.wrap(ch, oh, ow, out);
    }

    /** {@return the transform that undoes this one} */
    public Dihedral inverse() {
        if (transpose) {
            return this; // a transpose followed by a rotation is a reflection: its own inverse
        }
        return values()[(4 - quarterTurns) % 4];
    }
}
