package dev.dna.ort;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.dna.api.ImageRestorer;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.spec.Prediction;
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
    private final Prediction predicts;
    private final boolean cuda;
    /** The side of a fixed-size model's square input, or -1 for dynamic H and W. */
    private final int fixed;

    private OnnxRestorer(OrtEnvironment env, OrtSession session, int factor, ValueRange range, Prediction predicts,
            String inputName, boolean cuda, int fixed) {
        this.fixed = fixed;
        this.env = env;
        this.predicts = predicts;
        this.session = session;
        this.factor = factor;
        this.range = range;
        this.inputName = inputName;
        this.cuda = cuda;
    }

    /** Padding multiple for a model without dna metadata: enough for a network that halves its input 4 times. */
    public static final int FOREIGN_FACTOR = 16;

    /**
     * How {@link #load(Path, Options)} reads a model (DJL's {@code Criteria} style: an immutable value, each field set by
     * name). Defaults: the model's dna metadata for the value range, prediction and padding multiple (a model without
     * it: [0, 1], the restored image, a multiple of {@value #FOREIGN_FACTOR}); the CPU; ONNX Runtime's own thread count.
     *
     * @param valueRange the range of the model's input and output; empty: the metadata's, or [0, 1]
     * @param predicts what the model outputs: the restored image, the residual {@code y - x} or the noise {@code x - y};
     *     empty: the metadata's {@code dna.predicts}, or the restored image
     * @param paddingMultiple pad height and width to a multiple of this; 0: the metadata's, or {@value #FOREIGN_FACTOR}
     * @param preferCuda try ONNX Runtime's CUDA provider (the ort-cuda profile's onnxruntime_gpu and a GPU), falling back to
     *     the CPU
     * @param intraOpThreads ONNX Runtime's intra-op threads: 1 when several threads share one restorer (sessions may run
     *     concurrently), so that they do not oversubscribe the cores; 0: ORT's default (all cores)
     */
    public record Options(java.util.Optional<ValueRange> valueRange, java.util.Optional<Prediction> predicts,
            int paddingMultiple, boolean preferCuda, int intraOpThreads) {
        /** Checks the components: an exception names any that is missing or out of range. */
        public Options {
            checkNotNull(valueRange, "valueRange");
            checkNotNull(predicts, "predicts");
            com.google.common.base.Preconditions.checkArgument(paddingMultiple >= 0, "paddingMultiple must be >= 0, got %s",
                    paddingMultiple);
            com.google.common.base.Preconditions.checkArgument(intraOpThreads >= 0, "intraOpThreads must be >= 0, got %s",
                    intraOpThreads);
        }

        /** {@return the defaults: everything from the model's metadata, the CPU, ORT's own thread count} */
        public static Options defaults() {
            return new Options(java.util.Optional.empty(), java.util.Optional.empty(), 0, false, 0);
        }

        /**
         * These options with the model's value range given (instead of read from its metadata).
         *
         * @param range the range of the model's input and output values
         * @return the new options
         */
        public Options withValueRange(ValueRange range) {
            return new Options(java.util.Optional.of(range), predicts, paddingMultiple, preferCuda, intraOpThreads);
        }

        /**
         * These options with what the model outputs given (instead of read from its metadata).
         *
         * @param prediction the restored image, the residual or the noise
         * @return the new options
         */
        public Options withPredicts(Prediction prediction) {
            return new Options(valueRange, java.util.Optional.of(prediction), paddingMultiple, preferCuda, intraOpThreads);
        }

        /**
         * These options padding height and width to a multiple of {@code multiple}.
         *
         * @param multiple at least 1 (1: no padding)
         * @return the new options
         */
        public Options withPaddingMultiple(int multiple) {
            return new Options(valueRange, predicts, multiple, preferCuda, intraOpThreads);
        }

        /**
         * These options trying (or not) ONNX Runtime's CUDA provider first.
         *
         * @param prefer whether to try CUDA first (the CPU if it cannot start)
         * @return the new options
         */
        public Options withCuda(boolean prefer) {
            return new Options(valueRange, predicts, paddingMultiple, prefer, intraOpThreads);
        }

        /**
         * These options with {@code threads} intra-op threads (0: ONNX Runtime's default).
         *
         * @param threads at least 0
         * @return the new options
         */
        public Options withIntraOpThreads(int threads) {
            return new Options(valueRange, predicts, paddingMultiple, preferCuda, threads);
        }
    }

    /**
     * Loads a model written by dna-onnx's {@code OnnxExporter} (or any restorer, see {@link Options}), on the CPU.
     *
     * @param model the {@code .onnx} file
     * @return the restorer; close it when done
     * @throws IOException naming the file if it is missing, not ONNX, or not shaped like a restorer
     */
    public static OnnxRestorer load(Path model) throws IOException {
        return load(model, Options.defaults());
    }

    /**
     * Loads a model as {@code options} say. The input and output must be [N, 3, H, W] float with dynamic H and W; that is
     * checked here, not at the first image.
     *
     * @param model the {@code .onnx} file
     * @param options what to take instead of the model's metadata, and where to run
     * @return the restorer; close it when done
     * @throws IOException naming the file if it is missing, not ONNX, or not shaped like a restorer
     */
    public static OnnxRestorer load(Path model, Options options) throws IOException {
        checkNotNull(options, "options");
        ValueRange range = options.valueRange().orElse(null);
        Prediction predicts = options.predicts().orElse(null);
        int factor = options.paddingMultiple();
        boolean preferCuda = options.preferCuda();
        int intraOpThreads = options.intraOpThreads();
        checkNotNull(model, "model");
        if (!Files.isRegularFile(model)) {
            throw new NoSuchFileException(model.toString(), null, "no such ONNX model file");
        }
        OrtEnvironment env = OrtRuntime.environment();
        boolean cuda = false;
        OrtSession session = null;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (intraOpThreads > 0) {
                opts.setIntraOpNumThreads(intraOpThreads);
            }
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
            String p = meta.get("dna.predicts");
            if (session.getNumInputs() != 1 || session.getNumOutputs() != 1) {
                throw new IOException(model + " must have one input and one output, has " + session.getNumInputs() + " and "
                        + session.getNumOutputs());
            }
            String input = session.getInputNames().iterator().next();
            checkImageShape(model, "input", input, session.getInputInfo().get(input));
            String output = session.getOutputNames().iterator().next();
            checkImageShape(model, "output", output, session.getOutputInfo().get(output));
            int side = fixedSide(model, (ai.onnxruntime.TensorInfo) session.getInputInfo().get(input).getInfo());
            int padTo = side > 0 ? 1 : factor > 0 ? factor : f != null ? Integer.parseInt(f) : FOREIGN_FACTOR;
            ValueRange vr = range != null ? range : r != null ? ValueRange.valueOf(r) : ValueRange.ZERO_ONE;
            Prediction pr = predicts != null ? predicts : p != null ? Prediction.valueOf(p) : Prediction.RESTORED;
            OnnxRestorer out = new OnnxRestorer(env, session, padTo, vr, pr, input, cuda, side);
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

    /** An image tensor [N, 3, H, W] of floats, H and W dynamic; else an error naming the model, the value and its shape. */
    private static void checkImageShape(Path model, String what, String name, ai.onnxruntime.NodeInfo info) throws IOException {
        if (!(info.getInfo() instanceof ai.onnxruntime.TensorInfo t)) {
            throw new IOException(model + ": its " + what + " '" + name + "' is not a tensor; a restorer takes [N, 3, H, W] floats");
        }
        long[] shape = t.getShape();
        String seen = java.util.Arrays.toString(shape).replace("-1", "?") + " " + t.type;
        if (t.type != ai.onnxruntime.OnnxJavaType.FLOAT || shape.length != 4 || (shape[1] != 3 && shape[1] != -1)) {
            throw new IOException(model + ": its " + what + " '" + name + "' is " + seen + "; a restorer's is [N, 3, H, W] FLOAT "
                    + "(NCHW, RGB)");
        }
        if ((shape[2] > 0 || shape[3] > 0) && shape[2] != shape[3]) {
            throw new IOException(model + ": its " + what + " '" + name + "' has a fixed size " + seen + " that is not square; "
                    + "dna restores a fixed-size model in square tiles of its size: export it with a square or a dynamic size");
        }
    }

    /** The side of a fixed-size model's square input, or -1 when its height and width are dynamic. */
    private static int fixedSide(Path model, ai.onnxruntime.TensorInfo t) {
        long[] shape = t.getShape();
        return shape[2] > 0 ? (int) shape[2] : -1;
    }

    /**
     * A fixed-size model restores in overlapping tiles of its size (an image smaller than that is padded up to it by
     * edge replication); others as {@link ImageRestorer#tiling()}.
     */
    @Override
    public dev.dna.api.image.TiledInference tiling() {
        if (fixed < 0) {
            return ImageRestorer.super.tiling();
        }
        return new dev.dna.api.image.TiledInference(this::predict, 1, fixed, Math.min(dev.dna.api.image.TiledInference.DEFAULT_OVERLAP,
                Math.max(0, fixed / 4 - 1)));
    }

    /** {@return the side of a fixed-size model's input, or empty for a model of dynamic height and width} */
    public java.util.OptionalInt fixedSize() {
        return fixed > 0 ? java.util.OptionalInt.of(fixed) : java.util.OptionalInt.empty();
    }

    /** {@return whether the session runs on the CUDA provider} */
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
        if (fixed > 0 && (x.height() != fixed || x.width() != fixed)) { // a smaller tile: padded to the model's size, cropped
            dev.dna.api.image.Image[] padded = new dev.dna.api.image.Image[x.size()];
            for (int i = 0; i < x.size(); i++) {
                padded[i] = dev.dna.api.image.TiledInference.replicatePad(x.image(i), fixed, fixed);
            }
            ImageBatch y = predict(ImageBatch.stack(padded));
            dev.dna.api.image.Image[] out = new dev.dna.api.image.Image[x.size()];
            for (int i = 0; i < x.size(); i++) {
                out[i] = y.image(i).crop(0, 0, x.height(), x.width());
            }
            return ImageBatch.stack(out);
        }
        float[] v = range.fromUnit(x.toArray());
        long[] shape = {x.size(), 3, x.height(), x.width()};
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
                OrtSession.Result r = session.run(Map.of(inputName, t))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            if (predicts != Prediction.RESTORED) { // y = x + residual, or x - noise, in the model's range
                float sign = predicts == Prediction.RESIDUAL ? 1f : -1f;
                for (int i = 0; i < out.length; i++) {
                    out[i] = v[i] + sign * out[i];
                }
            }
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
