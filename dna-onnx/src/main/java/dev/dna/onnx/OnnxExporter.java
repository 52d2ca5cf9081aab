package dev.dna.onnx;

import dev.dna.ort.OnnxRestorer;
import dev.dna.ort.OrtRuntime;
import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.dna.api.io.AtomicFiles;
import dev.dna.api.random.Rngs;
import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spec.Prediction;
import dev.dna.api.spec.ValueRange;
import dev.dna.samediff.TrainedRestorer;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exports a {@link TrainedRestorer} to ONNX (opset {@value #OPSET}, IR 8): the restorer's graph from
 * {@code input} to {@code restored} (residual add included), weights as initializers, dynamic batch,
 * height and width ({@code [N, 3, H, W]}, H and W multiples of the downsampling factor; padding to it
 * is the caller's, as in {@link OnnxRestorer}), and metadata: {@code dna.version}, {@code dna.plan}
 * (the plan's JSON), {@code dna.value_range}, {@code dna.predicts}, {@code dna.downsampling_factor}. A restorer
 * imported from ONNX is exported in the interface it came with instead (names, declared shape, value range, prediction;
 * see {@link #toModel}), so that the adapted model replaces the original in the user's pipeline.
 *
 * <p>{@link #export} verifies the model in ONNX Runtime against SameDiff on random inputs at two sizes
 * (max absolute difference at most {@value #TOLERANCE}) before the file is written, atomically.
 */
public final class OnnxExporter {
    /** The ONNX opset of every exported model. */
    public static final int OPSET = 17;
    /** The largest |ONNX Runtime - SameDiff| an export accepts on its check inputs, in the model's value range. */
    public static final double TOLERANCE = 1e-4;
    static final String VERSION = "0.1.0-SNAPSHOT";

    private OnnxExporter() {}

    /**
     * Converts, verifies and writes {@code restorer} to {@code file}.
     *
     * @param restorer the restorer to export
     * @param file the {@code .onnx} file to write
     * @return the verification figures
     * @throws UnsupportedOpException naming the op if the graph has one without a converter (no file written)
     * @throws IllegalStateException if ONNX Runtime's output differs from SameDiff's (no file written)
     * @throws IOException if the file cannot be written
     */
    public static Verification export(TrainedRestorer restorer, Path file) throws IOException {
        SameDiff sd = graphToExport(restorer); // an imported restorer's is rebuilt from its ONNX model: once, for both
        Onnx.ModelProto model = toModel(restorer, sd);
        byte[] bytes = model.toByteArray();
        Verification v = verify(restorer, bytes, sd);
        if (!v.passed()) {
            throw new IllegalStateException("ONNX export does not match SameDiff: " + v + "; nothing was written to " + file);
        }
        AtomicFiles.write(file, out -> out.write(bytes));
        return v;
    }

    /**
     * {@code restorer} exported to ONNX ({@link #export}: converted and verified against SameDiff) and opened in ONNX
     * Runtime, with the same output as {@link TrainedRestorer#restore} to within {@value #TOLERANCE}: for ONNX Runtime's
     * CUDA provider, for calls from several threads at once (its sessions run concurrently; a {@code TrainedRestorer}'s
     * calls take turns), and for imported or custom networks, which SameDiff runs in NCHW (dna's UNet and DnCNN restore
     * faster in SameDiff's channels-last graph: 38 s against 59 s for a 4000 x 3000 photo on two cores). The model
     * passes through a temporary file, deleted before this returns. The caller closes the result.
     *
     * <pre>{@code
     * try (OnnxRestorer fast = OnnxExporter.toOnnxRuntime(denoiser, OnnxRestorer.Options.defaults())) {
     *     Images.writePng(fast.restore(Images.readRgb(photo)), out);
     * }
     * }</pre>
     *
     * @param restorer the restorer to run
     * @param options ONNX Runtime's options: the CUDA preference and the number of threads (the value range, prediction
     *     and padding are the restorer's own and may not be given)
     * @return a session over the exported model; close it when done
     * @throws UnsupportedOpException naming the op if the graph has one without a converter
     * @throws IllegalStateException if ONNX Runtime's output differs from SameDiff's
     * @throws IOException if the temporary file cannot be written
     * @throws IllegalArgumentException if {@code options} give a value range, prediction or padding
     */
    public static OnnxRestorer toOnnxRuntime(TrainedRestorer restorer, OnnxRestorer.Options options) throws IOException {
        checkNotNull(restorer, "restorer");
        checkNotNull(options, "options");
        checkArgument(options.valueRange().isEmpty() && options.predicts().isEmpty() && options.paddingMultiple() == 0,
                "the restorer records its value range, prediction and padding itself: give only ONNX Runtime's options "
                        + "(CUDA, threads)");
        Path tmp = java.nio.file.Files.createTempFile("dna-restorer-", ".onnx");
        try {
            export(restorer, tmp);
            return OnnxRestorer.load(tmp, options);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    /**
     * The ONNX model of {@code restorer}, unverified. A restorer imported from ONNX keeps the interface of the model
     * it came from: the same input and output names, declared shape (fixed sizes stay fixed), value range and
     * prediction ({@link TrainedRestorer#importedInterfaceGraph()}); metadata {@code dna.predicts} says which.
     *
     * @param restorer the restorer to convert
     * @return the model, not yet verified
     */
    public static Onnx.ModelProto toModel(TrainedRestorer restorer) {
        checkNotNull(restorer, "restorer");
        return toModel(restorer, graphToExport(restorer));
    }

    /** The graph the export holds: the imported model's interface for an imported restorer, else the restorer's own. */
    private static SameDiff graphToExport(TrainedRestorer restorer) {
        return restorer.importedInterfaceGraph().orElseGet(restorer::sameDiff);
    }

    private static Onnx.ModelProto toModel(TrainedRestorer restorer, SameDiff sd) {
        OnnxRestorerSpec imported = restorer.spec() instanceof OnnxRestorerSpec o ? o : null;
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("dna_restorer");
        ConversionContext ctx = new ConversionContext(sd, g);
        Set<String> needed = neededOps(sd, TrainedRestorer.OUTPUT);
        for (SameDiffOp op : sd.getOps().values()) {
            if (!needed.contains(op.getName())) {
                continue;
            }
            OpConverter conv = OpConverters.get(op.getOp().opName());
            if (conv == null) {
                throw new UnsupportedOpException(op.getOp().opName(), "op '" + op.getName() + "' with inputs "
                        + op.getInputsToOp(), "no converter is registered (supported: " + OpConverters.supported()
                        + "); register one with OpConverters.register");
            }
            conv.convert(ctx, op);
        }
        List<Long> shape = imported != null ? imported.inputShape() : List.of(-1L, 3L, -1L, -1L);
        String input = imported != null ? imported.inputName() : TrainedRestorer.INPUT;
        String output = imported != null ? imported.outputName() : TrainedRestorer.OUTPUT;
        if (imported != null) {
            rename(g, TrainedRestorer.INPUT, input);
            rename(g, TrainedRestorer.OUTPUT, output);
        }
        g.addInput(valueInfo(input, shape));
        g.addOutput(valueInfo(output, shape));
        Onnx.ModelProto.Builder m = Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("dna")
                .setProducerVersion(VERSION).setGraph(g)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        meta(m, "dna.version", VERSION);
        meta(m, "dna.plan", restorer.planJson());
        meta(m, "dna.value_range", (imported != null ? imported.valueRange() : restorer.valueRange()).name());
        meta(m, "dna.predicts", (imported != null ? imported.predicts() : Prediction.RESTORED).name());
        meta(m, "dna.downsampling_factor", Integer.toString(restorer.spec().downsamplingFactor()));
        meta(m, "dna.restorer", restorer.spec().describe());
        return m.build();
    }

    /** Renames value {@code from} to {@code to} in every node; refuses a name the graph already uses otherwise. */
    private static void rename(Onnx.GraphProto.Builder g, String from, String to) {
        if (from.equals(to)) {
            return;
        }
        for (Onnx.NodeProto n : g.getNodeList()) {
            if (n.getInputList().contains(to) || n.getOutputList().contains(to)) {
                throw new IllegalStateException("cannot name the exported " + from + " '" + to + "' as the imported model did: "
                        + "the exported graph already has a value of that name (node " + n.getName() + ")");
            }
        }
        for (Onnx.TensorProto t : g.getInitializerList()) {
            checkArgument(!t.getName().equals(to), "cannot name the exported %s '%s': an initializer has that name", from, to);
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            Onnx.NodeProto.Builder n = g.getNodeBuilder(i);
            for (int j = 0; j < n.getInputCount(); j++) {
                if (n.getInput(j).equals(from)) {
                    n.setInput(j, to);
                }
            }
            for (int j = 0; j < n.getOutputCount(); j++) {
                if (n.getOutput(j).equals(from)) {
                    n.setOutput(j, to);
                }
            }
        }
    }

    private static void meta(Onnx.ModelProto.Builder m, String k, String v) {
        m.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v));
    }

    /** A float tensor [N, 3, H, W]; -1 dimensions are symbolic (N, H, W). */
    private static Onnx.ValueInfoProto valueInfo(String name, List<Long> dims) {
        String[] symbols = {"N", "C", "H", "W"};
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (int i = 0; i < 4; i++) {
            long d = dims.get(i);
            shape.addDim(d > 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d)
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(symbols[i]));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape))).build();
    }

    /** The ops the output depends on, walking back from it. */
    static Set<String> neededOps(SameDiff sd, String output) {
        Set<String> ops = new HashSet<>();
        Deque<String> vars = new ArrayDeque<>();
        vars.push(output);
        Set<String> seen = new LinkedHashSet<>();
        while (!vars.isEmpty()) {
            String v = vars.pop();
            if (!seen.add(v)) {
                continue;
            }
            var op = sd.getVariableOutputOp(v);
            if (op != null && ops.add(op.getOwnName())) {
                for (String in : sd.getOps().get(op.getOwnName()).getInputsToOp()) {
                    vars.push(in);
                }
            }
        }
        return ops;
    }

    /**
     * Parity of ONNX Runtime and SameDiff on random inputs.
     *
     * @param shapes the input shapes compared, each [N, 3, H, W] (an immutable list of immutable lists)
     */
    public record Verification(double maxAbsDiff, List<List<Integer>> shapes, boolean passed) {
        /** Checks the components (an exception names any missing or out of range) and copies the lists. */
        public Verification {
            shapes = shapes.stream().map(List::copyOf).toList();
        }

        static Verification of(double maxAbsDiff, int[][] shapes, boolean passed) {
            return new Verification(maxAbsDiff, java.util.Arrays.stream(shapes)
                    .map(s -> java.util.Arrays.stream(s).boxed().toList()).toList(), passed);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("max |ORT - SameDiff| = ").append(maxAbsDiff).append(" on");
            for (List<Integer> s : shapes) {
                sb.append(' ').append(s);
            }
            return sb.append(passed ? " (ok)" : " (over " + TOLERANCE + ")").toString();
        }
    }

    /**
     * Runs the model bytes in ONNX Runtime and SameDiff on two random batches of different sizes (the fixed size twice,
     * for a fixed-size import), inputs uniform in the model's value range; passes at {@value #TOLERANCE} times the
     * range's span.
     *
     * @param restorer the restorer the model was made from
     * @param model the serialized ONNX model
     * @return the largest difference found, the shapes tried and whether it passed
     */
    public static Verification verify(TrainedRestorer restorer, byte[] model) {
        return verify(restorer, model, graphToExport(restorer));
    }

    private static Verification verify(TrainedRestorer restorer, byte[] model, SameDiff sd) {
        OnnxRestorerSpec imported = restorer.spec() instanceof OnnxRestorerSpec o ? o : null;
        ValueRange range = imported != null ? imported.valueRange() : ValueRange.ZERO_ONE;
        String input = imported != null ? imported.inputName() : TrainedRestorer.INPUT;
        int f = restorer.spec().downsamplingFactor();
        int a = f * Math.max(1, (24 + f - 1) / f);
        int b = a + 2 * f;
        int[][] shapes = {{2, 3, a, b}, {1, 3, b + f, a}};
        if (imported != null && imported.fixedHeight() > 0) {
            int h = (int) imported.fixedHeight();
            int w = (int) imported.fixedWidth();
            int n = (int) Math.max(1, imported.inputShape().get(0));
            shapes = new int[][] {{n, 3, h, w}, {n, 3, h, w}};
        } else if (imported != null && imported.inputShape().get(0) > 0) {
            int n = imported.inputShape().get(0).intValue();
            shapes = new int[][] {{n, 3, a, b}, {n, 3, b + f, a}};
        }
        double tolerance = TOLERANCE * range.span();
        double worst = 0;
        var rng = Rngs.create(20261122);
        OrtEnvironment env = OrtRuntime.environment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(model, opts)) {
            for (int[] s : shapes) {
                float[] x = new float[s[0] * s[1] * s[2] * s[3]];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (range.min() + (range.max() - range.min()) * rng.nextDouble());
                }
                INDArray in = Nd4j.create(x, new long[] {s[0], s[1], s[2], s[3]}, 'c');
                float[] expected = sd.output(Map.of(TrainedRestorer.INPUT, in), TrainedRestorer.OUTPUT)
                        .get(TrainedRestorer.OUTPUT).castTo(DataType.FLOAT).dup('c').data().asFloat();
                float[] actual;
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {s[0], s[1], s[2], s[3]});
                        OrtSession.Result r = session.run(Map.of(input, t))) {
                    FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    actual = new float[fb.remaining()];
                    fb.get(actual);
                }
                if (actual.length != expected.length) {
                    return Verification.of(Double.POSITIVE_INFINITY, shapes, false);
                }
                for (int i = 0; i < actual.length; i++) {
                    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime rejected the exported model: " + e.getMessage(), e);
        }
        return Verification.of(worst, shapes, worst <= tolerance);
    }
}
