package dev.dna.api.spi;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.spec.OnnxRestorerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes of the ONNX models that imported plans name ({@link OnnxRestorerSpec}: a path and a SHA-256). A plan is
 * rebuilt from its file when the file is where the plan says with the recorded digest; otherwise from a copy that a
 * loaded {@code restorer.dna} or checkpoint carried (those files embed the model, {@value #ZIP_PREFIX}{@code <sha>.onnx},
 * so that they stay usable when the original file moves or changes). Copies are kept for the life of the process,
 * keyed by their digest, so a copy can never stand in for other bytes.
 */
public final class OnnxModelStore {
    /** Where dna's zip files keep embedded models: {@code onnx/<sha256>.onnx}. */
    public static final String ZIP_PREFIX = "onnx/";

    private static final Map<String, byte[]> EMBEDDED = new ConcurrentHashMap<>();

    private OnnxModelStore() {}

    /**
     * Hex SHA-256 of {@code bytes}.
     *
     * @param bytes any bytes
     * @return 64 hex digits
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Keeps {@code bytes} (a model embedded in a loaded file) for plans that name its digest; returns the digest.
     *
     * @param bytes an ONNX model
     * @return its SHA-256
     */
    public static String register(byte[] bytes) {
        checkNotNull(bytes, "bytes");
        String sha = sha256(bytes);
        EMBEDDED.putIfAbsent(sha, bytes.clone());
        return sha;
    }

    /**
     * The model of {@code spec}: its file's bytes when they have the recorded SHA-256, else an embedded copy with it.
     *
     * @param spec the restorer naming the model's file and digest
     * @return the model's bytes
     * @throws IOException naming the file when it is missing or changed and no copy is known
     */
    public static byte[] bytes(OnnxRestorerSpec spec) throws IOException {
        checkNotNull(spec, "spec");
        Path file = Path.of(spec.file());
        byte[] b = null;
        String problem;
        try {
            b = Files.readAllBytes(file);
            problem = sha256(b).equals(spec.sha256()) ? null : "the file now has SHA-256 " + sha256(b) + ": it changed since";
        } catch (NoSuchFileException e) {
            problem = "the file does not exist";
        }
        if (problem == null) {
            return b;
        }
        byte[] copy = EMBEDDED.get(spec.sha256());
        if (copy != null) {
            return copy.clone();
        }
        throw new IOException("the plan's restorer was imported from ONNX model " + file + " with SHA-256 " + spec.sha256() + ", but "
                + problem + " (put the original back, load a restorer.dna or checkpoint that embeds it, or import it again for a "
                + "new plan)");
    }
}
