package dev.dna.api.metrics;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.dna.api.ImageRestorer;
import dev.dna.api.data.ImageSet;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.api.io.Ancestors;
import dev.dna.api.random.Rngs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;

/**
 * The colour Gaussian-denoising benchmark where denoisers are compared: CBSD68, Kodak24 and McMaster, each clean image
 * noised with additive white Gaussian noise of sigma 15, 25 or 50 (8-bit units), restored, and scored by PSNR and SSIM
 * over the whole RGB image.
 *
 * <p>The protocol is DPIR's test scripts' (Zhang et al., whose Table 3 gives {@link #PUBLISHED}): the clean 8-bit
 * image in [0, 1], {@code noisy = clean + sigma/255 * n} with {@code n ~ N(0, I)}, neither clipped nor quantised; the
 * restoration clipped and rounded to 8 bits; PSNR and SSIM against the clean image, no border cropped. The noise of
 * each image is fixed by {@code (seed, set, image name, sigma)} ({@link #noisy}), so every restorer meets the same
 * noisy images; other papers' noise differs in its draws, which moves a set's mean by a few hundredths of a dB.
 *
 * <p>The sets are read from a folder holding {@code CBSD68/}, {@code Kodak24/} and {@code McMaster/} (by default the
 * nearest {@code shared/data/testsets} above the working directory); their licences keep them out of the project.
 */
public final class AwgnBenchmark {
    /** The sets, in table order. */
    public static final ImmutableList<String> SETS = ImmutableList.of("CBSD68", "Kodak24", "McMaster");
    /** The noise levels, in 8-bit units. */
    public static final ImmutableList<Integer> SIGMAS = ImmutableList.of(15, 25, 50);
    /** Where the sets are looked for, relative to the working directory or one of its ancestors. */
    public static final Path RELATIVE = Path.of("shared", "data", "testsets");

    /** A published figure: {@code method}'s mean PSNR (dB, RGB) on {@code set} at noise level {@code sigma}. */
    public record Published(String method, String set, int sigma, double psnr) {}

    /**
     * CBM3D, CDnCNN, FFDNet and DRUNet, from Zhang, Li, Zuo, Zhang, Van Gool, Timofte, "Plug-and-Play Image Restoration
     * with Deep Denoiser Prior", TPAMI 2021, Table 3 (colour, sigma 15 / 25 / 50).
     */
    public static final ImmutableList<Published> PUBLISHED = published(new Object[][] {
        {"CBM3D", "CBSD68", 33.52, 30.71, 27.38}, {"CBM3D", "Kodak24", 34.28, 31.68, 28.46},
        {"CBM3D", "McMaster", 34.06, 31.66, 28.51},
        {"CDnCNN", "CBSD68", 33.89, 31.23, 27.92}, {"CDnCNN", "Kodak24", 34.48, 32.03, 28.85},
        {"CDnCNN", "McMaster", 33.44, 31.51, 28.61},
        {"FFDNet", "CBSD68", 33.87, 31.21, 27.96}, {"FFDNet", "Kodak24", 34.63, 32.13, 28.98},
        {"FFDNet", "McMaster", 34.66, 32.35, 29.18},
        {"DRUNet", "CBSD68", 34.30, 31.69, 28.51}, {"DRUNet", "Kodak24", 35.31, 32.89, 29.86},
        {"DRUNet", "McMaster", 35.40, 33.14, 30.08}});

    private AwgnBenchmark() {}

    private static ImmutableList<Published> published(Object[][] rows) {
        ImmutableList.Builder<Published> b = ImmutableList.builder();
        for (Object[] r : rows) {
            for (int i = 0; i < SIGMAS.size(); i++) {
                b.add(new Published((String) r[0], (String) r[1], SIGMAS.get(i), (Double) r[2 + i]));
            }
        }
        return b.build();
    }

    /** {@return the published methods, in table order} */
    public static List<String> publishedMethods() {
        return PUBLISHED.stream().map(Published::method).distinct().toList();
    }

    /**
     * {@code method}'s published PSNR on {@code set} at {@code sigma}, if the table has it.
     *
     * @param method a name from {@link #publishedMethods()}
     * @param set {@code CBSD68}, {@code Kodak24} or {@code McMaster}
     * @param sigma in 8-bit units: 15, 25 or 50
     * @return the PSNR in dB, or empty
     */
    public static Optional<Double> published(String method, String set, int sigma) {
        return PUBLISHED.stream().filter(p -> p.method().equals(method) && p.set().equals(set) && p.sigma() == sigma)
                .map(Published::psnr).findFirst();
    }

    /**
     * The nearest {@link #RELATIVE} folder above the working directory that holds a {@code CBSD68} folder.
     *
     * @return the folder, or empty
     */
    public static Optional<Path> find() {
        return Ancestors.nearestFromWorkingDirectory(RELATIVE, d -> Files.isDirectory(d.resolve("CBSD68")));
    }

