package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.testing.Trials;
import dev.dna.samediff.training.ArrayBytes;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** dna files from strangers: a lying header is refused by name, never read past its bytes (ND4J's reader crashed the JVM). */
class HostileFilesTest {
    @TempDir
    Path tmp;

    static byte[] write(INDArray a) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        Nd4j.write(a, out);
        out.flush();
        return bytes.toByteArray();
    }

    /** The entries of a zip file, by name, in order. */
    static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                entries.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        return entries;
    }

    /** Writes {@code entries} as a zip file (CRCs valid: what a reader meets is the entries' content). */
    static void writeZip(Path zip, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (var e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
    }

    /** The offset of the data buffer's length field: after the shape buffer (UTF mode, long n, UTF "LONG", n longs). */
    static int lengthFieldOffset(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        int o = 2 + bb.getShort(0);
        long n = bb.getLong(o);
        o += 8;
        o += 2 + bb.getShort(o);
        o += 8 * (int) n;
        o += 2 + bb.getShort(o); // the data buffer's allocation mode
        return o;
    }

    @Test
    void arraysRoundTripThroughTheCheckedReader() throws IOException {
        INDArray c = Nd4j.rand(DataType.FLOAT, 3, 4, 5);
        assertEquals(c, ArrayBytes.read(write(c), "c"));
        INDArray f = Nd4j.rand(DataType.FLOAT, 2, 7).dup('f');
        assertEquals('f', f.ordering());
        INDArray back = ArrayBytes.read(write(f), "f");
        assertEquals(f, back);
        INDArray d = Nd4j.rand(DataType.DOUBLE, 6);
        assertEquals(d, ArrayBytes.read(write(d), "d"));
        INDArray s = Nd4j.scalar(2.5f);
        assertEquals(s, ArrayBytes.read(write(s), "s"));
    }

    @Test
    void aLyingLengthFieldIsRefusedByName() throws IOException {
        byte[] b = write(Nd4j.rand(DataType.FLOAT, 4, 4));
        ByteBuffer.wrap(b).putLong(lengthFieldOffset(b), 1L << 33);
        IOException e = assertThrows(IOException.class, () -> ArrayBytes.read(b, "x.dna: entry weights/0"));
        assertEquals("x.dna: entry weights/0 is not a valid array: its data says 8589934592 values, its shape [4, 4] holds 16",
                e.getMessage());
    }

    @Test
    void aHugeShapeATruncatedEntryAndAForeignTypeAreRefused() throws IOException {
        byte[] b = write(Nd4j.rand(DataType.FLOAT, 4, 4));
        ByteBuffer bb = ByteBuffer.wrap(b.clone());
        int dims = 2 + bb.getShort(0) + 8 + 2 + bb.getShort(2 + bb.getShort(0) + 8) + 8; // after rank
        bb.putLong(dims, 1L << 40);
        assertTrue(assertThrows(IOException.class, () -> ArrayBytes.read(bb.array(), "a")).getMessage().contains("dimension 0"));
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 3);
        assertTrue(assertThrows(IOException.class, () -> ArrayBytes.read(cut, "b")).getMessage().contains("need 64 bytes"));
        assertTrue(assertThrows(IOException.class, () -> ArrayBytes.read(new byte[0], "c")).getMessage().contains("ends"));
        byte[] ints = write(Nd4j.createFromArray(1, 2, 3));
        assertTrue(assertThrows(IOException.class, () -> ArrayBytes.read(ints, "d")).getMessage().contains("data type 'INT'"));
    }

    /** Any mutation of a valid array's bytes loads or fails with an IOException: never an Error, never a crash. */
    @Test
    void mutatedArraysNeverCrash() {
        Trials.check(3000, c -> mutatedArrayLoadsOrFails(c.intIn("at", 0, 200), c.intIn("value", 0, 255), c.intIn("how", 0, 3)));
    }

    private static void mutatedArrayLoadsOrFails(int at, int value, int how) throws IOException {
        byte[] b = write(Nd4j.create(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, new long[] {3, 5}, 'c'));
        byte[] m = switch (how) {
            case 0 -> { // overwrite a byte
                byte[] x = b.clone();
                x[at % x.length] = (byte) value;
                yield x;
            }
            case 1 -> java.util.Arrays.copyOf(b, at % b.length); // truncate
            case 2 -> { // overwrite a long with an extreme value
                byte[] x = b.clone();
                int o = Math.min(at % x.length, x.length - 8);
                ByteBuffer.wrap(x).putLong(o, value % 2 == 0 ? Long.MAX_VALUE : -1L - value);
                yield x;
            }
            default -> { // insert a byte
                int o = at % b.length;
                byte[] x = new byte[b.length + 1];
                System.arraycopy(b, 0, x, 0, o);
                x[o] = (byte) value;
                System.arraycopy(b, o, x, o + 1, b.length - o);
                yield x;
            }
        };
        try {
            INDArray a = ArrayBytes.read(m, "m");
            assertTrue(a.length() <= ArrayBytes.MAX_ELEMENTS);
        } catch (IOException expected) {
            assertTrue(expected.getMessage().startsWith("m "), expected.getMessage());
        }
    }

    /** A restorer file whose first weight's length field says 2^33, its zip rebuilt so that every CRC is valid. */
    @Test
    void aCraftedRestorerFileIsRefusedWithOneLineNamingItsEntry() throws IOException {
        AdaptationPlan p = Adaptation.of(Restorers.unet(4, 2)).patchSize(16).build();
        Path good = tmp.resolve("restorer.dna");
        TrainedRestorer.initial(p).save(good);
        Map<String, byte[]> entries = entries(good);
        byte[] w0 = entries.get("weights/0");
        ByteBuffer.wrap(w0).putLong(lengthFieldOffset(w0), 1L << 33);
        Path bad = tmp.resolve("crafted.dna");
        writeZip(bad, entries);
        IOException e = assertThrows(IOException.class, () -> TrainedRestorer.load(bad));
        assertTrue(e.getMessage().startsWith(bad + ": entry weights/0 is not a valid array: its data says 8589934592 values"),
                e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1);
        assertEquals(TrainedRestorer.load(good).spec(), p.restorer()); // the good one still loads
    }

    @Test
    void aPlanAskingForAHugeNetworkIsRefusedBeforeTheNetworkIsBuilt() throws IOException {
        // a 2-wide restorer's file whose meta.json names unet(1024, 6): 142 billion parameters, which dna built (19 GB
        // resident, then out of memory) before this check
        Path good = tmp.resolve("small.dna");
        TrainedRestorer.initial(Adaptation.of(Restorers.unet(2, 1)).patchSize(16).build()).save(good);
        Map<String, byte[]> entries = entries(good);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode meta = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
                entries.get("meta.json"));
        meta.put("plan", Adaptation.of(Restorers.unet(1024, 6)).patchSize(64).build().toJson());
        entries.put("meta.json", json.writeValueAsBytes(meta));
        Path bad = tmp.resolve("huge.dna");
        writeZip(bad, entries);
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> TrainedRestorer.load(bad));
        assertTrue(e.getMessage().startsWith("restorer file " + bad + " is corrupt: its plan's network, unet(width=1024, depth=6")
                && e.getMessage().contains("has 141,709,263,875 parameters, its weights hold 561 values"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "refused only after " + (System.nanoTime() - t0) / 1e9 + " s");
    }

    @Test
    void weightsLargerThanThePlansNetworkAreNotInflated() throws IOException {
        // a valid array of 2^22 zeros (16 MB, a few kB deflated) where the plan's whole network holds 561 values: before
        // the bound, entries like it were inflated and read whole (eight of 2^28 values: 14 GB resident, 1.6 minutes)
        Path good = tmp.resolve("small.dna");
        TrainedRestorer.initial(Adaptation.of(Restorers.unet(2, 1)).patchSize(16).build()).save(good);
        Map<String, byte[]> entries = entries(good);
        entries.put("weights/0", write(Nd4j.zeros(DataType.FLOAT, 1 << 22)));
        Path bad = tmp.resolve("bomb.dna");
        writeZip(bad, entries);
        assertTrue(Files.size(bad) < 100_000, Files.size(bad) + " bytes");
        IOException e = assertThrows(IOException.class, () -> TrainedRestorer.load(bad));
        assertEquals(bad + " is corrupt: entry weights/0 cannot be read (it inflates to more than 5,512 bytes, more than an "
                + "array of the 561 values its place holds)", e.getMessage());
    }

    /** Bit flips, truncations and byte overwrites of a whole restorer file: each loads or fails with an IOException. */
    @Test
    void mutatedRestorerFilesLoadOrFailCleanly() {
        Trials.check(150, c -> mutatedRestorerFileLoadsOrFails(c.intIn("at", 0, 1_000_000), c.intIn("value", 0, 255),
                c.bool("truncate")));
    }

    private static void mutatedRestorerFileLoadsOrFails(int at, int value, boolean truncate) throws IOException {
        Path good = Files.createTempFile("dna-fuzz", ".dna");
        Path bad = Files.createTempFile("dna-fuzz-bad", ".dna");
        try {
            TrainedRestorer.initial(Adaptation.of(Restorers.unet(2, 1)).patchSize(16).build()).save(good);
            byte[] b = Files.readAllBytes(good);
            byte[] m = truncate ? java.util.Arrays.copyOf(b, at % b.length) : b.clone();
            if (!truncate) {
                m[at % m.length] = (byte) value;
            }
            Files.write(bad, m);
            try {
                TrainedRestorer.load(bad);
            } catch (IOException expected) {
                if (expected.getMessage() == null || !expected.getMessage().contains(bad.toString())) {
                    throw new AssertionError("the error does not name the file: " + expected, expected);
                }
            }
        } finally {
            Files.deleteIfExists(good);
            Files.deleteIfExists(bad);
        }
    }
}
