package dev.dna.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.ort.OnnxRestorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch job in Spark's local[2] mode on a folder of embedded photos, a corrupt file and a non-image. */
class SparkRestoreTest {
    static final Path MODEL = Path.of("..", "dna-onnx", "src", "test", "resources", "dev", "dna", "onnx", "fixtures",
            "dncnn-opset17.onnx");
    static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("dna-spark-test").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** in/a.png, in/b.jpg, in/sub/c.png (photos), in/sub/broken.jpg (truncated), in/notes.txt. */
    Path images() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in").resolve("sub"));
        List<Image> photos = EmbeddedImages.load().images();
        Images.writePng(photos.get(0).crop(0, 0, 40, 56), in.getParent().resolve("a.png"));
        Images.writeJpeg(photos.get(1).crop(8, 8, 48, 40), in.getParent().resolve("b.jpg"), 90);
        Images.writePng(photos.get(2).crop(4, 0, 33, 47), in.resolve("c.png"));
        byte[] jpeg = Images.encodeJpeg(photos.get(3).crop(0, 0, 64, 64), 90);
        Files.write(in.resolve("broken.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        Files.writeString(in.getParent().resolve("notes.txt"), "not an image");
        return in.getParent();
    }

    static Map<String, Row> byName(Dataset<Row> m) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : m.collectAsList()) {
            out.put(Path.of(java.net.URI.create(r.getString(0)).getPath()).getFileName().toString(), r);
        }
        return out;
    }

    @Test
    void restoresAFolderAsOnnxRestorerDoesReportsTheBadFileAndARerunDoesNothing() throws Exception {
        Path in = images();
        Path out = tmp.resolve("out");
        SparkRestore.Job job = new SparkRestore.Job(MODEL.toAbsolutePath().toString(), in.toString(), out.toString(), "png", 3);
        Map<String, Row> rows = byName(SparkRestore.run(spark, job));
        assertEquals(Map.of("a.png", SparkRestore.RESTORED, "b.jpg", SparkRestore.RESTORED, "c.png", SparkRestore.RESTORED,
                "broken.jpg", SparkRestore.FAILED), Map.of("a.png", rows.get("a.png").getString(5), "b.jpg",
                rows.get("b.jpg").getString(5), "c.png", rows.get("c.png").getString(5), "broken.jpg",
                rows.get("broken.jpg").getString(5)), rows.toString());
        assertEquals(4, rows.size(), "notes.txt is no image: " + rows.keySet());
        assertTrue(rows.get("broken.jpg").getString(6).contains("broken.jpg"), rows.get("broken.jpg").getString(6));
        assertEquals(56, rows.get("a.png").getInt(2));
        assertEquals(40, rows.get("a.png").getInt(3));
        // byte for byte what a local OnnxRestorer writes, each in the input's relative folder
        try (OnnxRestorer local = OnnxRestorer.load(MODEL)) {
            for (String[] f : new String[][] {{"a.png", "a.png"}, {"b.jpg", "b.png"}, {"sub/c.png", "sub/c.png"}}) {
                byte[] expected = Images.encode(local.restore(Images.readRgb(in.resolve(f[0]))), f[1]);
                assertArrayEquals(expected, Files.readAllBytes(out.resolve(f[1])), f[0]);
            }
        }
        try (Stream<Path> s = Files.walk(out)) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().contains(".tmp-")).toList(), "temp files left");
        }
        // the manifest as CSV
        String csv = tmp.resolve("manifest.csv").toString();
        SparkRestore.writeManifest(SparkRestore.run(spark, job), csv);
        try (Stream<Path> s = Files.list(Path.of(csv))) {
            Path part = s.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
            List<String> lines = Files.readAllLines(part);
            assertEquals("input,output,width,height,seconds,status,error", lines.get(0));
            assertEquals(5, lines.size(), lines.toString());
        }
        // a rerun: what exists is skipped and left as it was, the bad file reported again
        long mtime = Files.getLastModifiedTime(out.resolve("a.png")).toMillis();
        Map<String, Row> again = byName(SparkRestore.run(spark, job));
        assertEquals(SparkRestore.SKIPPED, again.get("a.png").getString(5));
        assertEquals(SparkRestore.SKIPPED, again.get("c.png").getString(5));
        assertEquals(SparkRestore.FAILED, again.get("broken.jpg").getString(5));
        assertEquals(mtime, Files.getLastModifiedTime(out.resolve("a.png")).toMillis());
    }

    @Test
    void twoInputsWithOneOutputNameAreOneRestoredAndOneFailedRow() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("same"));
        Image photo = EmbeddedImages.load().get(0).crop(0, 0, 32, 32);
        Images.writeJpeg(photo, in.resolve("x.jpg"), 90);
        Images.writePng(photo, in.resolve("x.png"));
        Path out = tmp.resolve("same-out");
        Map<String, Row> rows = byName(SparkRestore.run(spark, new SparkRestore.Job(MODEL.toAbsolutePath().toString(),
                in.toString(), out.toString(), "png", 2)));
        assertEquals(SparkRestore.RESTORED, rows.get("x.jpg").getString(5), rows.toString());
        assertEquals(SparkRestore.FAILED, rows.get("x.png").getString(5), rows.toString());
        assertTrue(rows.get("x.png").getString(6).contains("as x.jpg: rename one"), rows.get("x.png").getString(6));
        try (OnnxRestorer local = OnnxRestorer.load(MODEL)) {
            assertArrayEquals(Images.encode(local.restore(Images.readRgb(in.resolve("x.jpg"))), "x.png"),
                    Files.readAllBytes(out.resolve("x.png")), "the output is x.jpg's");
        }
    }

    @Test
    void aMissingModelOrInputIsAnErrorBeforeAnyTask() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> SparkRestore.run(spark,
                new SparkRestore.Job(tmp.resolve("none.onnx").toString(), tmp.toString(), tmp.resolve("o").toString(), "png", 0)));
        assertTrue(e.getMessage().contains("none.onnx"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> SparkRestore.run(spark,
                new SparkRestore.Job(MODEL.toAbsolutePath().toString(), tmp.resolve("nowhere").toString(), tmp.resolve("o").toString(),
                        "png", 0)));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }

    @Test
    void noNd4jOnTheExecutorsClassPath() {
        org.junit.jupiter.api.Assertions.assertThrows(ClassNotFoundException.class, () -> Class.forName("org.nd4j.linalg.factory.Nd4j"));
    }
}