    /**
     * Reads the clean images of {@code sets} from {@code dir}, one sub-folder each.
     *
     * @param dir the folder holding one folder per set
     * @param sets set names, e.g. {@code CBSD68}
     * @return the clean images of each set, in the order asked
     * @throws IOException naming the folder if {@code dir} or a set's folder is missing or holds no image, or naming the
     *     file if one cannot be read as an image
     */
    public static Map<String, ImageSet> read(Path dir, List<String> sets) throws IOException {
        checkNotNull(dir, "dir");
        checkArgument(!sets.isEmpty(), "no test set named");
        if (!Files.isDirectory(dir)) {
            throw new IOException("no test-set folder " + dir + " (it should hold " + String.join(", ", SETS) + ")");
        }
        Map<String, ImageSet> out = new LinkedHashMap<>();
        for (String s : sets) {
            Path d = dir.resolve(s);
            if (!Files.isDirectory(d)) {
                throw new IOException("test set " + s + " not found: no folder " + d);
            }
            List<Path> files;
            try (var list = Files.list(d)) {
                files = list.filter(Files::isRegularFile).sorted().toList();
            }
            List<Path> nonImages = files.stream().filter(f -> !Images.isImageFile(f) && !f.getFileName().toString()
                    .startsWith(".")).toList();
            if (!nonImages.isEmpty()) {
                throw new IOException("test set " + s + " holds a file that is not a PNG or JPEG image: " + nonImages.get(0));
            }
            if (files.isEmpty()) {
                throw new IOException("test set " + s + " is empty: " + d + " holds no image");
            }
            out.put(s, ImageSet.fromDirectory(d));
        }
        return out;
    }

    /**
     * {@code clean} with AWGN of {@code sigma} (8-bit units), unclipped: the noise drawn from a stream fixed by
     * {@code seed}, the set, the image's name and sigma.
     *
     * @param clean an RGB image in [0, 1]
     * @param set the set's name
     * @param name the image's name in the set
     * @param sigma in 8-bit units
     * @param seed the benchmark's seed
     * @return the noisy image
     */
    public static Image noisy(Image clean, String set, String name, int sigma, long seed) {
        UniformRandomProvider rng = Rngs.stream(seed, "awgn-benchmark/" + set + "/" + name + "/" + sigma);
        ZigguratSampler.NormalizedGaussian g = Rngs.gaussian(rng);
        float[] v = clean.toArray();
        double s = sigma / 255.0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] + s * g.sample());
        }
        return Image.of(clean.channels(), clean.height(), clean.width(), v);
    }

    /**
     * One cell of the table.
     *
     * @param inputPsnr the noisy images' mean PSNR (clipped to [0, 1] for the measure only)
     * @param seconds the restorer's wall time over the set
     */
    public record Row(String set, int sigma, int images, double psnr, double ssim, double inputPsnr, double seconds) {}

    /**
     * Noises each image of {@code clean} at {@code sigma}, restores it with {@code restorer} and scores the 8-bit
     * restoration: the means over the set.
     *
     * @param restorer the denoiser
     * @param set the set's name
     * @param clean the set's clean images
     * @param sigma in 8-bit units
     * @param seed the benchmark's seed
     * @return the mean PSNR and SSIM of the set
     */
    public static Row evaluate(ImageRestorer restorer, String set, ImageSet clean, int sigma, long seed) {
        checkNotNull(restorer, "restorer");
        checkArgument(sigma > 0 && sigma <= 255, "sigma must be in (0, 255], got %s", sigma);
        checkArgument(clean.size() > 0, "test set %s holds no image", set);
        double psnr = 0;
        double ssim = 0;
        double input = 0;
        long nanos = 0;
        for (int i = 0; i < clean.size(); i++) {
            Image y = clean.get(i);
            Image x = noisy(y, set, clean.name(i), sigma, seed);
            long t0 = System.nanoTime();
            Image restored = Images.quantize8(restorer.restore(x));
            nanos += System.nanoTime() - t0;
            psnr += Metrics.psnr(y, restored);
            ssim += Metrics.ssim(y, restored);
            input += Metrics.psnr(y, x.clip());
        }
        int n = clean.size();
        return new Row(set, sigma, n, psnr / n, ssim / n, input / n, nanos / 1e9);
    }

    /**
     * A Markdown table of {@code rows} with the published figures beside each: set, sigma, this restorer, each method.
     *
     * @param label this restorer's column heading
     * @param rows from {@link #evaluate}
     * @return the table
     */
    public static String table(String label, List<Row> rows) {
        List<String> methods = publishedMethods();
        StringBuilder sb = new StringBuilder("| set | sigma | images | noisy | " + label + " PSNR / SSIM | "
                + String.join(" | ", methods) + " |\n|---|---|---|---|---|" + "---|".repeat(methods.size()) + "\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | **%.2f** / %.4f |", r.set(), r.sigma(), r.images(),
                    r.inputPsnr(), r.psnr(), r.ssim()));
            for (String m : methods) {
                sb.append(published(m, r.set(), r.sigma()).map(p -> String.format(Locale.ROOT, " %.2f |", p)).orElse(" - |"));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
