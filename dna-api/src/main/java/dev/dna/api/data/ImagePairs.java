package dev.dna.api.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.dna.api.degrade.Degradation;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Aligned (degraded, clean) photographs, each pair tagged with the scene it shows, so that a train/test split can
 * be made by scene and never by crop (several crops of one scene would otherwise leak from training into the test).
 *
 * <p>Two folder conventions: {@link #fromFolders} reads {@code noisy/} and {@code clean/} folders whose files have the
 * same names (each pair its own scene unless named {@code <scene>__<anything>}); {@link #polyU} reads the PolyU
 * real-noise crops ({@code <camera>_<f>_<shutter>_<ISO>_<scene>_<crop>_real.JPG} with {@code ..._mean.JPG}, the mean of
 * about 500 shots; scene = camera and scene name).
 *
 * @param degraded the degraded images, named by their files
 * @param clean the clean image of each, in the same order
 * @param scenes the scene of each pair
 */
public record ImagePairs(ImageSet degraded, ImageSet clean, List<String> scenes) {

    /** Checks the components (an exception names any missing or out of range) and copies the lists. */
    public ImagePairs {
        checkNotNull(degraded, "degraded");
        checkNotNull(clean, "clean");
        scenes = ImmutableList.copyOf(scenes);
        checkArgument(degraded.size() == clean.size() && clean.size() == scenes.size(),
                "%s degraded images, %s clean, %s scenes", degraded.size(), clean.size(), scenes.size());
        for (int i = 0; i < degraded.size(); i++) {
            checkArgument(degraded.get(i).sameShape(clean.get(i)), "pair %s: degraded %s but clean %s", degraded.name(i),
                    degraded.get(i).shapeString(), clean.get(i).shapeString());
        }
    }

    /**
     * The pairs of {@code noisyDir} and {@code cleanDir}: every PNG or JPEG in one must have a file of the same name in
     * the other. A file named {@code <scene>__<rest>} belongs to scene {@code <scene>}; otherwise it is its own scene.
     *
     * @param noisyDir the degraded images
     * @param cleanDir their clean counterparts, under the same file names
     * @return the pairs in file-name order, in scenes by name as above
     * @throws IOException naming the missing or empty folder, the unmatched files, an unreadable image or a pair of
     *     different sizes
     */
    public static ImagePairs fromFolders(Path noisyDir, Path cleanDir) throws IOException {
        TreeMap<String, Path> noisy = images(noisyDir);
        TreeMap<String, Path> clean = images(cleanDir);
        Set<String> onlyNoisy = onlyIn(noisy, clean);
        Set<String> onlyClean = onlyIn(clean, noisy);
        if (!onlyNoisy.isEmpty() || !onlyClean.isEmpty()) {
            throw new IOException("test pairs need the same file names in " + noisyDir + " and " + cleanDir + ": only in the "
                    + "first " + onlyNoisy + ", only in the second " + onlyClean);
        }
        List<String> scenes = new ArrayList<>();
        for (String n : noisy.keySet()) {
            int cut = n.indexOf("__");
            scenes.add(cut > 0 ? n.substring(0, cut) : n);
        }
        return read(new ArrayList<>(noisy.values()), new ArrayList<>(clean.values()), scenes);
    }

    /**
     * The PolyU crops in {@code dir}: each {@code *_real.*} with its {@code *_mean.*}, in name order.
     *
     * @param dir a folder of PolyU's {@code *_real.JPG} and {@code *_mean.JPG} files
     * @return the pairs, grouped in scenes
     * @throws IOException naming the missing or empty folder, a real image without its mean (or a mean without its real
     *     image), a name that does not follow the convention, an unreadable image or a pair of different sizes
     */
    public static ImagePairs polyU(Path dir) throws IOException {
        TreeMap<String, Path> files = images(dir);
        TreeMap<String, Path> real = new TreeMap<>();
        TreeMap<String, Path> mean = new TreeMap<>();
        for (var e : files.entrySet()) {
            String stem = e.getKey().substring(0, e.getKey().lastIndexOf('.'));
            if (stem.endsWith("_real")) {
                real.put(stem.substring(0, stem.length() - 5), e.getValue());
            } else if (stem.endsWith("_mean")) {
                mean.put(stem.substring(0, stem.length() - 5), e.getValue());
            } else {
                throw new IOException("PolyU folder " + dir + ": " + e.getKey() + " is neither *_real nor *_mean");
            }
        }
        if (!real.keySet().equals(mean.keySet())) {
            throw new IOException("PolyU folder " + dir + ": real images without a mean " + onlyIn(real, mean)
                    + ", means without a real image " + onlyIn(mean, real));
        }
        List<String> scenes = new ArrayList<>();
        for (String key : real.keySet()) {
            String[] f = key.split("_");
            if (f.length < 6) {
                throw new IOException("PolyU folder " + dir + ": " + key + " is not <camera>_<f>_<shutter>_<ISO>_<scene>_<crop>");
            }
            scenes.add(f[0] + "_" + f[4]);
        }
        return read(new ArrayList<>(real.values()), new ArrayList<>(mean.values()), scenes);
    }

    /**
     * Simulated pairs: image {@code i} of {@code clean} degraded with seed {@code seedBase + i} and clipped to [0, 1],
     * beside it; each pair its own scene (its name). Fixed test pairs of a simulated domain: the same seeds give the same
     * pairs in every run.
     *
     * @param clean the clean images
     * @param degradation the synthetic degradation
     * @param seedBase image {@code i} is degraded with seed {@code seedBase + i}
     * @return the pairs
     */
    public static ImagePairs degrade(ImageSet clean, Degradation degradation, long seedBase) {
        checkNotNull(clean, "clean");
        checkNotNull(degradation, "degradation");
        List<Image> d = new ArrayList<>();
        for (int i = 0; i < clean.size(); i++) {
            d.add(degradation.apply(clean.get(i), seedBase + i).clip());
        }
        return new ImagePairs(ImageSet.of(clean.names(), d), clean, clean.names());
    }

    /** {@link ImageSet#imageFiles} by file name. */
    private static TreeMap<String, Path> images(Path dir) throws IOException {
        TreeMap<String, Path> out = new TreeMap<>();
        for (Path p : ImageSet.imageFiles(dir)) {
            out.put(p.getFileName().toString(), p);
        }
        return out;
    }

    /** The keys of {@code a} that are not keys of {@code b}, in order. */
    private static Set<String> onlyIn(TreeMap<String, Path> a, TreeMap<String, Path> b) {
        Set<String> out = new LinkedHashSet<>(a.keySet());
        out.removeAll(b.keySet());
        return out;
    }

    private static ImagePairs read(List<Path> degraded, List<Path> clean, List<String> scenes) throws IOException {
        List<String> names = new ArrayList<>();
        List<Image> d = new ArrayList<>();
        List<Image> c = new ArrayList<>();
        for (int i = 0; i < degraded.size(); i++) {
            Image a = Images.readRgb(degraded.get(i));
            Image b = Images.readRgb(clean.get(i));
            if (!a.sameShape(b)) {
                throw new IOException("pair " + degraded.get(i) + " / " + clean.get(i) + " has different sizes: " + a.shapeString()
                        + " and " + b.shapeString());
            }
            names.add(degraded.get(i).getFileName().toString());
            d.add(a);
            c.add(b);
        }
        List<String> cleanNames = clean.stream().map(p -> p.getFileName().toString()).toList();
        return new ImagePairs(ImageSet.of(names, d), ImageSet.of(cleanNames, c), scenes);
    }

    /** {@return the number of pairs} */
    public int size() {
        return degraded.size();
    }

    /** {@return the distinct scenes, in order of first appearance} */
    public List<String> sceneList() {
        return List.copyOf(new LinkedHashSet<>(scenes));
    }

    /**
     * The pairs whose scene is in {@code wanted}, in order.
     *
     * @param wanted scene names
     * @return those pairs
     */
    public ImagePairs ofScenes(Set<String> wanted) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            if (wanted.contains(scenes.get(i))) {
                idx.add(i);
            }
        }
        int[] a = idx.stream().mapToInt(Integer::intValue).toArray();
        List<String> s = idx.stream().map(scenes::get).toList();
        return new ImagePairs(degraded.select(a), clean.select(a), s);
    }

    /**
     * Splits by scene: the pairs of {@code testScenes} (each must exist) and the rest; no scene is in both.
     *
     * @param testScenes scenes present in these pairs
     * @return the test pairs and the rest
     */
    public Split splitByScene(List<String> testScenes) {
        Set<String> known = new LinkedHashSet<>(scenes);
        for (String s : testScenes) {
            checkArgument(known.contains(s), "no scene '%s' among %s", s, known);
        }
        Set<String> test = new LinkedHashSet<>(testScenes);
        Set<String> train = new LinkedHashSet<>(known);
        train.removeAll(test);
        return new Split(ofScenes(train), ofScenes(test));
    }

    /** A split by scene: {@code train} and {@code test} share no scene. */
    public record Split(ImagePairs train, ImagePairs test) {}
}
