package dev.dna.spark;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The batch job's entry point, for {@code spark-submit --class dev.dna.spark.SparkRestoreCommand dna-spark.jar ...} or,
 * without a cluster, {@code --master local[N]}: restores a folder, writes the manifest, prints the counts and the rate.
 */
@Command(name = "dna-spark-restore", mixinStandardHelpOptions = true,
        description = "Restore every image under a folder (any Hadoop filesystem) with an ONNX restorer on Spark.")
public final class SparkRestoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "the ONNX restorer (path or URI)")
    String model;

    @Option(names = "--in", required = true, description = "folder of images (recursive; .png, .jpg, .jpeg)")
    String in;

    @Option(names = "--out", required = true, description = "folder of restored images (created; existing outputs are skipped)")
    String out;

    @Option(names = "--format", defaultValue = "png", description = "png or jpg (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--manifest", description = "where to write the manifest: a .parquet path, or else CSV "
            + "(default: OUT/_manifest.csv)")
    String manifest;

    @Option(names = "--partitions", defaultValue = "0", description = "partitions of the image list (default: Spark's parallelism)")
    int partitions;

    @Option(names = "--master", description = "Spark master when not given by spark-submit (default: local[*])")
    String master;

    /**
     * Runs the command line {@code args} (see the class comment and {@code --help}); exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkRestoreCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        SparkConf conf = new SparkConf().setAppName("dna restore");
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
            spark.sparkContext().setLogLevel("WARN");
            long t0 = System.nanoTime();
            Dataset<Row> m = SparkRestore.run(spark, new SparkRestore.Job(model, in, out, format, partitions));
            double seconds = (System.nanoTime() - t0) / 1e9;
            String where = manifest != null ? manifest : out.replaceAll("/+$", "") + "/_manifest.csv";
            SparkRestore.writeManifest(m, where);
            long restored = m.filter(m.col("status").equalTo(SparkRestore.RESTORED)).count();
            long skipped = m.filter(m.col("status").equalTo(SparkRestore.SKIPPED)).count();
            long failed = m.filter(m.col("status").equalTo(SparkRestore.FAILED)).count();
            System.out.printf(Locale.ROOT, "%d images: %d restored, %d skipped (already there), %d failed; %.1f s, %.2f images/s; "
                    + "manifest %s%n", restored + skipped + failed, restored, skipped, failed, seconds, (restored + skipped + failed)
                    / seconds, where);
            m.filter(m.col("status").equalTo(SparkRestore.FAILED)).collectAsList()
                    .forEach(r -> System.out.println("  failed: " + r.getString(0) + ": " + r.getString(6)));
        }
        return 0;
    }
}
