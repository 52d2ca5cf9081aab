package dev.dna.onnx;

import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spec.Prediction;
import dev.dna.api.spec.ValueRange;
import dev.dna.api.spi.OnnxModelReader;
import dev.dna.api.spi.OnnxModelStore;
import dev.dna.samediff.graph.ImportedRestorerBuilder;
import dev.dna.samediff.graph.Layers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Imports ONNX restorers (opsets {@value #MIN_OPSET}-{@value #MAX_OPSET}) in pure Java, with the protobuf classes
 * nd4j-api ships: {@link #read} checks a file and describes it as an {@link OnnxRestorerSpec} (behind
 * {@code Restorers.fromOnnx}); {@link #build} turns the file's graph into SameDiff ops whose weights are
 * trainable parameters starting at the file's initializers (behind the engine's {@code RestorerNets}). Both are
 * found through {@link java.util.ServiceLoader}. The op mappings are in {@link OpImporters}; BatchNormalization
 * after a convolution whose output nothing else reads is folded into that convolution first.
 */
public final class OnnxImporter implements OnnxModelReader, ImportedRestorerBuilder {
    /** The oldest ONNX opset imported. */
    public static final int MIN_OPSET = 11;
    /** The newest ONNX opset imported. */
    public static final int MAX_OPSET = 18;

    /** For {@link java.util.ServiceLoader}. */
    public OnnxImporter() {}

    @Override
    public OnnxRestorerSpec read(Path file) throws IOException {
        byte[] bytes = bytes(file);
        Onnx.ModelProto m = parse(bytes, file);
        Interface io = check(m, file);
        return new OnnxRestorerSpec(file.toAbsolutePath().normalize().toString(), sha256(bytes), io.input, io.output, io.shape,
                DownsamplingFactor.downsamplingFactor(m.getGraph()), Prediction.RESTORED, ValueRange.ZERO_ONE);
    }

    @Override
    public SDVariable build(Layers l, SDVariable x, OnnxRestorerSpec spec, ValueRange range, long n, long h, long w) {
        Onnx.ModelProto m;
        try {
            m = model(spec);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return build(l, x, m.getGraph(), spec, range, n, h, w);
    }

    /** The model of {@code spec}, checked against the recorded SHA-256 ({@link OnnxModelStore}: the file, or an embedded copy). */
    static Onnx.ModelProto model(OnnxRestorerSpec spec) throws IOException {
        return parse(OnnxModelStore.bytes(spec), Path.of(spec.file()));
    }

    static SDVariable build(Layers l, SDVariable x, Onnx.GraphProto g, OnnxRestorerSpec spec, ValueRange range, long n,
            long h, long w) {
        Map<String, INDArray> inits = new HashMap<>();
        for (Onnx.TensorProto t : g.getInitializerList()) {
            inits.put(t.getName(), OnnxTensors.toArray(t));
        }
        List<Onnx.NodeProto> nodes = BatchNormFolding.foldBatchNorm(g, inits);
        ImportContext c = new ImportContext(l, inits);
        double[] in = spec.valueRange().affineFrom(range);
        SDVariable xm = in[0] == 1 && in[1] == 0 ? x : x.mul(in[0]).add(in[1]);
        c.put(spec.inputName(), xm, n, 3, h, w);
        for (Onnx.NodeProto node : nodes) {
            OpImporter importer = OpImporters.get(node.getOpType());
            if (importer == null || !isDefaultDomain(node.getDomain())) {
                throw new UnsupportedNodeException(node, unsupportedMessage(node));
            }
            java.util.Set<String> before = new java.util.HashSet<>(c.sameDiff().getOps().keySet());
            try {
                importer.build(c, node);
            } catch (UnsupportedNodeException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("importing ONNX node '" + UnsupportedNodeException.nodeName(node) + "' ("
                        + node.getOpType() + ") failed: " + e.getMessage(), e);
            }
            if (n < 0) { // the inference graph, the one exported (training graphs have a batch size and may use other ops)
                checkExportable(c, node, before);
            }
        }
        SDVariable out = c.var(spec.outputName());
        double a = in[0];
        double b = in[1];
        return switch (spec.predicts()) {
            case RESTORED -> a == 1 && b == 0 ? out : out.sub(b).div(a);
            case RESIDUAL -> a == 1 ? out : out.div(a);
            case NOISE -> out.mul(-1 / a);
        };
    }

    /**
     * Refuses, before any training, a node that imports as SameDiff ops the exporter cannot write back to ONNX: the
     * adapted restorer could not be exported after training (the error names the ONNX node and its type, never a Java
     * registration call).
     */
    private static void checkExportable(ImportContext c, Onnx.NodeProto node, java.util.Set<String> before) {
        for (var e : c.sameDiff().getOps().entrySet()) {
            if (!before.contains(e.getKey())) {
                String op = e.getValue().getOp().opName();
                if (OpConverters.get(op) == null) {
                    throw new UnsupportedNodeException(node, "becomes SameDiff op '" + op + "', which dna cannot export back "
                            + "to ONNX, so the adapted model could not be written; no training was started");
                }
            }
        }
    }

    private static boolean isDefaultDomain(String d) {
        return d.isEmpty() || d.equals("ai.onnx");
    }

    private static String unsupportedMessage(Onnx.NodeProto node) {
        return (isDefaultDomain(node.getDomain()) ? "op type " + node.getOpType() : "domain '" + node.getDomain() + "'")
                + " is not supported (supported: " + OpImporters.supported() + ")";
    }

    private record Interface(String input, String output, List<Long> shape) {}

    /** The model's interface, or an IOException naming what makes it unusable as a restorer. */
    private static Interface check(Onnx.ModelProto m, Path file) throws IOException {
        Onnx.GraphProto g = m.getGraph();
        long opset = -1;
        for (Onnx.OperatorSetIdProto o : m.getOpsetImportList()) {
            if (isDefaultDomain(o.getDomain())) {
                opset = o.getVersion();
            }
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new IOException(file + ": ONNX opset " + opset + " is outside the supported " + MIN_OPSET + "-" + MAX_OPSET
                    + " (re-export with torch.onnx.export(..., opset_version=17))");
        }
        for (Onnx.TensorProto t : g.getInitializerList()) {
            java.util.Optional<String> size = OnnxTensors.sizeProblem(t);
            if (size.isPresent()) {
                throw new IOException(file + " is inconsistent: initializer " + size.get());
            }
            if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
                throw new IOException(file + ": initializer '" + t.getName() + "' keeps its data in an external file; save the "
                        + "model with its weights inside (onnx.save_model(model, path, save_as_external_data=False))");
            }
        }
        Set<String> initNames = new HashSet<>();
        g.getInitializerList().forEach(t -> initNames.add(t.getName()));
        List<Onnx.ValueInfoProto> inputs = g.getInputList().stream().filter(v -> !initNames.contains(v.getName())).toList();
        if (inputs.size() != 1) {
            throw new IOException(file + ": a restorer has one input, this model has " + inputs.size() + " "
                    + inputs.stream().map(Onnx.ValueInfoProto::getName).toList());
        }
        if (g.getOutputCount() != 1) {
            throw new IOException(file + ": a restorer has one output, this model has " + g.getOutputCount());
        }
        Onnx.ValueInfoProto in = inputs.get(0);
        List<Long> shape = new ArrayList<>();
        Onnx.TypeProto.Tensor tt = in.getType().getTensorType();
        for (Onnx.TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
            shape.add(d.hasDimValue() ? d.getDimValue() : -1L);
        }
        if (tt.getElemType() != Onnx.TensorProto.DataType.FLOAT.getNumber() || shape.size() != 4 || shape.get(1) != 3) {
            throw new IOException(file + ": input '" + in.getName() + "' is " + describe(tt) + "; a restorer takes RGB images as "
                    + "[N, 3, H, W] float (NCHW)");
        }
        Onnx.TypeProto.Tensor ot = g.getOutput(0).getType().getTensorType();
        if (ot.getElemType() != Onnx.TensorProto.DataType.FLOAT.getNumber()
                || (ot.hasShape() && ot.getShape().getDimCount() != 4 && ot.getShape().getDimCount() != 0)) {
            throw new IOException(file + ": output '" + g.getOutput(0).getName() + "' is " + describe(ot)
                    + "; a restorer returns [N, 3, H, W] float");
        }
        Map<String, String> unsupported = new LinkedHashMap<>();
        for (Onnx.NodeProto n : g.getNodeList()) {
            if (OpImporters.get(n.getOpType()) == null || !isDefaultDomain(n.getDomain())) {
                unsupported.putIfAbsent(n.getOpType(), UnsupportedNodeException.nodeName(n));
            }
        }
        if (!unsupported.isEmpty()) {
            var first = unsupported.entrySet().iterator().next();
            throw new IOException(file + ": op " + first.getKey() + " (node '" + first.getValue() + "') is not supported"
                    + (unsupported.size() > 1 ? ", nor " + new ArrayList<>(unsupported.keySet()).subList(1, unsupported.size()) : "")
                    + "; the importer supports " + OpImporters.supported());
        }
        return new Interface(in.getName(), g.getOutput(0).getName(), shape);
    }

    private static String describe(Onnx.TypeProto.Tensor t) {
        Onnx.TensorProto.DataType type = Onnx.TensorProto.DataType.forNumber(t.getElemType());
        List<String> dims = new ArrayList<>();
        for (Onnx.TensorShapeProto.Dimension d : t.getShape().getDimList()) {
            dims.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
        }
        return dims + " " + (type == null ? "type " + t.getElemType() : type.name().toLowerCase(java.util.Locale.ROOT));
    }

    static byte[] bytes(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("ONNX model " + file + " does not exist", e);
        }
    }

    static Onnx.ModelProto parse(byte[] bytes, Path file) throws IOException {
        Onnx.ModelProto m;
        try {
            m = Onnx.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(file + " is not an ONNX model (truncated or corrupt: " + e.getMessage() + ")", e);
        }
        if (!m.hasGraph() || m.getGraph().getNodeCount() == 0) {
            throw new IOException(file + " is not an ONNX model (no graph)");
        }
        return m;
    }

    static String sha256(byte[] bytes) {
        return OnnxModelStore.sha256(bytes);
    }
}
