package dev.dna.onnx;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.dna.api.ImageRestorer;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.spec.ValueRange;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Restores images with an exported dna model in ONNX Runtime, with the same padding and tiling as the
 * SameDiff path ({@link ImageRestorer#restore}). On the CUDA execution provider when asked for and available,
 * else on the CPU. Holds native resources: close it (try-with-resources).
 */
public final class OnnxRestorer implements ImageRestorer, AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final int factor;
    private final ValueRange range;
    private final String inputName;
    private final boolean cuda;

    private OnnxRestorer(OrtEnvironment env, OrtSession session, int factor, ValueRange range, String inputName, boolean cuda) {
        this.env = env;
        this.session = session;
        this.factor = factor;
        this.range = range;
        this.inputName = inputName;
        this.cuda = cuda;
    }

    /** Loads a model written by {@link OnnxExporter}, on the CPU. */
    public static OnnxRestorer load(Path model) throws IOException {
        return load(model, false);
    }

    /**
     * Loads a model; with {@code preferCuda}, tries ONNX Runtime's CUDA provider (needs the cuda profile's
     * onnxruntime_gpu and a GPU) and falls back to the CPU.
     *
     * @throws IOException naming the file if it is missing, not ONNX, or not a dna restorer
     */
    public static OnnxRestorer load(Path model, boolean preferCuda) throws IOException {
        checkNotNull(model, "model");
        if (!Files.isRegularFile(model)) {
            throw new NoSuchFileException(model.toString(), null, "no such ONNX model file");
        }
        OrtEnvironment env = OrtRuntime.environment();
        boolean cuda = false;
        OrtSession session = null;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (preferCuda) {
                try {
                    opts.addCUDA(0);
                    cuda = true;
                } catch (OrtException | RuntimeException e) {
                    cuda = false;
                }
            }
            session = env.createSession(model.toString(), opts);
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            String f = meta.get("dna.downsampling_factor");
            String r = meta.get("dna.value_range");
            if (f == null || r == null) {
                throw new IOException(model + " is an ONNX model but not a dna restorer (no dna.* metadata)");
            }
            if (session.getNumInputs() != 1 || session.getNumOutputs() != 1) {
                throw new IOException(model + " must have one input and one output, has " + session.getNumInputs() + " and "
                        + session.getNumOutputs());
            }
            String input = session.getInputNames().iterator().next();
            OnnxRestorer out = new OnnxRestorer(env, session, Integer.parseInt(f), ValueRange.valueOf(r), input, cuda);
            session = null;
            return out;
        } catch (OrtException e) {
            throw new IOException("cannot load ONNX model " + model + ": " + e.getMessage(), e);
        } finally {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException e) {
                    // already failing
                }
            }
        }
    }

    /** Whether the session runs on the CUDA provider. */
    public boolean onCuda() {
        return cuda;
    }

    @Override
    public int downsamplingFactor() {
        return factor;
    }

    @Override
    public ImageBatch predict(ImageBatch x) {
        ImageRestorer.checkBatch(x, factor);
        float[] v = range.fromUnit(x.toArray());
        long[] shape = {x.size(), 3, x.height(), x.width()};
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
                OrtSession.Result r = session.run(Map.of(inputName, t))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return ImageBatch.of(x.size(), 3, x.height(), x.width(), range.toUnit(out));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a " + x.shapeString() + " batch: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed", e);
        }
    }
}
