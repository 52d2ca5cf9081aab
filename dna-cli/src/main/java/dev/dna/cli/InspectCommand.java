package dev.dna.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dna.api.AdaptationPlan;
import dev.dna.samediff.ModelZoo;
import dev.dna.samediff.TrainedRestorer;
import dev.dna.samediff.training.Checkpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.zip.ZipFile;
import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dna inspect FILE}: what a model, checkpoint or plan file is. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Say what a file is: an ONNX model (inputs, outputs, ops, parameters, metadata), a dna restorer, a "
                + "training checkpoint (step, plan) or a plan (.json).")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "restorer.onnx, restorer.dna, checkpoint.dna, plan.json, "
            + "or pretrained:NAME")
    Path file;

    @picocli.CommandLine.Option(names = "--pretrained", description = "list dna's pretrained models (the names that "
            + "pretrained:NAME takes)")
    boolean pretrained;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (pretrained || file == null) {
            if (file != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give FILE or --pretrained, not both");
            }
            if (!pretrained) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "FILE is missing (or --pretrained lists "
                        + "dna's pretrained models)");
            }
            listPretrained(o);
            return 0;
        }
        java.util.Optional<String> name = ModelZoo.nameOf(file.toString());
        if (name.isPresent()) {
            ModelZoo zoo = ModelZoo.builtIn();
            ModelZoo.Entry e = zoo.entry(name.get());
            TrainedRestorer r = zoo.load(e.name());
            long params = r.weights().values().stream().mapToLong(INDArray::length).sum();
            o.printf(Locale.ROOT, "%s: pretrained dna restorer %s, %,d parameters, SHA-256 %s%n  %s%n", file, r.spec().describe(),
                    params, e.sha256(), e.description());
            return 0;
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".onnx")) {
            onnx(o);
        } else if (n.endsWith(".json")) {
            AdaptationPlan p = plan(Files.readString(file), "plan file " + file);
            o.println(file + ": dna plan, " + p.steps() + " steps");
            o.println("  " + p);
        } else {
            dna(o);
        }
        return 0;
    }

    private static void listPretrained(PrintWriter o) {
        ModelZoo zoo = ModelZoo.builtIn();
        if (zoo.entries().isEmpty()) {
            o.println("no pretrained models in this build");
        }
        for (ModelZoo.Entry e : zoo.entries()) {
            o.printf(Locale.ROOT, "pretrained:%s  (%,d bytes)%n  %s%n", e.name(), e.bytes(), e.description());
        }
    }

    private static AdaptationPlan plan(String json, String where) throws IOException {
        try {
            return AdaptationPlan.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + " is not a readable dna plan: " + e.getMessage(), e);
        }
    }

    private void dna(PrintWriter o) throws IOException {
        JsonNode meta;
        try (ZipFile zip = Checkpoints.open(file)) {
            meta = Checkpoints.meta(zip, file, null);
        }
        if (meta == null) {
            throw new IOException(file + " is not a dna file: its meta.json is empty");
        }
        String format = meta.path("format").asText("");
        AdaptationPlan p = plan(meta.path("plan").asText(), file.toString());
        TrainedRestorer r = TrainedRestorer.load(file); // reads every array: a corrupt file fails here
        long params = r.weights().values().stream().mapToLong(INDArray::length).sum();
        if (format.equals("dna-restorer/1")) {
            o.printf(Locale.ROOT, "%s: dna restorer (%s), %,d parameters, trained %d steps%n", file, format, params, p.steps());
        } else {
            o.printf(Locale.ROOT, "%s: dna training checkpoint (%s) at step %d of %d; its restorer has %,d parameters%s%n", file,
                    format, meta.path("step").asLong(), p.steps(), params, meta.has("best_step")
                            ? String.format(Locale.ROOT, "; best validation so far %.2f dB at step %d", meta.path("best_psnr").asDouble(),
                                    meta.path("best_step").asLong())
                            : "");
        }
        o.println("  plan: " + p);
    }

    private void onnx(PrintWriter o) throws IOException {
        Onnx.ModelProto m;
        try {
            m = Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
            throw new IOException(file + " is not a readable ONNX model (" + e.getMessage() + ")", e);
        }
        StringBuilder opsets = new StringBuilder();
        for (Onnx.OperatorSetIdProto s : m.getOpsetImportList()) {
            opsets.append(opsets.length() == 0 ? "" : ", ").append(s.getDomain().isEmpty() ? "ai.onnx" : s.getDomain()).append(' ')
                    .append(s.getVersion());
        }
        o.printf(Locale.ROOT, "%s: ONNX model, IR version %d, opset %s, producer %s %s%n", file, m.getIrVersion(), opsets,
                m.getProducerName(), m.getProducerVersion());
        Onnx.GraphProto g = m.getGraph();
        for (Onnx.ValueInfoProto v : g.getInputList()) {
            o.println("  input  " + v.getName() + " " + shape(v));
        }
        for (Onnx.ValueInfoProto v : g.getOutputList()) {
            o.println("  output " + v.getName() + " " + shape(v));
        }
        Map<String, Integer> ops = new TreeMap<>();
        g.getNodeList().forEach(nd -> ops.merge(nd.getOpType(), 1, Integer::sum));
        long params = 0;
        for (Onnx.TensorProto t : g.getInitializerList()) {
            java.util.Optional<String> problem = dev.dna.onnx.OnnxTensors.sizeProblem(t);
            if (problem.isPresent()) {
                throw new IOException(file + " is inconsistent: initializer " + problem.get() + " (ONNX Runtime refuses it too)");
            }
            long k = 1;
            for (long d : t.getDimsList()) {
                k *= d;
            }
            params += k;
        }
        o.printf(Locale.ROOT, "  %d nodes %s; %d initializers, %,d values%n", g.getNodeCount(), ops, g.getInitializerCount(), params);
        for (Onnx.StringStringEntryProto e : m.getMetadataPropsList()) {
            String v = e.getValue();
            if (e.getKey().equals("dna.plan")) {
                v = plan(v, "the dna.plan metadata of " + file).toString();
            }
            o.println("  metadata " + e.getKey() + " = " + v);
        }
        o.println("  " + adaptable());
    }

    /**
     * Whether {@code dna adapt --init} can take the model: it is read as a restorer, imported as a trainable graph and built
     * for inference (every node, and its export back to ONNX); else the first node that stops it.
     */
    private String adaptable() {
        try {
            dev.dna.api.spec.OnnxRestorerSpec spec = dev.dna.api.Restorers.fromOnnx(file);
            int f = spec.downsamplingFactor();
            int patch = spec.fixedHeight() > 0 ? (int) spec.fixedHeight() : Math.max(16, f * 2);
            TrainedRestorer.initial(dev.dna.api.Adaptation.of(spec).patchSize(patch).build());
            return "adaptable: yes (dna adapt --init " + file.getFileName() + "; pads to a multiple of " + f
                    + (spec.fixedHeight() > 0 ? "; fixed " + spec.fixedHeight() + "x" + spec.fixedWidth() + " input" : "") + ")";
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return "adaptable: no: " + why.replace(file.toString() + ": ", "");
        }
    }

    private static String shape(Onnx.ValueInfoProto v) {
        if (!v.getType().hasTensorType()) {
            return "(not a tensor)";
        }
        Onnx.TypeProto.Tensor t = v.getType().getTensorType();
        StringBuilder sb = new StringBuilder("[");
        for (Onnx.TensorShapeProto.Dimension d : t.getShape().getDimList()) {
            sb.append(sb.length() == 1 ? "" : ", ").append(d.hasDimValue() ? Long.toString(d.getDimValue())
                    : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
        }
        return sb.append("] ").append(Onnx.TensorProto.DataType.forNumber(t.getElemType())).toString();
    }
}
