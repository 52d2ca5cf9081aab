package dev.dna.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;

import com.google.common.collect.ImmutableList;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** An immutable list of named RGB images in [0, 1] (clean photographs, or degraded ones). */
public final class ImageSet {
    private final ImmutableList<String> names;
    private final ImmutableList<Image> images;
    /** {@link #digest}, computed once. */
    private volatile String digest;

    private ImageSet(List<String> names, List<Image> images) {
        this.names = ImmutableList.copyOf(names);
        this.images = ImmutableList.copyOf(images);
    }

    /**
     * A set of named images [C, H, W] (names and images index by index).
     *
     * @param names one unique name per image
     * @param images the images, at least one
     * @return the set
     */
    public static ImageSet of(List<String> names, List<Image> images) {
        checkArgument(names.size() == images.size(), "%s names for %s images", names.size(), images.size());
        for (Image im : images) {
            checkArgument(im.channels() == 3, "images of a set must be RGB, got %s", im.shapeString());
        }
        return new ImageSet(names, images);
    }

    /**
     * Every PNG and JPEG file directly inside {@code dir}, in name order.
     *
     * @param dir a folder of PNG and JPEG files
     * @return the images in file-name order, named by file name
     * @throws IOException naming the file that cannot be read, or if the folder holds no image or more than the heap can hold
     */
    public static ImageSet fromDirectory(Path dir) throws IOException {
        return fromDirectory(dir, ReadOptions.defaults()).images();
    }

    /**
     * How a folder is read ({@link #fromDirectory(Path, ReadOptions)}).
     *
     * @param skipUnreadable a file that cannot be read (corrupt, truncated, CMYK, ...) is skipped and named in
     *     {@link Read#skipped} instead of failing the whole read
     * @param cropSide 0: each image whole; otherwise each image is cut to its central {@code cropSide x cropSide}
     *     region as it is read (a side shorter than that is kept whole), so that a folder of many large photographs
     *     fits in memory: real noise is the same all over a frame, so a crop keeps what the real domain teaches
     */
    public record ReadOptions(boolean skipUnreadable, int cropSide) {
        /** Checks the components (see the record's parameters). */
        public ReadOptions {
            checkArgument(cropSide >= 0, "cropSide must be >= 0 (0: whole images), got %s", cropSide);
        }

        /** {@return whole images, failing on an unreadable file} */
        public static ReadOptions defaults() {
            return new ReadOptions(false, 0);
        }

        /** {@return these options, skipping unreadable files} */
        public ReadOptions skippingUnreadable() {
            return new ReadOptions(true, cropSide);
        }

        /**
         * These options, each image cut to its central {@code side x side} region.
         *
         * @param side the crop's side in pixels, {@code >= 1}
         * @return the options with the crop
         */
        public ReadOptions croppedTo(int side) {
            checkArgument(side >= 1, "crop side must be >= 1, got %s", side);
            return new ReadOptions(skipUnreadable, side);
        }
    }

