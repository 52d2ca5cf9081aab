package dev.dna.samediff;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Pretrained restorers by name: dna's own model zoo (the {@code dev.dna:dna-models} artifact on the class path,
 * {@link #builtIn()}), or a folder laid out the same way ({@link #of(Path)}).
 *
 * <p>A zoo is an {@code index.json} ({@code {"format": "dna-models/1", "models": [{"name", "file", "sha256", "bytes",
 * "description", "provenance"}]}}) beside the restorer files ({@link TrainedRestorer#save} format) and their provenance
 * files (the command, seed, data and test figures behind each). {@link #load} checks the file's SHA-256 against the
 * index before reading it, so a truncated or altered model is refused by name.
 * <pre>
 *   TrainedRestorer denoiser = ModelZoo.builtIn().load(ModelZoo.DENOISER);
 *   Image restored = denoiser.restore(Images.readRgb(Path.of("noisy.jpg")));
 * </pre>
 */
public final class ModelZoo {
    /** The zoo's format tag in {@code index.json}. */
    public static final String FORMAT = "dna-models/1";
    /** Where {@link #builtIn()} looks on the class path. */
    public static final String RESOURCE_FOLDER = "/dev/dna/models/";
    /** The blind Gaussian denoiser that {@code dna adapt} starts from by default. */
    public static final String DENOISER = "denoise-awgn-unet32";
    /** How a model is named where a file is expected (the command line's {@code --model pretrained:NAME}). */
    public static final String PREFIX = "pretrained:";

    /** One model of a zoo, as its index describes it. */
    public record Entry(String name, String file, String sha256, long bytes, String description, String provenance) {
        /** Checks the components: an exception names any that is missing or out of range. */
        public Entry {
            checkArgument(name != null && !name.isBlank(), "a model entry needs a name");
            checkArgument(file != null && !file.isBlank() && !file.contains("/") && !file.contains("\\") && !file.startsWith("."),
                    "model %s: its file must be a plain file name beside index.json, got '%s'", name, file);
            checkArgument(sha256 != null && sha256.matches("[0-9a-f]{64}"), "model %s: sha256 must be 64 hex digits", name);
            checkArgument(bytes > 0, "model %s: bytes must be > 0", name);
        }
    }

    private interface Source {
        InputStream open(String file) throws IOException;

        String describe(String file);
    }

    private final ImmutableList<Entry> entries;
    private final Source source;

    private ModelZoo(List<Entry> entries, Source source) {
        this.entries = ImmutableList.copyOf(entries);
        this.source = source;
    }

    /**
     * dna's own models, from the {@code dev.dna:dna-models} artifact.
     *
     * @return the models of dna-models
     * @throws IllegalStateException if that artifact is not on the class path, or its index is unreadable
     */
    public static ModelZoo builtIn() {
        Source cp = new Source() {
            @Override
            public InputStream open(String file) throws IOException {
                InputStream in = ModelZoo.class.getResourceAsStream(RESOURCE_FOLDER + file);
                if (in == null) {
                    throw new IOException("the model zoo has no " + describe(file));
                }
                return in;
            }

            @Override
            public String describe(String file) {
                return "classpath:" + RESOURCE_FOLDER + file;
            }
        };
        try (InputStream in = ModelZoo.class.getResourceAsStream(RESOURCE_FOLDER + "index.json")) {
            if (in == null) {
                throw new IllegalStateException("no pretrained models on the class path: add the dev.dna:dna-models artifact");
            }
            return new ModelZoo(index(in.readAllBytes(), cp.describe("index.json")), cp);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * The zoo in {@code folder} (its {@code index.json} and model files).
     *
     * @param folder a folder holding {@code index.json} and the files it names
     * @return the zoo
     * @throws IOException naming the file if the index is missing or malformed
     */
    public static ModelZoo of(Path folder) throws IOException {
        checkNotNull(folder, "folder");
        Path index = folder.resolve("index.json");
        if (!Files.isRegularFile(index)) {
            throw new IOException("no model zoo in " + folder + ": it has no index.json");
        }
        Source dir = new Source() {
            @Override
            public InputStream open(String file) throws IOException {
                return Files.newInputStream(folder.resolve(file));
            }

            @Override
            public String describe(String file) {
                return folder.resolve(file).toString();
            }
        };
        return new ModelZoo(index(Files.readAllBytes(index), index.toString()), dir);
    }

    private static List<Entry> index(byte[] json, String where) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IOException(where + " is not a model index: " + e.getMessage(), e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IOException(where + " is not a model index: its format is not \"" + FORMAT + "\"");
        }
        ImmutableList.Builder<Entry> b = ImmutableList.builder();
        try {
            for (JsonNode n : root.path("models")) {
                b.add(new Entry(n.path("name").asText(null), n.path("file").asText(null), n.path("sha256").asText(null),
                        n.path("bytes").asLong(-1), n.path("description").asText(""), n.path("provenance").asText("")));
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": " + e.getMessage(), e);
        }
        return b.build();
    }

    /** {@return the models, in index order} */
    public List<Entry> entries() {
        return entries;
    }

    /** {@return the names of the models, in index order} */
    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /**
     * The entry named {@code name}, if there is one.
     *
     * @param name a model's name, e.g. {@link #DENOISER}
     * @return its entry, or empty
     */
    public Optional<Entry> find(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /**
     * The entry named {@code name}.
     *
     * @param name a model's name, e.g. {@link #DENOISER}
     * @return its entry
     * @throws IllegalArgumentException naming the known models if there is none of that name
     */
    public Entry entry(String name) {
        checkNotNull(name, "name");
        return find(name).orElseThrow(() -> new IllegalArgumentException("no pretrained model '" + name + "'; known: "
                + (entries.isEmpty() ? "none (the index dev/dna/models/index.json on the classpath lists no model: is dev.dna:dna-models "
                        + "a dependency, and a build of it with its weights?)" : String.join(", ", names()))));
    }

    /**
     * The provenance of {@code name} (JSON: the command, seed, data and figures that made it), or "" when the index
     * names no provenance file.
     *
     * @param name a model's name, e.g. {@link #DENOISER}
     * @return the provenance JSON, or ""
     * @throws IOException naming the file if it cannot be read
     */
    public String provenance(String name) throws IOException {
        Entry e = entry(name);
        if (e.provenance().isEmpty()) {
            return "";
        }
        try (InputStream in = source.open(e.provenance())) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * Loads the model {@code name}, after checking its size and SHA-256 against the index.
     *
     * @param name a model's name, e.g. {@link #DENOISER}
     * @return the restorer, its file's SHA-256 checked against the index
     * @throws IllegalArgumentException naming the known models if there is none of that name
     * @throws IOException naming the model and its file if the file is missing, truncated, altered or unreadable
     */
    public TrainedRestorer load(String name) throws IOException {
        Entry e = entry(name);
        byte[] bytes;
        try (InputStream in = source.open(e.file())) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, e.bytes() + 1));
        } catch (IOException ex) {
            throw new IOException("pretrained model " + name + ": cannot read " + source.describe(e.file()) + " ("
                    + ex.getMessage() + ")", ex);
        }
        if (bytes.length != e.bytes() || !sha256(bytes).equals(e.sha256())) {
            throw new IOException("pretrained model " + name + " is corrupt: " + source.describe(e.file()) + " has "
                    + (bytes.length != e.bytes() ? (bytes.length > e.bytes() ? "more than " : "") + bytes.length + " bytes, the index says "
                            + e.bytes() : "another SHA-256 than the index's " + e.sha256()));
        }
        Path tmp = Files.createTempFile("dna-model-", ".dna");
        try {
            Files.write(tmp, bytes);
            return TrainedRestorer.load(tmp);
        } catch (IOException ex) {
            throw new IOException("pretrained model " + name + " (" + source.describe(e.file()) + ") cannot be read: "
                    + ex.getMessage().replace(tmp.toString(), e.file()), ex);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * {@code spec} as a model name: the part after {@link #PREFIX}, when {@code spec} starts with it.
     *
     * @param spec what a user typed, e.g. {@code pretrained:denoise-awgn-unet32} or a path
     * @return the model's name, or empty when {@code spec} is not a zoo name
     */
    public static Optional<String> nameOf(String spec) {
        return spec != null && spec.startsWith(PREFIX) ? Optional.of(spec.substring(PREFIX.length())) : Optional.empty();
    }

    /**
     * A dna model as the tools take it from a user: {@code pretrained:NAME} from {@link #builtIn()}, else a restorer.dna
     * or training checkpoint file ({@link TrainedRestorer#load}).
     *
     * @param spec {@code pretrained:NAME} or a file's path
     * @return the restorer
     * @throws IOException if the file or the pretrained model is missing, corrupt or not a restorer
     * @throws IllegalArgumentException listing the known names if there is no pretrained model of that name
     */
    public static TrainedRestorer loadPretrainedOrFile(String spec) throws IOException {
        Optional<String> name = nameOf(spec);
        return name.isPresent() ? builtIn().load(name.get()) : TrainedRestorer.load(java.nio.file.Path.of(spec));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
