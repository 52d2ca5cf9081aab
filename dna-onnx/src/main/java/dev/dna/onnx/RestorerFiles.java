package dev.dna.onnx;

import dev.dna.ort.OnnxRestorer;
import dev.dna.api.ImageRestorer;
import dev.dna.samediff.ModelZoo;
import dev.dna.samediff.TrainedRestorer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens a restorer file by its kind: an ONNX model ({@code .onnx}) in ONNX Runtime, else a dna restorer or training
 * checkpoint ({@link TrainedRestorer#load}) in SameDiff. For the tools that take "a model" from the user.
 */
public final class RestorerFiles {
    private RestorerFiles() {}

    /** An opened restorer, the engine it runs on (for messages), and what closing it releases. */
    public record Opened(ImageRestorer restorer, String engine, AutoCloseable resources) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (resources != null) {
                resources.close();
            }
        }
    }

    /**
     * Opens {@code model}; an ONNX model on ONNX Runtime's CUDA provider when {@code preferCuda} and available.
     *
     * @throws IOException naming the file if it is missing, unreadable or not a restorer
     */
    public static Opened open(Path model, boolean preferCuda) throws IOException {
        return openFile(model, preferCuda);
    }

    /**
     * Opens {@code model}: {@code pretrained:NAME} from dna's model zoo ({@link ModelZoo#builtIn()}), else a file as
     * {@link #open(Path, boolean)}.
     *
     * @throws IOException naming the file if it is missing, unreadable or not a restorer, or the pretrained model if it is
     *     corrupt
     * @throws IllegalArgumentException listing the known names if there is no pretrained model of that name
     */
    public static Opened open(String model, boolean preferCuda) throws IOException {
        java.util.Optional<String> name = ModelZoo.nameOf(model);
        if (name.isPresent()) {
            return new Opened(ModelZoo.builtIn().load(name.get()), "SameDiff, pretrained", null);
        }
        return openFile(Path.of(model), preferCuda);
    }

    private static Opened openFile(Path model, boolean preferCuda) throws IOException {
        if (model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            OnnxRestorer r = OnnxRestorer.load(model, OnnxRestorer.Options.defaults().withCuda(preferCuda));
            return new Opened(r, r.onCuda() ? "ONNX Runtime, CUDA" : "ONNX Runtime, CPU", r);
        }
        return new Opened(TrainedRestorer.load(model), "SameDiff", null);
    }
}