    /** What {@link #fromDirectory(Path, ReadOptions)} read, and each file it skipped with the reason. */
    public record Read(ImageSet images, java.util.Map<String, String> skipped) {
        /** Checks the components (see the record's parameters). */
        public Read {
            skipped = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(skipped));
        }
    }

    /**
     * Like {@link #fromDirectory(Path)}, but a file that cannot be read (corrupt, truncated, CMYK, ...) is skipped and named
     * with its reason instead of failing the whole folder.
     *
     * @param dir a folder of PNG and JPEG files
     * @return the images that could be read and, by file name, why each other one could not
     * @throws IOException if {@code dir} is not a folder, holds no image file, or none of them can be read
     */
    public static Read fromDirectorySkippingUnreadable(Path dir) throws IOException {
        return fromDirectory(dir, ReadOptions.defaults().skippingUnreadable());
    }

    /**
     * The PNG and JPEG files directly inside {@code dir}, in name order, read as {@code options} say. Before a pixel is
     * decoded the headers' sizes are summed: a folder whose images (or crops) would not fit in the heap this JVM has
     * left is refused with a message that says how much they need.
     *
     * @param dir the folder
     * @param options whole images or crops; whether unreadable files are skipped
     * @return the images, and the files skipped
     * @throws IOException if {@code dir} is not a folder, holds no image file, would not fit in memory, or an image
     *     cannot be read (unless skipped)
     */
    public static Read fromDirectory(Path dir, ReadOptions options) throws IOException {
        Runtime rt = Runtime.getRuntime();
        return read(dir, options, rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()));
    }

    /** Floats held per pixel: 3 channels of 4 bytes. */
    private static final long BYTES_PER_PIXEL = 12;

    /** The images of {@code dir}; refused when they would take more than 3/4 of {@code freeHeap} bytes. */
    static Read read(Path dir, ReadOptions options, long freeHeap) throws IOException {
        List<Path> files = imageFiles(dir);
        long kept = 0;
        long largest = 0;
        for (Path f : files) {
            java.util.Optional<int[]> size = Images.declaredSize(f);
            if (size.isPresent()) {
                long w = size.get()[0];
                long h = size.get()[1];
                int side = options.cropSide();
                kept += side == 0 ? w * h : Math.min(side, w) * Math.min(side, h);
                largest = Math.max(largest, w * h);
            }
        }
        // the kept pixels as floats, and one whole image being decoded (its raster, then its floats)
        long need = kept * BYTES_PER_PIXEL + largest * (BYTES_PER_PIXEL + 8);
        if (need > freeHeap / 4 * 3) {
            throw new IOException(String.format(java.util.Locale.ROOT, "the %d images in %s hold %,d megapixels%s: %.1f GB "
                    + "as floats, more than this JVM can hold (%.1f GB of heap free); read fewer or smaller images, a central "
                    + "crop of each (ImageSet.ReadOptions.croppedTo; dna adapt --crop SIDE), or give Java more heap (-Xmx; "
                    + "dna: DNA_JAVA_OPTS=-Xmx16g)", files.size(), dir, kept / 1_000_000, options.cropSide() == 0 ? ""
                    : " in their central crops of " + options.cropSide(), need / 1e9, freeHeap / 1e9));
        }
        List<String> names = new ArrayList<>();
        List<Image> images = new ArrayList<>();
        java.util.Map<String, String> skipped = new java.util.LinkedHashMap<>();
        for (Path f : files) {
            try {
                Image im = Images.readRgb(f);
                if (options.cropSide() > 0) {
                    int h = Math.min(options.cropSide(), im.height());
                    int w = Math.min(options.cropSide(), im.width());
                    im = im.crop((im.height() - h) / 2, (im.width() - w) / 2, h, w);
                }
                images.add(im);
                names.add(f.getFileName().toString());
            } catch (IOException e) {
                if (!options.skipUnreadable()) {
                    throw e;
                }
                skipped.put(f.getFileName().toString(), e.getMessage());
            }
        }
        if (images.isEmpty()) {
            throw new IOException("no readable image in " + dir + ": all " + skipped.size() + " files were skipped, e.g. "
                    + skipped.entrySet().iterator().next().getValue());
        }
        return new Read(new ImageSet(names, images), skipped);
    }

    /**
     * The PNG and JPEG files directly inside {@code dir}, in name order.
     *
     * @param dir a folder
     * @return its PNG and JPEG files, sorted by name
     * @throws IOException if {@code dir} is not a folder or holds no image
     */
    public static List<Path> imageFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory: " + dir);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Images::isImageFile).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no .png, .jpg or .jpeg file in " + dir);
        }
        return files;
    }

    /**
     * A SHA-256 of the names, shapes and pixels (hex, 16 digits): two sets with the same digest hold the same images,
     * for telling whether a resumed run is given the data it was trained on.
     *
     * @return 16 hex digits
     */
    public String digest() {
        String d = digest;
        if (d == null) {
            digest = d = computeDigest();
        }
        return d;
    }

    private String computeDigest() {
        com.google.common.hash.Hasher h = com.google.common.hash.Hashing.sha256().newHasher();
        h.putInt(images.size());
        for (int i = 0; i < images.size(); i++) {
            h.putString(names.get(i), java.nio.charset.StandardCharsets.UTF_8);
            Image im = images.get(i);
            h.putInt(im.channels()).putInt(im.height()).putInt(im.width());
            float[] px = im.toArray();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(px.length * 4);
            b.asFloatBuffer().put(px);
            h.putBytes(b.array());
        }
        return h.hash().toString().substring(0, 16);
    }

    /** {@return "N images (first, second, third, ...; sha256 ...)", to name a set in messages and checkpoints} */
    public String describe() {
        return images.size() + " images (" + String.join(", ", names.subList(0, Math.min(3, names.size())))
                + (names.size() > 3 ? ", ..." : "") + "; sha256 " + digest() + ")";
    }

    /** {@return how many images} */
    public int size() {
        return images.size();
    }

    /**
     * Image {@code i} [C, H, W].
     *
     * @param i the index, from 0
     * @return image {@code i} [C, H, W]
     */
    public Image get(int i) {
        checkElementIndex(i, images.size(), "image");
        return images.get(i);
    }

    /**
     * The name of image {@code i} (its file name when read from a folder).
     *
     * @param i the index, from 0
     * @return the name of image {@code i} (its file name when read from a folder)
     */
    public String name(int i) {
        checkElementIndex(i, names.size(), "image");
        return names.get(i);
    }

    /** {@return the images, in order} */
    public List<Image> images() {
        return images;
    }

    /** {@return the names, in order} */
    public List<String> names() {
        return names;
    }

    /**
     * The images whose index is in {@code indices}, in that order.
     *
     * @param indices indices from 0, each within the set
     * @return the images whose index is in {@code indices}, in that order
     */
    public ImageSet select(int... indices) {
        List<String> n = new ArrayList<>();
        List<Image> im = new ArrayList<>();
        for (int i : indices) {
            n.add(name(i));
            im.add(get(i));
        }
        return new ImageSet(n, im);
    }

    /**
     * Each image's {@link Image#centerCrop central square} of {@code side} pixels, under the same names.
     *
     * @param side the crops' side in pixels
     * @return each image's {@link Image#centerCrop central square}, under the same names
     */
    public ImageSet centerCrops(int side) {
        return map(im -> im.centerCrop(side));
    }

    /**
     * {@code f} of each image, under the same names (a restorer's restorations, degraded copies, crops).
     *
     * @param f what to do to each image
     * @return {@code f} of each image, under the same names
     */
    public ImageSet map(java.util.function.Function<Image, Image> f) {
        List<Image> out = new ArrayList<>();
        for (Image im : images) {
            out.add(f.apply(im));
        }
        return of(names, out);
    }

    /**
     * Splits into (first, rest) by name: images named in {@code names} go first, the others second; an
     * unknown name is an error. For held-out test sets that never meet training.
     *
     * @param firstNames names of images in this set, which go to the first part
     * @return the two parts
     */
    public Split split(List<String> firstNames) {
        List<Integer> first = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (String n : firstNames) {
            checkArgument(names.contains(n), "no image named '%s' in %s", n, names);
        }
        for (int i = 0; i < size(); i++) {
            (firstNames.contains(names.get(i)) ? first : rest).add(i);
        }
        return new Split(select(first.stream().mapToInt(Integer::intValue).toArray()),
                select(rest.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** Two disjoint parts of a set. */
    public record Split(ImageSet first, ImageSet rest) {}

    @Override
    public String toString() {
        return "ImageSet" + names;
    }
}
