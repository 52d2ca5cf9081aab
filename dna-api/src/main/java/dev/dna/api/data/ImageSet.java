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

    /** A set of named images [C, H, W] (names and images index by index). */
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
     * @throws IOException naming the file that cannot be read, or if the folder holds no image
     */
    public static ImageSet fromDirectory(Path dir) throws IOException {
        return read(dir, false).images();
    }

    /** What {@link #fromDirectorySkippingUnreadable} read, and each file it skipped with the reason. */
    public record Read(ImageSet images, java.util.Map<String, String> skipped) {
        /** Checks the components (see the record's parameters). */
        public Read {
            skipped = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(skipped));
        }
    }

    /**
     * Like {@link #fromDirectory}, but a file that cannot be read (corrupt, truncated, CMYK, ...) is skipped and named
     * with its reason instead of failing the whole folder.
     *
     * @throws IOException if {@code dir} is not a folder, holds no image file, or none of them can be read
     */
    public static Read fromDirectorySkippingUnreadable(Path dir) throws IOException {
        return read(dir, true);
    }

    /** The images of {@code dir}; an unreadable one fails the whole read, or with {@code skip} is named in {@link Read#skipped}. */
    private static Read read(Path dir, boolean skip) throws IOException {
        List<String> names = new ArrayList<>();
        List<Image> images = new ArrayList<>();
        java.util.Map<String, String> skipped = new java.util.LinkedHashMap<>();
        for (Path f : imageFiles(dir)) {
            try {
                images.add(Images.readRgb(f));
                names.add(f.getFileName().toString());
            } catch (IOException e) {
                if (!skip) {
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

    /** "N images (first, second, third, ...; sha256 ...)", to name a set in messages and checkpoints. */
    public String describe() {
        return images.size() + " images (" + String.join(", ", names.subList(0, Math.min(3, names.size())))
                + (names.size() > 3 ? ", ..." : "") + "; sha256 " + digest() + ")";
    }

    /** How many images. */
    public int size() {
        return images.size();
    }

    /** Image {@code i} [C, H, W]. */
    public Image get(int i) {
        checkElementIndex(i, images.size(), "image");
        return images.get(i);
    }

    /** The name of image {@code i} (its file name when read from a folder). */
    public String name(int i) {
        checkElementIndex(i, names.size(), "image");
        return names.get(i);
    }

    /** The images, in order. */
    public List<Image> images() {
        return images;
    }

    /** The names, in order. */
    public List<String> names() {
        return names;
    }

    /** The images whose index is in {@code indices}, in that order. */
    public ImageSet select(int... indices) {
        List<String> n = new ArrayList<>();
        List<Image> im = new ArrayList<>();
        for (int i : indices) {
            n.add(name(i));
            im.add(get(i));
        }
        return new ImageSet(n, im);
    }

    /** Each image's {@link Image#centerCrop central square} of {@code side} pixels, under the same names. */
    public ImageSet centerCrops(int side) {
        return map(im -> im.centerCrop(side));
    }

    /** {@code f} of each image, under the same names (a restorer's restorations, degraded copies, crops). */
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
