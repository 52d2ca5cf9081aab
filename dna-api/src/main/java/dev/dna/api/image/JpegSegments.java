package dev.dna.api.image;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The segments of a JPEG's header, up to its first scan, read from untrusted bytes: one walk, whose list serves the
 * checks that {@link Images} makes before decoding (truncation, CMYK) and the EXIF orientation it applies after.
 */
final class JpegSegments {
    private JpegSegments() {}

    /**
     * One header segment.
     *
     * @param marker the marker's second byte ({@code 0xe1} for APP1, {@code 0xda} for the start of a scan)
     * @param at the offset of its {@code 0xff} byte
     * @param length the length field: the payload's bytes plus the two of the field itself (the payload, which may run
     *     past the end of a damaged file, starts at {@code at + 4})
     */
    record Segment(int marker, int at, int length) {}

    /** {@return whether the bytes start with a JPEG's start-of-image marker} */
    static boolean isJpeg(byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8;
    }

    /**
     * The segments from the start-of-image marker to the first scan's, that one included (the last, when there is one).
     *
     * @param b the bytes of a JPEG ({@link #isJpeg})
     * @param name the source, for the message
     * @return the segments in file order
     * @throws IOException naming {@code name} when a segment does not start with a marker
     */
    static List<Segment> header(byte[] b, String name) throws IOException {
        List<Segment> segments = new ArrayList<>();
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xff) != 0xff) {
                throw new IOException("cannot decode image " + name + ": corrupt JPEG (no marker at byte " + i + ")");
            }
            int m = b[i + 1] & 0xff;
            if (m == 0xff) { // fill byte
                i++;
                continue;
            }
            int len = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            segments.add(new Segment(m, i, len));
            if (m == 0xda) {
                break;
            }
            i += 2 + len;
        }
        return segments;
    }
}
