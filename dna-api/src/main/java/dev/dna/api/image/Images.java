package dev.dna.api.image;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import dev.dna.api.io.AtomicFiles;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Reading and writing images as float [C, H, W] in [0, 1].
 *
 * <p>Reads PNG (8 and 16 bits per sample, gray, RGB, with or without alpha, palette) and JPEG. Values
 * are divided by {@code 2^bits - 1}; alpha is dropped; gray is replicated to RGB by {@link #readRgb}. A JPEG is
 * turned as its EXIF orientation says (a phone's portrait photograph is stored sideways), so that the image read is
 * the picture a viewer shows, as OpenCV's {@code imread} does; a damaged orientation is ignored.
 * Writes PNG at 8 or 16 bits and JPEG at a chosen quality, rounding after clipping to [0, 1]; files are
 * written to a temporary sibling and moved into place, so a failed write never leaves half a file.
 */
public final class Images {
    private Images() {}

    /**
     * Reads an image file as RGB [3, H, W] in [0, 1].
     *
     * @param file a PNG or JPEG file
     * @return the image, gray replicated to three channels, alpha dropped, turned as a JPEG's EXIF orientation says
     * @throws IOException naming the file when it is missing, a folder, truncated, not an image or larger than {@link
     *     #maxPixels()}
     */
    public static Image readRgb(Path file) throws IOException {
        checkNotNull(file, "file");
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "image file does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new IOException("cannot read image " + file + ": it is a directory");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return readRgb(in, file.toString());
        }
    }

    /**
     * Reads an image from a stream as RGB [3, H, W] in [0, 1].
     *
     * @param in the encoded PNG or JPEG bytes, read to their end (not closed)
     * @param name what to call the source in error messages
     * @return the image, gray replicated to three channels, alpha dropped, turned as a JPEG's EXIF orientation says
     * @throws IOException naming {@code name} when the bytes are truncated, not an image or larger than {@link
     *     #maxPixels()}
     */
    public static Image readRgb(InputStream in, String name) throws IOException {
        byte[] bytes = in.readAllBytes();
        java.util.List<JpegSegments.Segment> header = checkComplete(bytes, name);
        Image stored = toRgb(decode(bytes, name));
        Dihedral shown = ExifOrientation.transform(ExifOrientation.of(bytes, header));
        return shown == Dihedral.IDENTITY ? stored : shown.apply(stored);
    }

    /**
     * The width and height an image file's header declares, read without decoding a pixel; empty when there is no
     * readable PNG or JPEG header (reading the file then names the problem). These are the stored raster's: a JPEG whose EXIF
     * orientation turns it a quarter is read with the two exchanged.
     *
     * @param file a PNG or JPEG file
     * @return {@code {width, height}}
     * @throws IOException if the file cannot be opened
     */
    public static java.util.Optional<int[]> declaredSize(Path file) throws IOException {
        try (javax.imageio.stream.ImageInputStream iis = ImageIO.createImageInputStream(file.toFile())) {
            java.util.Iterator<javax.imageio.ImageReader> readers = iis == null ? java.util.Collections.emptyIterator()
                    : ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                return java.util.Optional.empty();
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                return java.util.Optional.of(new int[] {reader.getWidth(0), reader.getHeight(0)});
            } catch (IOException | RuntimeException e) {
                return java.util.Optional.empty();
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * Decodes PNG or JPEG bytes as RGB.
     *
     * @param bytes an encoded PNG or JPEG
     * @param name what to call the source in error messages
     * @return the image as RGB [3, H, W] in [0, 1]
     * @throws IOException naming {@code name} when the bytes are truncated, not an image or larger than {@link
     *     #maxPixels()}
     */
    public static Image decodeRgb(byte[] bytes, String name) throws IOException {
        return readRgb(new ByteArrayInputStream(bytes), name);
    }

    /** The default of {@link #maxPixels()}: 120 megapixels (a 100-megapixel photograph passes; 1.4 GB as floats). */
    public static final long DEFAULT_MAX_PIXELS = 120_000_000L;
    /** The system property that sets {@link #maxPixels()} at start-up. */
    public static final String MAX_PIXELS_PROPERTY = "dna.image.maxPixels";

    private static volatile long maxPixels = Long.getLong(MAX_PIXELS_PROPERTY, DEFAULT_MAX_PIXELS);

    /**
     * The largest image decoded, in pixels (width x height): larger ones are refused from their header, before any pixel is
     * decoded or allocated, as libpng's user limits do; a compressed file of a few MB can declare billions of pixels.
     * Default {@link #DEFAULT_MAX_PIXELS}, or the system property {@value #MAX_PIXELS_PROPERTY}.
     *
     * @return the limit in pixels, at least 1
     */
    public static long maxPixels() {
        return maxPixels;
    }

    /**
     * Sets {@link #maxPixels()} for this process (the command line's {@code --max-pixels}).
     *
     * @param pixels the new limit, at least 1
     */
    public static void setMaxPixels(long pixels) {
        com.google.common.base.Preconditions.checkArgument(pixels >= 1, "maxPixels must be >= 1, got %s", pixels);
        maxPixels = pixels;
    }

    /** Decodes bytes that {@link #checkComplete} accepted. */
    private static BufferedImage decode(byte[] bytes, String name) throws IOException {
        try (javax.imageio.stream.ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            java.util.Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                throw new IOException("cannot decode image " + name + ": not a PNG or JPEG file (" + bytes.length
                        + " bytes, starts with " + hexPrefix(bytes) + ")");
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                long w;
                long h;
                try {
                    w = reader.getWidth(0);
                    h = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw new IOException("cannot decode image " + name + " (" + bytes.length + " bytes): its header cannot be "
                            + "read (" + e.getMessage() + ")", e);
                }
                if (w * h > maxPixels) {
                    throw new IOException(String.format(Locale.ROOT, "image %s declares %d x %d = %,d pixels, more than the limit "
                            + "of %,d (Images.setMaxPixels, --max-pixels); refused before decoding", name, w, h, w * h,
                            maxPixels));
                }
                BufferedImage bi = reader.read(0);
                if (bi == null) {
                    throw new IOException("cannot decode image " + name + ": no image in it");
                }
                return bi;
            } catch (IOException e) {
                throw e.getMessage() != null && e.getMessage().contains(name) ? e
                        : new IOException("cannot decode image " + name + " (" + bytes.length + " bytes): " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new IOException("cannot decode image " + name + " (" + bytes.length + " bytes): " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * Refuses what ImageIO would decode without a word: a JPEG or PNG cut short (a baseline JPEG then shows flat grey
     * where its data ends, a progressive one a blurred image), and a four-component (CMYK or YCCK) JPEG, which it
     * decodes to wrong colours.
     *
     * @param b the encoded image, untrusted
     * @param name the source, for messages
     * @return a JPEG's header segments, walked once here and read again for its EXIF orientation; empty for a PNG
     * @throws IOException naming {@code name} when the image is cut short or a CMYK JPEG
     */
    static java.util.List<JpegSegments.Segment> checkComplete(byte[] b, String name) throws IOException {
        if (JpegSegments.isJpeg(b)) {
            int firstScan = -1;
            java.util.List<JpegSegments.Segment> header = JpegSegments.header(b, name);
            for (JpegSegments.Segment s : header) {
                int m = s.marker();
                if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc && s.at() + 9 < b.length) {
                    int components = b[s.at() + 9] & 0xff;
                    if (components == 4) {
                        throw new IOException("cannot read image " + name + ": it is a CMYK (or YCCK) JPEG, which would decode "
                                + "to wrong colours; convert it to RGB first");
                    }
                }
                if (m == 0xda) {
                    firstScan = s.at();
                }
            }
            int end = b.length;
            while (end > 0 && b[end - 1] == 0) { // zero padding after the end marker
                end--;
            }
            boolean eoi = false;
            for (int k = end - 2; k >= 0 && k > firstScan; k--) {
                if ((b[k] & 0xff) == 0xff && (b[k + 1] & 0xff) == 0xd9) {
                    eoi = true;
                    break;
                }
                if (end - k > 1 << 16) { // an end marker lies at the very end; trailing data longer than this is damage
                    break;
                }
            }
            if (firstScan < 0 || !eoi) {
                throw new IOException("cannot read image " + name + ": truncated JPEG (" + b.length + " bytes, "
                        + (firstScan < 0 ? "no image data" : "no end-of-image marker after its data") + ")");
            }
            return header;
        } else if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            boolean iend = false;
            for (int k = b.length - 8; k >= Math.max(8, b.length - 4096) && !iend; k--) {
                iend = b[k] == 'I' && b[k + 1] == 'E' && b[k + 2] == 'N' && b[k + 3] == 'D';
            }
            if (!iend) {
                throw new IOException("cannot read image " + name + ": truncated PNG (" + b.length + " bytes, no IEND chunk)");
            }
        }
        return java.util.List.of();
    }

    private static String hexPrefix(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            sb.append(String.format(Locale.ROOT, "%02x", b[i] & 0xff));
        }
        return b.length == 0 ? "nothing" : sb.toString();
    }

    private static Image toRgb(BufferedImage bi) {
        int h = bi.getHeight();
        int w = bi.getWidth();
        int plane = h * w;
        float[] out = new float[3 * plane];
        if (bi.getColorModel() instanceof ComponentColorModel cm
                && cm.getColorSpace().getType() != ColorSpace.TYPE_CMYK) {
            Raster r = bi.getRaster();
            int colorBands = cm.getNumColorComponents();
            double max = (1L << cm.getComponentSize(0)) - 1;
            float[] px = new float[w];
            for (int c = 0; c < 3; c++) {
                int band = colorBands == 1 ? 0 : c;
                for (int y = 0; y < h; y++) {
                    r.getSamples(0, y, w, 1, band, px);
                    for (int x = 0; x < w; x++) {
                        out[c * plane + y * w + x] = (float) (px[x] / max);
                    }
                }
            }
        } else {
            // palette, packed RGB and the rest: through ARGB, 8 bits
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = bi.getRGB(x, y);
                    out[y * w + x] = ((argb >> 16) & 0xff) / 255f;
                    out[plane + y * w + x] = ((argb >> 8) & 0xff) / 255f;
                    out[2 * plane + y * w + x] = (argb & 0xff) / 255f;
                }
            }
        }
        return Image.wrap(3, h, w, out);
    }

    /** JPEG quality of {@link #write}. */
    public static final int DEFAULT_JPEG_QUALITY = 95;

    /**
     * Writes {@code image} in the format its file name says: {@code .png} an 8-bit PNG, {@code .jpg} or {@code .jpeg} a
     * JPEG at quality {@value #DEFAULT_JPEG_QUALITY}; atomically (temp file, then move).
     *
     * @param image a 1- or 3-channel image in [0, 1] (values outside are clipped)
     * @param file where to write; its extension chooses the format
     * @throws IllegalArgumentException for any other extension, naming the supported ones
     * @throws IOException if the file cannot be written (an existing file is then left as it was)
     */
    public static void write(Image image, Path file) throws IOException {
        byte[] bytes = encode(image, file.getFileName().toString());
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * The bytes of {@code image} in the format {@code name}'s extension says: an 8-bit PNG for {@code .png}, a JPEG at
     * {@value #DEFAULT_JPEG_QUALITY} for {@code .jpg} and {@code .jpeg} (what {@link #write} writes).
     *
     * @param image a 1- or 3-channel image in [0, 1] (values outside are clipped)
     * @param name a file name whose extension chooses the format
     * @return the encoded file
     * @throws IllegalArgumentException for another extension
     * @throws IOException if the encoder fails
     */
    public static byte[] encode(Image image, String name) throws IOException {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".png")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BufferedImage bi = toBuffered(image, 8);
            if (!ImageIO.write(bi, "png", bytes)) {
                throw new IOException("this JVM has no PNG writer for " + bi);
            }
            return bytes.toByteArray();
        }
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return encodeJpeg(image, DEFAULT_JPEG_QUALITY);
        }
        throw new IllegalArgumentException("cannot tell the image format of " + name + ": name it .png, .jpg or .jpeg");
    }

    /**
     * Whether {@code file}'s name says PNG or JPEG ({@code .png}, {@code .jpg}, {@code .jpeg}, any case): what dna reads and writes.
     *
     * @param file any path; only its name is read
     * @return whether dna would read it as an image
     */
    public static boolean isImageFile(Path file) {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /**
     * Writes an 8-bit PNG (1 or 3 channels).
     *
     * @param image a 1- or 3-channel image in [0, 1] (values outside are clipped)
     * @param file the PNG to write, atomically
     * @throws IOException if the file cannot be written (an existing file is then left as it was)
     */
    public static void writePng(Image image, Path file) throws IOException {
        writePng(toBuffered(image, 8), file);
    }

    /**
     * Writes a 16-bit PNG (1 or 3 channels).
     *
     * @param image a 1- or 3-channel image in [0, 1] (values outside are clipped)
     * @param file the PNG to write, atomically
     * @throws IOException if the file cannot be written (an existing file is then left as it was)
     */
    public static void writePng16(Image image, Path file) throws IOException {
        writePng(toBuffered(image, 16), file);
    }

    /**
     * Writes a JPEG (1 or 3 channels) at {@code quality} in [1, 100].
     *
     * @param image a 1- or 3-channel image in [0, 1] (values outside are clipped)
     * @param file the JPEG to write, atomically
     * @param quality the encoder's quality, 1 to 100
     * @throws IOException if the file cannot be written (an existing file is then left as it was)
     */
    public static void writeJpeg(Image image, Path file, int quality) throws IOException {
        byte[] bytes = encodeJpeg(image, quality);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * JPEG bytes of {@code image} at {@code quality} in [1, 100] (baseline, 4:2:0 for RGB).
     *
     * @param image a 1- or 3-channel image in [0, 1] (values outside are clipped)
     * @param quality the encoder's quality, 1 to 100
     * @return the JPEG file's bytes
     * @throws IOException if the encoder fails
     */
    public static byte[] encodeJpeg(Image image, int quality) throws IOException {
        checkArgument(quality >= 1 && quality <= 100, "JPEG quality must be in [1, 100], got %s", quality);
        BufferedImage bi = toBuffered(image, 8);
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IOException("this JVM has no JPEG writer");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality / 100f);
            writer.write(null, new IIOImage(bi, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static BufferedImage toBuffered(Image image, int bits) {
        checkNotNull(image, "image");
        int ch = image.channels();
        checkArgument(ch == 1 || ch == 3, "can write 1 or 3 channels, got %s", ch);
        int h = image.height();
        int w = image.width();
        BufferedImage bi;
        if (bits == 8) {
            bi = new BufferedImage(w, h, ch == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        } else {
            ColorSpace cs = ColorSpace.getInstance(ch == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
            ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
            bi = new BufferedImage(cm, cm.createCompatibleWritableRaster(w, h), false, null);
        }
        WritableRaster r = bi.getRaster();
        int max = (1 << bits) - 1;
        float[] v = image.toArray();
        int plane = h * w;
        int[] row = new int[w];
        for (int c = 0; c < ch; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float f = v[c * plane + y * w + x];
                    f = f > 0f ? Math.min(f, 1f) : 0f;
                    row[x] = Math.round(f * max);
                }
                r.setSamples(0, y, w, 1, c, row);
            }
        }
        return bi;
    }

    /**
     * Rounds values to the 8-bit grid ({@code round(clip(v) * 255) / 255}), as writing and reading a PNG would.
     *
     * @param image any image
     * @return a new image of the same shape on the 8-bit grid
     */
    public static Image quantize8(Image image) {
        float[] v = image.toArray();
        for (int i = 0; i < v.length; i++) {
            float f = v[i] > 0f ? Math.min(v[i], 1f) : 0f;
            v[i] = Math.round(f * 255f) / 255f;
        }
        return Image.wrap(image.channels(), image.height(), image.width(), v);
    }

    /**
     * {@code image} scaled down so that its longer side is at most {@code maxSide} pixels, by area averaging (each output
     * pixel the mean of the input area it covers, OpenCV's {@code INTER_AREA}); the aspect ratio is kept (each side
     * rounded, at least 1 pixel). An image already small enough is returned as it is.
     *
     * <p>For training data made from large photographs: averaging {@code k x k} pixels divides the camera's noise and
     * JPEG's blocking by about {@code k}, so the downscaled photo is a cleaner target.
     *
     * @param image the image to shrink
     * @param maxSide the longest side wanted, in pixels, at least 1
     * @return {@code image} itself when it already fits, else a new, smaller image
     */
    public static Image downscale(Image image, int maxSide) {
        com.google.common.base.Preconditions.checkArgument(maxSide >= 1, "maxSide must be >= 1, got %s", maxSide);
        int h = image.height();
        int w = image.width();
        if (Math.max(h, w) <= maxSide) {
            return image;
        }
        double scale = (double) maxSide / Math.max(h, w);
        int oh = Math.max(1, (int) Math.round(h * scale));
        int ow = Math.max(1, (int) Math.round(w * scale));
        float[] v = image.toArray();
        int c = image.channels();
        float[] rows = new float[c * oh * w]; // [C, oh, w]: the rows averaged first
        AreaWeights wy = AreaWeights.of(h, oh);
        for (int ch = 0; ch < c; ch++) {
            for (int oy = 0; oy < oh; oy++) {
                int dst = (ch * oh + oy) * w;
                for (int k = wy.start[oy]; k < wy.start[oy + 1]; k++) {
                    int src = (ch * h + wy.index[k]) * w;
                    float wt = wy.weight[k];
                    for (int x = 0; x < w; x++) {
                        rows[dst + x] += wt * v[src + x];
                    }
                }
            }
        }
        float[] out = new float[c * oh * ow];
        AreaWeights wx = AreaWeights.of(w, ow);
        for (int r = 0; r < c * oh; r++) {
            int src = r * w;
            int dst = r * ow;
            for (int ox = 0; ox < ow; ox++) {
                float acc = 0f;
                for (int k = wx.start[ox]; k < wx.start[ox + 1]; k++) {
                    acc += wx.weight[k] * rows[src + wx.index[k]];
                }
                out[dst + ox] = acc;
            }
        }
        return Image.wrap(c, oh, ow, out);
    }

    /** Per output pixel, the input pixels it covers and their shares (summing to 1): CSR-like arrays. */
    private record AreaWeights(int[] start, int[] index, float[] weight) {
        static AreaWeights of(int in, int out) {
            double step = (double) in / out;
            int[] start = new int[out + 1];
            java.util.List<Integer> idx = new java.util.ArrayList<>();
            java.util.List<Float> wts = new java.util.ArrayList<>();
            for (int o = 0; o < out; o++) {
                double a = o * step;
                double b = Math.min(in, (o + 1) * step);
                start[o] = idx.size();
                for (int i = (int) Math.floor(a); i < Math.ceil(b) && i < in; i++) {
                    double overlap = Math.min(b, i + 1) - Math.max(a, i);
                    if (overlap > 1e-12) {
                        idx.add(i);
                        wts.add((float) (overlap / (b - a)));
                    }
                }
            }
            start[out] = idx.size();
            int[] index = idx.stream().mapToInt(Integer::intValue).toArray();
            float[] weight = new float[wts.size()];
            for (int i = 0; i < weight.length; i++) {
                weight[i] = wts.get(i);
            }
            return new AreaWeights(start, index, weight);
        }
    }

    private static void writePng(BufferedImage bi, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(bi, "png", out)) {
                throw new IOException("this JVM has no PNG writer for " + bi);
            }
        });
    }
}
