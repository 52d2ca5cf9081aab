package dev.dna.onnx;

import dev.dna.ort.OnnxRestorer;
import dev.dna.api.ImageRestorer;
import dev.dna.samediff.ModelZoo;
import dev.dna.samediff.TrainedRestorer;
import dev.dna.samediff.graph.RestorerNets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens a restorer file by its kind, for the tools that take "a model" from the user: an ONNX model ({@code .onnx}) in
 * ONNX Runtime; a dna restorer, training checkpoint ({@link TrainedRestorer#load}) or pretrained model in SameDiff when
 * it is dna's own UNet or DnCNN (its channels-last graph restores a 12-megapixel photograph in 38 s on two cores, ONNX
 * Runtime in 59 s), else, or when CUDA is asked for, exported to ONNX as it is opened ({@link OnnxExporter}, verified
 * against SameDiff) and run in ONNX Runtime, SameDiff if the export fails.
 */
public final class RestorerFiles {
    private RestorerFiles() {}

    /** An opened restorer, the engine it runs on (for messages), and what closing it releases. */
    public record Opened(ImageRestorer restorer, String engine, AutoCloseable resources) implements AutoCloseable {
        /**
         * Releases what the restorer holds (an ONNX Runtime session).
         *
         * @throws IOException if releasing fails, with the cause
         */
        @Override
        public void close() throws IOException {
            if (resources == null) {
                return;
            }
            try {
                resources.close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("cannot release the " + engine + " restorer: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Opens {@code model}; an ONNX model on ONNX Runtime's CUDA provider when {@code preferCuda} and available.
     *
     * @param model a {@code .dna} restorer or checkpoint, or an {@code .onnx} model
     * @param preferCuda whether to try ONNX Runtime's CUDA provider
     * @return the restorer and what it holds open; close it when done
     * @throws IOException naming the file if it is missing, unreadable or not a restorer
     */
    public static Opened open(Path model, boolean preferCuda) throws IOException {
        return openFile(model, preferCuda);
    }

    /**
     * Opens {@code model}: {@code pretrained:NAME} from dna's model zoo ({@link ModelZoo#builtIn()}), else a file as
     * {@link #open(Path, boolean)}.
     *
     * @param model {@code pretrained:NAME} or a file's path
     * @param preferCuda whether to try ONNX Runtime's CUDA provider
     * @return the restorer and what it holds open; close it when done
     * @throws IOException naming the file if it is missing, unreadable or not a restorer, or the pretrained model if it is
     *     corrupt
     * @throws IllegalArgumentException listing the known names if there is no pretrained model of that name
     */
    public static Opened open(String model, boolean preferCuda) throws IOException {
        return open(model, OnnxRestorer.Options.defaults().withCuda(preferCuda));
    }

    /**
     * Opens {@code model} as {@link #open(String, boolean)}; an ONNX model with {@code options}. A model without
     * dna's metadata and no padding multiple given is padded to the factor inferred from its graph (strides, pixel
     * unshuffles, window sizes; {@code DownsamplingFactor}).
     *
     * @param model {@code pretrained:NAME} or a file's path
     * @param options ONNX Runtime's options
     * @return the restorer and what it holds open; close it when done
     * @throws IllegalArgumentException if options other than the CUDA preference are given for a dna model (it carries
     *     its own)
     * @throws IOException as {@link #open(String, boolean)}
     */
    public static Opened open(String model, OnnxRestorer.Options options) throws IOException {
        java.util.Optional<String> name = ModelZoo.nameOf(model);
        boolean dnaOptions = options.valueRange().isPresent() || options.predicts().isPresent() || options.paddingMultiple() > 0;
        if (name.isPresent() || !model.toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            if (dnaOptions) {
                throw new IllegalArgumentException(model + " is a dna restorer: it records its value range, prediction and "
                        + "padding itself (those options are for ONNX models)");
            }
            return openDna(ModelZoo.loadPretrainedOrFile(model), name.isPresent() ? "pretrained" : "a dna restorer",
                    options.preferCuda());
        }
        Path file = Path.of(model);
        OnnxRestorer.Options o = options;
        if (o.paddingMultiple() == 0 && java.nio.file.Files.isRegularFile(file)) {
            onnx.Onnx.ModelProto m = OnnxImporter.parse(java.nio.file.Files.readAllBytes(file), file);
            boolean ours = m.getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals("dna.downsampling_factor"));
            if (!ours) {
                o = o.withPaddingMultiple(DownsamplingFactor.downsamplingFactor(m.getGraph()));
            }
        }
        OnnxRestorer r = OnnxRestorer.load(file, o);
        return new Opened(r, (r.onCuda() ? "ONNX Runtime, CUDA" : "ONNX Runtime, CPU")
                + (r.fixedSize().isPresent() ? ", fixed " + r.fixedSize().getAsInt() + "x" + r.fixedSize().getAsInt()
                        + " input: tiles of that size" : ", padded to a multiple of " + r.downsamplingFactor()), r);
    }

    private static Opened openFile(Path model, boolean preferCuda) throws IOException {
        if (model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            OnnxRestorer r = OnnxRestorer.load(model, OnnxRestorer.Options.defaults().withCuda(preferCuda));
            return new Opened(r, r.onCuda() ? "ONNX Runtime, CUDA" : "ONNX Runtime, CPU", r);
        }
        return openDna(TrainedRestorer.load(model), "a dna restorer", preferCuda);
    }

    /** A dna restorer in SameDiff's channels-last graph where it has one and CUDA is not asked for; else in ONNX Runtime. */
    static Opened openDna(TrainedRestorer restorer, String what, boolean preferCuda) {
        if (!preferCuda && RestorerNets.buildsChannelsLast(restorer.spec())) {
            return new Opened(restorer, "SameDiff, channels-last; " + what, null);
        }
        return onOnnxRuntime(restorer, what, preferCuda);
    }

    /**
     * {@code restorer} exported to ONNX (verified against SameDiff) and opened in ONNX Runtime; the restorer itself in
     * SameDiff when it cannot be exported, the reason in {@link Opened#engine}.
     */
    static Opened onOnnxRuntime(TrainedRestorer restorer, String what, boolean preferCuda) {
        try {
            OnnxRestorer r = OnnxExporter.toOnnxRuntime(restorer, OnnxRestorer.Options.defaults().withCuda(preferCuda));
            return new Opened(r, (r.onCuda() ? "ONNX Runtime, CUDA" : "ONNX Runtime, CPU") + "; " + what + ", exported to ONNX",
                    r);
        } catch (UnsupportedOpException | IllegalStateException | IOException e) { // e.g. a full or read-only temp folder
            return new Opened(restorer, "SameDiff; " + what + " (not on ONNX Runtime: " + e.getMessage() + ")", null);
        }
    }
}
