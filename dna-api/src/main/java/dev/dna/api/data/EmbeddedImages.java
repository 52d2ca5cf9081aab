package dev.dna.api.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The default image set shipped in dna-api: 11 public-domain / CC0 photographs from Debian packages,
 * downscaled to a long side of at most 512 pixels (3.4 MB in all). {@code PROVENANCE.json} and
 * {@code LICENSES.md} beside them in {@code /dev/dna/api/images/} give each one's package, version,
 * path, licence and the sha256 of its original.
 */
public final class EmbeddedImages {
    static final String FOLDER = "/dev/dna/api/images/";

    private EmbeddedImages() {}

    /**
     * Loads all embedded photographs, in provenance order.
     *
     * @return the 11 photographs, RGB in [0, 1], named by file name
     */
    public static ImageSet load() {
        List<String> names = new ArrayList<>();
        List<Image> images = new ArrayList<>();
        for (Entry e : provenance()) {
            names.add(e.file());
            images.add(read(e.file()));
        }
        return ImageSet.of(names, images);
    }

    /**
     * One embedded image by file name, e.g. {@code "chelsea.png"}.
     *
     * @param file a file name from {@link #provenance()}
     * @return the image, RGB in [0, 1]
     */
    public static Image get(String file) {
        return read(file);
    }

    /** {@return the provenance records of the embedded images} */
    public static List<Entry> provenance() {
        try (InputStream in = open("PROVENANCE.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Entry> out = new ArrayList<>();
            for (JsonNode n : root.get("images")) {
                out.add(new Entry(n.get("file").asText(), n.get("package").asText(), n.get("version").asText(),
                        n.get("path").asText(), n.get("license").asText(), n.get("original_sha256").asText(),
                        n.get("width").asInt(), n.get("height").asInt()));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedded images' PROVENANCE.json", e);
        }
    }

    private static Image read(String file) {
        try (InputStream in = open(file)) {
            return Images.readRgb(in, "classpath:" + FOLDER + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read embedded image " + file, e);
        }
    }

    private static InputStream open(String file) throws IOException {
        InputStream in = EmbeddedImages.class.getResourceAsStream(FOLDER + file);
        if (in == null) {
            throw new IOException("no embedded resource " + FOLDER + file + " on the classpath");
        }
        return in;
    }

    /** Where an embedded image came from. */
    public record Entry(String file, String debianPackage, String version, String path, String license,
            String originalSha256, int width, int height) {}
}
