package dev.dna.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.ort.OnnxRestorer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Restores every image under a Hadoop-filesystem path (local, HDFS, S3 through the usual connectors) with an exported
 * ONNX restorer on Spark's executors, and returns the manifest: one row per image.
 *
 * <p>The model is shipped with the job ({@code SparkContext.addFile}); each executor JVM opens one ONNX Runtime session
 * for it and shares it between its tasks ({@link OnnxRestorer}: the same padding, tiling, value range and prediction as
 * a local {@code OnnxRestorer.restore}), one ORT thread per task, so that executor cores scale the throughput. Each
 * output goes to {@code out/<the input's relative folder>/<stem>.<format>}, written to a hidden temp name and renamed, so
 * a killed task leaves no partial image; an output that exists is skipped, so a rerun only does what is missing. An
 * image that cannot be read or restored is a row with its error, never a failed job.
 *
 * <p>Manifest columns: {@code input, output, width, height, seconds, status} ({@value #RESTORED}, {@value #SKIPPED} or
 * {@value #FAILED}) {@code , error} (null unless failed).
 */
public final class SparkRestore {
    /** Status of an image restored and written. */
    public static final String RESTORED = "restored";
    /** Status of an image whose output already existed (a rerun, or another attempt of the task, wrote it). */
    public static final String SKIPPED = "skipped";
    /** Status of an image that could not be read, restored or written (the reason in the row's {@code error}). */
    public static final String FAILED = "failed";

    /** The manifest's schema. */
    public static final StructType MANIFEST = new StructType()
            .add("input", DataTypes.StringType, false)
            .add("output", DataTypes.StringType, true)
            .add("width", DataTypes.IntegerType, true)
            .add("height", DataTypes.IntegerType, true)
            .add("seconds", DataTypes.DoubleType, false)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true);

    private SparkRestore() {}

    /**
     * What to restore and where.
     *
     * @param model the ONNX restorer (a Hadoop path or URI); an {@code OnnxExporter} export, or any model
     *     {@link OnnxRestorer#load(java.nio.file.Path)} takes
     * @param input a folder of images (searched recursively: {@code .png}, {@code .jpg}, {@code .jpeg})
     * @param output the folder of restored images
     * @param format {@code png} or {@code jpg}
     * @param partitions Spark partitions of the image list; 0: Spark's default parallelism
     * @serial exclude Spark serializes a job to ship it to its executors, within one run: its serialized form is no API
     */
    public record Job(String model, String input, String output, String format, int partitions) implements Serializable {
        /** Checks the components: an exception names any that is missing or out of range. */
        public Job {
            checkNotNull(model, "model");
            checkNotNull(input, "input");
            checkNotNull(output, "output");
            checkArgument(format != null && (format.equals("png") || format.equals("jpg")), "format must be png or jpg, got %s",
                    format);
            checkArgument(partitions >= 0, "partitions must be >= 0, got %s", partitions);
        }
    }

    /**
     * Runs {@code job} and returns its manifest (computed once: the dataset is cached).
     *
     * @param spark the session
     * @param job what to restore and where
     * @return one row per image, of {@link #MANIFEST}
     * @throws IOException if the input is not a folder or the model is missing
     */
    public static Dataset<Row> run(SparkSession spark, Job job) throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path in = new Path(job.input());
        FileSystem inFs = in.getFileSystem(conf);
        if (!inFs.getFileStatus(in).isDirectory()) {
            throw new IOException("input " + job.input() + " is not a folder");
        }
        Path modelPath = new Path(job.model());
        if (!modelPath.getFileSystem(conf).exists(modelPath)) {
            throw new IOException("no such ONNX model " + job.model());
        }
        spark.sparkContext().addFile(modelPath.toString());
        String modelName = modelPath.getName();
        try { // the model is checked once on the driver (in local mode, the session the tasks then share)
            Restorers.shared(SparkFiles.get(modelName));
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        List<String> listed = imageFiles(inFs, in);
        String root = inFs.makeQualified(in).toUri().getPath();
        // inputs whose output another input already claims (a.png and a.jpg -> a.<format>): a failed row each, never restored,
        // so that neither overwrites nor "skips" the other's output
        List<String> files = new ArrayList<>();
        List<Row> collisions = new ArrayList<>();
        Map<Path, String> claimed = new HashMap<>();
        for (String f : listed) {
            Path target = outputOf(f, root, job);
            String first = claimed.putIfAbsent(target, f);
            if (first == null) {
                files.add(f);
            } else {
                collisions.add(row(f, null, null, System.nanoTime(), FAILED, "same output " + target + " as "
                        + new Path(first).getName() + ": rename one of them"));
            }
        }
        int slices = job.partitions() > 0 ? job.partitions() : Math.max(1, Math.min(files.size(), jsc.defaultParallelism()));
        Broadcast<SerializableConfiguration> hadoop = jsc.broadcast(new SerializableConfiguration(conf));
        JavaRDD<Row> rows = jsc.parallelize(files, slices).mapPartitions(paths -> restoreAll(paths, modelName, root, job,
                hadoop.value().value()));
        if (!collisions.isEmpty()) {
            rows = rows.union(jsc.parallelize(collisions, 1));
        }
        Dataset<Row> manifest = spark.createDataFrame(rows, MANIFEST).cache();
        manifest.count(); // restore now, once
        return manifest;
    }

    /** The image files under {@code dir}, recursively, qualified, sorted (hidden files and temp names left out). */
    static List<String> imageFiles(FileSystem fs, Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            LocatedFileStatus s = it.next();
            String name = s.getPath().getName();
            if (s.isFile() && !name.startsWith(".") && !name.startsWith("_") && Images.isImageFile(java.nio.file.Path.of(name))) {
                out.add(fs.makeQualified(s.getPath()).toString());
            }
        }
        out.sort(null);
        return out;
    }

    /** Restores one partition's images with the executor's shared restorer. */
    private static Iterator<Row> restoreAll(Iterator<String> paths, String modelName, String root, Job job, Configuration conf)
            throws IOException {
        OnnxRestorer restorer = Restorers.shared(SparkFiles.get(modelName));
        List<Row> rows = new ArrayList<>();
        while (paths.hasNext()) {
            rows.add(restoreOne(restorer, paths.next(), root, job, conf));
        }
        return rows.iterator();
    }

    /** The output path of {@code input}: its folder relative to the input root, under the output root, as stem.format. */
    static Path outputOf(String input, String root, Job job) {
        String p = URI.create(input).getPath();
        String rel = p.startsWith(root + "/") ? p.substring(root.length() + 1) : new Path(p).getName();
        int slash = rel.lastIndexOf('/');
        String dir = slash < 0 ? "" : rel.substring(0, slash + 1);
        String name = rel.substring(slash + 1);
        int dot = name.lastIndexOf('.');
        return new Path(job.output(), dir + (dot > 0 ? name.substring(0, dot) : name) + "." + job.format());
    }

    static Row restoreOne(OnnxRestorer restorer, String input, String root, Job job, Configuration conf) {
        long t0 = System.nanoTime();
        Path target = outputOf(input, root, job);
        try {
            FileSystem outFs = target.getFileSystem(conf);
            if (outFs.exists(target)) {
                return row(input, target, null, t0, SKIPPED, null);
            }
            Path src = new Path(input);
            byte[] bytes;
            try (InputStream s = src.getFileSystem(conf).open(src)) {
                bytes = s.readAllBytes();
            }
            Image x = Images.decodeRgb(bytes, src.getName());
            byte[] encoded = Images.encode(restorer.restore(x), target.getName());
            Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
            outFs.mkdirs(target.getParent());
            try (OutputStream o = outFs.create(tmp, false)) {
                o.write(encoded);
            }
            if (!outFs.rename(tmp, target)) { // another attempt of this task got there first
                outFs.delete(tmp, false);
                if (!outFs.exists(target)) {
                    throw new IOException("could not rename " + tmp + " to " + target);
                }
                return row(input, target, x, t0, SKIPPED, null);
            }
            return row(input, target, x, t0, RESTORED, null);
        } catch (IOException | RuntimeException e) {
            String msg = e.getMessage() != null ? e.getMessage() : e.toString();
            return row(input, null, null, t0, FAILED, msg);
        }
    }

    private static Row row(String input, Path output, Image x, long t0, String status, String error) {
        return RowFactory.create(input, output == null ? null : output.toString(), x == null ? null : x.width(),
                x == null ? null : x.height(), (System.nanoTime() - t0) / 1e9, status, error);
    }

    /**
     * Writes the manifest as Parquet when {@code path} ends with {@code .parquet}, else as CSV with a header (one file).
     *
     * @param manifest from {@link #run}
     * @param path a {@code .parquet} or {@code .csv} path
     */
    public static void writeManifest(Dataset<Row> manifest, String path) {
        if (path.toLowerCase(Locale.ROOT).endsWith(".parquet")) {
            manifest.coalesce(1).write().mode("overwrite").parquet(path);
        } else {
            manifest.coalesce(1).write().mode("overwrite").option("header", "true").csv(path);
        }
    }

    /** One ONNX Runtime session per executor JVM and model file, shared by its tasks. */
    static final class Restorers {
        private static final Map<String, OnnxRestorer> SESSIONS = new ConcurrentHashMap<>();

        private Restorers() {}

        static OnnxRestorer shared(String localModel) {
            return SESSIONS.computeIfAbsent(localModel, m -> {
                try {
                    return OnnxRestorer.load(java.nio.file.Path.of(m), OnnxRestorer.Options.defaults().withIntraOpThreads(1));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }
}
