package dev.dna.spark;

import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.ort.OnnxRestorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Images per second of the Spark job in local[1] and local[2] against a plain loop over {@link OnnxRestorer} (one ORT
 * thread, and ORT's default of all cores), on the same generated folder; medians of several alternating repetitions.
 * Not a test: {@code mvn -q -Pspark-local -pl dna-spark -am package -DskipTests
 * -Dspark.main=dev.dna.spark.SparkThroughputBenchmark -Dspark.args="MODEL IMAGES SIDE REPS"}.
 */
public final class SparkThroughputBenchmark {
    private SparkThroughputBenchmark() {}

    /**
     * Runs the command line {@code args} (see the class comment and {@code --help}); exits with its status.
     *
     * @param args the command line
     * @throws Exception when the model or an image cannot be read, or Spark fails
     */
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "dna-onnx/src/test/resources/dev/dna/onnx/fixtures/dncnn-opset17.onnx");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 48;
        int side = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path dir = Files.createTempDirectory("dna-spark-bench");
        Path in = Files.createDirectories(dir.resolve("in"));
        List<Image> photos = EmbeddedImages.load().images();
        for (int i = 0; i < n; i++) {
            Image p = photos.get(i % photos.size());
            int top = (i * 37) % Math.max(1, p.height() - side);
            int left = (i * 53) % Math.max(1, p.width() - side);
            Images.writePng(p.crop(top, left, Math.min(side, p.height()), Math.min(side, p.width())), in.resolve(String.format(Locale.ROOT, "%03d.png", i)));
        }
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(in)) {
            s.sorted().forEach(files::add);
        }
        String[] names = {"loop, 1 ORT thread", "loop, ORT default threads", "Spark local[1]", "Spark local[2]"};
        double[][] rate = new double[names.length][reps];
        for (int r = 0; r < reps; r++) {
            rate[0][r] = loop(model, files, 1, dir.resolve("loop1-" + r));
            rate[1][r] = loop(model, files, 0, dir.resolve("loop0-" + r));
            rate[2][r] = spark(model, in, dir.resolve("spark1-" + r), 1, n);
            rate[3][r] = spark(model, in, dir.resolve("spark2-" + r), 2, n);
            System.out.printf(Locale.ROOT, "rep %d: %.2f, %.2f, %.2f, %.2f images/s%n", r, rate[0][r], rate[1][r], rate[2][r], rate[3][r]);
        }
        double base = median(rate[0]);
        System.out.printf(Locale.ROOT, "%d images of %dx%d, %s, %d repetitions (median images/s, ratio to the 1-thread loop):%n", n,
                side, side, model.getFileName(), reps);
        for (int i = 0; i < names.length; i++) {
            System.out.printf(Locale.ROOT, "  %-26s %6.2f  %.2fx  (all: %s)%n", names[i], median(rate[i]), median(rate[i]) / base,
                    Arrays.toString(rate[i]));
        }
    }

    static double loop(Path model, List<Path> files, int threads, Path out) throws Exception {
        Files.createDirectories(out);
        try (OnnxRestorer r = OnnxRestorer.load(model, OnnxRestorer.Options.defaults().withIntraOpThreads(threads))) {
            long t0 = System.nanoTime();
            for (Path f : files) {
                Images.write(r.restore(Images.readRgb(f)), out.resolve(f.getFileName()));
            }
            return files.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** The job's rate on a warm session (started and warmed on one image before the clock starts). */
    static double spark(Path model, Path in, Path out, int cores, int n) throws Exception {
        try (SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("bench")
                .config("spark.ui.enabled", "false").getOrCreate()) {
            spark.sparkContext().setLogLevel("WARN");
            Path one = Files.createDirectories(out.resolveSibling(out.getFileName() + "-warm"));
            try (var s = Files.list(in)) {
                Path first = s.sorted().findFirst().orElseThrow();
                Files.copy(first, one.resolve(first.getFileName()));
            }
            SparkRestore.run(spark, new SparkRestore.Job(model.toAbsolutePath().toString(), one.toString(),
                    out.resolveSibling(out.getFileName() + "-warm-out").toString(), "png", 1));
            long t0 = System.nanoTime();
            long count = SparkRestore.run(spark, new SparkRestore.Job(model.toAbsolutePath().toString(), in.toString(), out.toString(),
                    "png", 2 * cores)).count();
            double s = (System.nanoTime() - t0) / 1e9;
            if (count != n) {
                throw new IllegalStateException("the job restored " + count + " of " + n);
            }
            return n / s;
        }
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
