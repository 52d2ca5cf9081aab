package dev.dna.samediff.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dna.api.io.AtomicFiles;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import dev.dna.api.spi.OnnxModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Zip files of JSON metadata and ND4J arrays (ND4J's binary format, CRC-checked by the zip), written
 * with {@link AtomicFiles}: a crash or a failed write never replaces the previous file. Arrays are read through
 * {@link ArrayBytes}, which checks each header against the bytes before ND4J sees them.
 */
public final class Checkpoints {
    /** The largest array entry read: {@link ArrayBytes#MAX_ELEMENTS} floats and a header. */
    static final int MAX_ENTRY_BYTES = (int) Math.min(Integer.MAX_VALUE - 16, ArrayBytes.MAX_ELEMENTS * 4 + 4096);
    /** The largest meta.json read. */
    static final int MAX_META_BYTES = 16 << 20;

    private Checkpoints() {}

    /** What a checkpoint or restorer file holds, written entry by entry. */
    public interface Body {
        /**
         * Writes the entries into {@code out}.
         *
         * @param out the zip being written (a temporary file)
         * @throws IOException if writing fails (the file is then left as it was)
         */
        void write(ZipOutputStream out) throws IOException;
    }

    /**
     * Writes the zip {@code body} makes to {@code file} through a temp file and an atomic move: a crash leaves the old file.
     *
     * @param file the file to write or replace
     * @param body writes the entries
     * @throws IOException if the body or the move fails (an existing file is then left as it was)
     */
    public static void writeAtomically(Path file, Body body) throws IOException {
        AtomicFiles.write(file, raw -> {
            ZipOutputStream out = new ZipOutputStream(raw);
            body.write(out);
            out.finish();
            out.flush();
        });
    }

    /**
     * Adds entry {@code name} holding {@code text} in UTF-8.
     *
     * @param out the zip being written
     * @param name the entry's name
     * @param text its content
     * @throws IOException if writing fails
     */
    public static void putText(ZipOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }

    /**
     * Embeds the ONNX model of an imported restorer ({@code onnx/<sha256>.onnx}), so that the file stays usable when the
     * original moves or changes; nothing for dna's own restorers.
     *
     * @param out the zip being written
     * @param restorer the restorer written
     * @throws IOException if the model cannot be read or written
     */
    public static void putImportedModel(ZipOutputStream out, dev.dna.api.spec.RestorerSpec restorer) throws IOException {
        if (restorer instanceof dev.dna.api.spec.OnnxRestorerSpec o) {
            out.putNextEntry(new ZipEntry(OnnxModelStore.ZIP_PREFIX + o.sha256() + ".onnx"));
            out.write(OnnxModelStore.bytes(o));
            out.closeEntry();
        }
    }

    /**
     * Registers the ONNX models {@code zip} embeds with {@link OnnxModelStore}, each checked against its digest.
     *
     * @param zip the file, open
     * @param file its path, for messages
     * @throws IOException naming the entry when its digest does not match its name
     */
    public static void registerImportedModels(ZipFile zip, Path file) throws IOException {
        var entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            if (e.getName().startsWith(OnnxModelStore.ZIP_PREFIX) && e.getName().endsWith(".onnx")) {
                byte[] b;
                try (var in = zip.getInputStream(e)) {
                    b = in.readNBytes(MAX_ENTRY_BYTES + 1);
                }
                if (b.length > MAX_ENTRY_BYTES) {
                    throw new IOException(file + " is corrupt: its embedded ONNX model " + e.getName() + " inflates to more than "
                            + MAX_ENTRY_BYTES + " bytes");
                }
                String named = e.getName().substring(OnnxModelStore.ZIP_PREFIX.length(), e.getName().length() - ".onnx".length());
                if (!OnnxModelStore.sha256(b).equals(named)) {
                    throw new IOException(file + " is corrupt: its embedded ONNX model " + e.getName() + " does not have that SHA-256");
                }
                OnnxModelStore.register(b);
            }
        }
    }

    /**
     * Adds entry {@code name} holding {@code a} in ND4J's binary format (read back only through {@link #getArray}).
     *
     * @param out the zip being written
     * @param name the entry's name
     * @param a the array
     * @throws IOException if writing fails
     */
    public static void putArray(ZipOutputStream out, String name, INDArray a) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        DataOutputStream dos = new DataOutputStream(out);
        Nd4j.write(a, dos);
        dos.flush();
        out.closeEntry();
    }

    /**
     * Opens a checkpoint or restorer file.
     *
     * @param file a dna restorer or checkpoint
     * @return the zip, open; close it when done
     * @throws IOException naming the file when it is missing or not a zip
     */
    public static ZipFile open(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such checkpoint or restorer file");
        }
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException | java.io.EOFException e) { // an EOFException, without a message, when its end record lies
            throw new IOException(file + " is corrupt or not a dna file (not a readable zip: "
                    + (e.getMessage() != null ? e.getMessage() : "its directory points past the end of the file") + ")", e);
        }
    }

    /**
     * The meta.json of a dna file, checked to name {@code format} (any format, and possibly null, when {@code format} is null).
     *
     * @param zip the file, open
     * @param file its path, for messages
     * @param format the format expected, or null for any
     * @return the parsed meta.json
     * @throws IOException naming the file when meta.json is missing, malformed or of another format
     */
    public static JsonNode meta(ZipFile zip, Path file, String format) throws IOException {
        ZipEntry e = zip.getEntry("meta.json");
        if (e == null) {
            throw new IOException(file + " is not a dna file: it has no meta.json");
        }
        JsonNode meta;
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes(MAX_META_BYTES + 1);
            if (b.length > MAX_META_BYTES) {
                throw new IOException("it inflates to more than " + MAX_META_BYTES + " bytes");
            }
            meta = new ObjectMapper().readTree(b);
        } catch (IOException ex) {
            throw new IOException(file + " is corrupt: meta.json cannot be read (" + ex.getMessage() + ")", ex);
        }
        if (format != null) {
            checkFormat(meta, file, format);
        }
        return meta;
    }

    /**
     * Checks that {@code meta} (as read by {@link #meta}) names {@code format}, else an error naming the file and both.
     *
     * @param meta from {@link #meta}
     * @param file its path, for messages
     * @param format the format expected
     * @throws IOException naming the file and both formats when they differ
     */
    public static void checkFormat(JsonNode meta, Path file, String format) throws IOException {
        if (meta == null || !format.equals(meta.path("format").asText())) {
            throw new IOException(file + " is a '" + (meta == null ? "?" : meta.path("format").asText())
                    + "' file, expected '" + format + "'");
        }
    }

    /**
     * Reads array entry {@code name}, its header checked against its bytes ({@link ArrayBytes}) before ND4J parses it.
     *
     * @param zip the file, open
     * @param file its path, for messages
     * @param name the entry's name
     * @return the array, its header checked against the entry's size before anything is allocated
     * @throws IOException naming {@code file} and the entry when it is missing, too large or inconsistent
     */
    public static INDArray getArray(ZipFile zip, Path file, String name) throws IOException {
        return getArray(zip, file, name, ArrayBytes.MAX_ELEMENTS);
    }

    /** The most bytes an array's header takes (its shape: at most 20 longs; four names of at most 64 characters). */
    static final int MAX_HEADER_BYTES = 1024;

    /**
     * Reads array entry {@code name}, which may hold at most {@code maxValues} values: the entry is inflated no further
     * than such an array's bytes, so that a few megabytes of zip cannot fill the memory with arrays that the network
     * has no place for (the caller knows the place: the shape of a graph's variable, what a plan's network has left).
     *
     * @param zip the file, open
     * @param file its path, for messages
     * @param name the entry's name
     * @param maxValues the most values the array may hold, at most {@link ArrayBytes#MAX_ELEMENTS}
     * @return the array, its header checked against the entry's size before anything is allocated
     * @throws IOException naming {@code file} and the entry when it is missing, larger than its place or inconsistent
     */
    public static INDArray getArray(ZipFile zip, Path file, String name, long maxValues) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new IOException(file + " is corrupt: entry " + name + " is missing");
        }
        long values = Math.max(0, Math.min(maxValues, ArrayBytes.MAX_ELEMENTS));
        int limit = (int) Math.min(MAX_ENTRY_BYTES, MAX_HEADER_BYTES + 8 * values);
        byte[] bytes;
        try (InputStream in = zip.getInputStream(e)) {
            // bounded: a zip entry may inflate to far more than its file; reading to the end verifies the entry's CRC
            bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new IOException(String.format(java.util.Locale.ROOT, "it inflates to more than %,d bytes, more than an "
                        + "array of the %,d values its place holds", limit, values));
            }
        } catch (IOException | RuntimeException ex) {
            throw new IOException(file + " is corrupt: entry " + name + " cannot be read (" + ex.getMessage() + ")", ex);
        }
        INDArray a = ArrayBytes.read(bytes, file + ": entry " + name);
        if (a.length() > values) {
            throw new IOException(String.format(java.util.Locale.ROOT, "%s is corrupt: entry %s holds %,d values, where %,d fit",
                    file, name, a.length(), values));
        }
        return a;
    }
}
