package dev.dna.onnx;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.dna.api.image.Image;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.image.TiledInference;
import dev.dna.api.spec.ValueRange;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Restores images with an exported dna model in ONNX Runtime, with the same padding and tiling as the
 * SameDiff path ({@link TiledInference}). On the CUDA execution provider when asked for and available,
 * else on the CPU. Holds native resources: close it (try-with-resources).
 */
public final class OnnxRestorer implements AutoCloseable {
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

    public int downsamplingFactor() {
        return factor;
    }

    /** Restores one RGB image of any size: [3, H, W] in [0, 1] to the same shape, clipped to [0, 1]. */
    public Image restore(Image degraded) {
        checkNotNull(degraded, "degraded");
        checkArgument(degraded.channels() == 3, "the restorer takes RGB images with 3 channels, got %s (%s)",
                degraded.channels(), degraded.shapeString());
        return TiledInference.of(this::predict, factor).apply(degraded).clip();
    }

    /**
     * The model on a batch [N, 3, H, W] in [0, 1], H and W multiples of the downsampling factor; returns
     * [N, 3, H, W] in [0, 1], unclipped.
     */
    public ImageBatch predict(ImageBatch x) {
        checkArgument(x.channels() == 3, "the restorer takes 3 channels, got %s", x.channels());
        checkArgument(x.height() % factor == 0 && x.width() % factor == 0,
                "predict needs H and W that are multiples of %s, got %sx%s (restore() pads for you)", factor, x.height(),
                x.width());
        float[] v = x.toArray();
        if (range != ValueRange.ZERO_ONE) {
            for (int i = 0; i < v.length; i++) {
                v[i] = range.fromUnit(v[i]);
            }
        }
        long[] shape = {x.size(), 3, x.height(), x.width()};
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
                OrtSession.Result r = session.run(Map.of(inputName, t))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            if (range != ValueRange.ZERO_ONE) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = range.toUnit(out[i]);
                }
            }
            return ImageBatch.of(x.size(), 3, x.height(), x.width(), out);
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
