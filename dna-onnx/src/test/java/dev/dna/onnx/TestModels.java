package dev.dna.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Small ONNX models written in Java for the importer's tests: input {@code input} [N, 3, H, W] with symbolic N, H, W
 * (or fixed, or another channel count), float initializers with seeded random values, output {@code output}.
 */
final class TestModels {
    private final Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("test");
    private final SplittableRandom rnd = new SplittableRandom(7);
    private int opset = 17;
    private long channels = 3;
    private int counter;

    static TestModels create() {
        return new TestModels();
    }

    /** The test resource {@code fixtures/NAME} (PyTorch exports, fixtures/README.md) copied into {@code dir} once. */
    static Path fixture(Path dir, String name) throws IOException {
        Path f = dir.resolve(Path.of(name).getFileName().toString());
        if (!Files.exists(f)) {
            try (java.io.InputStream in = TestModels.class.getResourceAsStream("fixtures/" + name)) {
                Files.copy(in, f);
            }
        }
        return f;
    }

    TestModels opset(int v) {
        opset = v;
        return this;
    }

    TestModels inputChannels(long c) {
        channels = c;
        return this;
    }

    /** Adds a node reading {@code in} and writing a fresh tensor, whose name is returned. */
    String node(String op, String[] in, Onnx.AttributeProto... attrs) {
        String out = op.toLowerCase() + "_" + (counter++);
        Onnx.NodeProto.Builder n = g.addNodeBuilder().setOpType(op).setName(op + "_node_" + counter).addOutput(out);
        for (String i : in) {
            n.addInput(i);
        }
        for (Onnx.AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return out;
    }

    /** A node of {@code outputs} outputs (Split); returns their names. */
    String[] nodes(String op, String[] in, int outputs, Onnx.AttributeProto... attrs) {
        String first = node(op, in, attrs);
        Onnx.NodeProto.Builder n = g.getNodeBuilder(g.getNodeCount() - 1);
        String[] out = new String[outputs];
        out[0] = first;
        for (int k = 1; k < outputs; k++) {
            out[k] = first + "_" + k;
            n.addOutput(out[k]);
        }
        return out;
    }

    /** A float initializer with values uniform in [-scale, scale]. */
    String weight(String name, double scale, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return floats(name, dims, v);
    }

    String floats(String name, long[] dims, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        Onnx.TensorProto.Builder t = g.addInitializerBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return name;
    }

    String longs(String name, long... v) {
        Onnx.TensorProto.Builder t = g.addInitializerBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.INT64.getNumber())
                .addDims(v.length);
        for (long x : v) {
            t.addInt64Data(x);
        }
        return name;
    }

    /** Marks the last initializer's data as kept in an external file. */
    TestModels externalData() {
        int last = g.getInitializerCount() - 1;
        g.setInitializer(last, g.getInitializer(last).toBuilder().clearRawData()
                .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin")));
        return this;
    }

    Onnx.ModelProto model(String output, long... fixedHW) {
        Onnx.GraphProto.Builder gb = g.clone();
        gb.addInput(valueInfo("input", channels, fixedHW));
        gb.addNode(Onnx.NodeProto.newBuilder().setOpType("Identity").setName("to_output").addInput(output).addOutput("output"));
        gb.addOutput(valueInfo("output", 3, fixedHW));
        return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("dna-test").setGraph(gb)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
    }

    Path save(Path file, String output, long... fixedHW) throws IOException {
        Files.write(file, model(output, fixedHW).toByteArray());
        return file;
    }

    private static Onnx.ValueInfoProto valueInfo(String name, long c, long... fixedHW) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder()
                .addDim(fixedHW.length > 0 ? dim(1) : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(dim(c));
        for (String p : new String[] {"H", "W"}) {
            s.addDim(fixedHW.length > 0 ? dim(fixedHW[p.equals("H") ? 0 : 1]) : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(p));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber()).setShape(s))).build();
    }

    private static Onnx.TensorShapeProto.Dimension.Builder dim(long v) {
        return Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(v);
    }

    static Onnx.AttributeProto ints(String name, long... v) {
        return ConversionContext.ints(name, v);
    }

    static Onnx.AttributeProto i(String name, long v) {
        return ConversionContext.intAttr(name, v);
    }

    static Onnx.AttributeProto f(String name, float v) {
        return ConversionContext.floatAttr(name, v);
    }

    static Onnx.AttributeProto s(String name, String v) {
        return ConversionContext.stringAttr(name, v);
    }
}
