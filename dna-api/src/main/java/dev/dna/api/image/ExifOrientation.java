package dev.dna.api.image;

import java.util.List;

/**
 * The EXIF orientation of a JPEG (tag 0x0112 of its first image directory): how a camera that stored the sensor's
 * rows as they came tells viewers to turn the picture. A phone held upright stores a landscape raster with
 * orientation 6; every viewer, and OpenCV's {@code imread}, shows it turned a quarter clockwise. {@link Images} applies
 * it, so that what dna restores and writes is the picture its owner sees.
 *
 * <p>The bytes are untrusted: every offset is checked against the segment that holds it, and anything that is not a
 * well-formed orientation (no EXIF segment, a directory running past the segment, a value outside 1-8) reads as 1,
 * the picture as stored, as viewers do.
 */
final class ExifOrientation {
    private ExifOrientation() {}

    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    /**
     * The transform that turns the stored raster into the picture as shown, by EXIF orientation 1 to 8: 1 as
     * stored; 2 mirrored left to right; 3 turned half round; 4 mirrored top to bottom; 5 transposed; 6 turned a
     * quarter clockwise; 7 transposed across the other diagonal; 8 turned a quarter counter-clockwise.
     */
    private static final Dihedral[] DISPLAYED = {
        Dihedral.IDENTITY, // (no orientation 0)
        Dihedral.IDENTITY,
        Dihedral.TRANSPOSE_ROT270,
        Dihedral.ROT180,
        Dihedral.TRANSPOSE_ROT90,
        Dihedral.TRANSPOSE,
        Dihedral.ROT270,
        Dihedral.TRANSPOSE_ROT180,
        Dihedral.ROT90,
    };

    /**
     * The transform for an EXIF orientation value.
     *
     * @param orientation 1 to 8; any other value is taken as 1
     * @return the transform from the stored raster to the picture as shown
     */
    static Dihedral transform(int orientation) {
        return orientation >= 1 && orientation <= 8 ? DISPLAYED[orientation] : Dihedral.IDENTITY;
    }

    /**
     * The orientation that {@code bytes} declare.
     *
     * @param bytes an encoded image, untrusted
     * @param header its JPEG header segments ({@link Images#checkComplete}); empty for another format, orientation 1
     * @return 1 to 8; 1 where no well-formed orientation is found
     */
    static int of(byte[] bytes, List<JpegSegments.Segment> header) {
        for (JpegSegments.Segment s : header) {
            if (s.marker() == 0xe1) {
                int start = s.at() + 4;
                int end = (int) Math.min(bytes.length, (long) s.at() + 2 + s.length());
                if (end - start >= 6 && bytes[start] == 'E' && bytes[start + 1] == 'x' && bytes[start + 2] == 'i'
                        && bytes[start + 3] == 'f' && bytes[start + 4] == 0 && bytes[start + 5] == 0) {
                    return fromTiff(bytes, start + 6, end);
                }
            }
        }
        return 1;
    }

    /** The orientation in the TIFF structure at {@code [tiff, end)} of {@code b}; 1 where there is none. */
    private static int fromTiff(byte[] b, int tiff, int end) {
        if (end - tiff < 8) {
            return 1;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (u16(b, tiff + 2, little) != 42) {
            return 1;
        }
        long ifd = tiff + u32(b, tiff + 4, little);
        if (ifd < tiff + 8 || ifd + 2 > end) {
            return 1;
        }
        int entries = u16(b, (int) ifd, little);
        for (int k = 0; k < entries; k++) {
            long e = ifd + 2 + 12L * k;
            if (e + 12 > end) {
                return 1;
            }
            int at = (int) e;
            if (u16(b, at, little) == TAG_ORIENTATION) {
                if (u16(b, at + 2, little) != TYPE_SHORT || u32(b, at + 4, little) != 1) {
                    return 1;
                }
                int v = u16(b, at + 8, little); // a SHORT sits in the first two bytes of the value field
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int b0 = b[at] & 0xff;
        int b1 = b[at + 1] & 0xff;
        return little ? b0 | b1 << 8 : b0 << 8 | b1;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long v = 0;
        for (int k = 0; k < 4; k++) {
            int shift = little ? 8 * k : 8 * (3 - k);
            v |= (long) (b[at + k] & 0xff) << shift;
        }
        return v;
    }
}
