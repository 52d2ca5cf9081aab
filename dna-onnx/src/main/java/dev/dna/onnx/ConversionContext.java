package dev.dna.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * What an {@link OpConverter} works with: the SameDiff graph being exported and the ONNX graph being
 * built. Tensor names are SameDiff's variable names, so a node's inputs are its SameDiff inputs.
 */
public final class ConversionContext {
    private final SameDiff sd;
    private final Onnx.GraphProto.Builder graph;
    private final Set<String> initializers = new HashSet<>();
    private int counter;

    ConversionContext(SameDiff sd, Onnx.GraphProto.Builder graph) {
        this.sd = sd;
        this.graph = graph;
    }

    /** {@return the graph being exported} */
    public SameDiff sameDiff() {
        return sd;
    }

    /**
     * Input names of {@code op} in the SameDiff graph.
     *
     * @param op an op of the graph
     * @return its input names, in order
     */
    public String[] inputs(SameDiffOp op) {
        return op.getInputsToOp().toArray(String[]::new);
    }

    /**
     * Output names of {@code op} in the SameDiff graph.
     *
     * @param op an op of the graph
     * @return its output names, in order
     */
    public String[] outputs(SameDiffOp op) {
        return op.getOutputsOfOp().toArray(String[]::new);
    }

    /**
     * The value of a constant or variable input (weights), or null for a computed tensor.
     *
     * @param name a SameDiff variable's name
     * @return its value, or null
     */
    public INDArray constantValue(String name) {
        var v = sd.getVariable(name);
        if (v == null || (v.getVariableType() != org.nd4j.autodiff.samediff.VariableType.VARIABLE
                && v.getVariableType() != org.nd4j.autodiff.samediff.VariableType.CONSTANT)) {
            return null;
        }
        return v.getArr();
    }

    /**
     * A fresh tensor name derived from {@code base}.
     *
     * @param base what the name starts from, for reading the model
     * @return a name not yet used
     */
    public String fresh(String base) {
        return base + "__onnx" + (counter++);
    }

    /**
     * Adds a node; returns it for attributes.
     *
     * @param opType the ONNX op, e.g. {@code Conv}
     * @param inputs its input names
     * @param outputs its output names
     * @return the node's builder
     */
    public Onnx.NodeProto.Builder node(String opType, String[] inputs, String... outputs) {
        Onnx.NodeProto.Builder n = graph.addNodeBuilder().setOpType(opType).setName(fresh(opType));
        for (String i : inputs) {
            n.addInput(i);
        }
        for (String o : outputs) {
            n.addOutput(o);
        }
        return n;
    }

    /**
     * Adds a float initializer named {@code name} (idempotent).
     *
     * @param name the initializer's name
     * @param value its value, written as float
     * @return {@code name}
     */
    public String floatInitializer(String name, INDArray value) {
        if (!initializers.contains(name)) {
            INDArray f = value.castTo(DataType.FLOAT).dup('c');
            addInitializer(name, Onnx.TensorProto.DataType.FLOAT, f.shape(), raw(f.data().asFloat()));
        }
        return name;
    }

    /**
     * Adds an initializer named {@code name} of {@code value}'s kind: int64 for integer arrays (shapes), else float.
     *
     * @param name the initializer's name
     * @param value its value
     * @return {@code name}
     */
    public String initializer(String name, INDArray value) {
        if (!value.dataType().isIntType()) {
            return floatInitializer(name, value);
        }
        if (!initializers.contains(name)) {
            addInitializer(name, Onnx.TensorProto.DataType.INT64, value.shape(),
                    raw(value.castTo(DataType.INT64).dup('c').data().asLong()));
        }
        return name;
    }

    /**
     * Adds a 1-D int64 initializer (shapes, axes, pads).
     *
     * @param base what the name starts from
     * @param values the entries
     * @return the initializer's name
     */
    public String longInitializer(String base, long... values) {
        String name = fresh(base);
        addInitializer(name, Onnx.TensorProto.DataType.INT64, new long[] {values.length}, raw(values));
        return name;
    }

    /**
     * Adds a scalar float initializer.
     *
     * @param base what the name starts from
     * @param value the scalar
     * @return the initializer's name
     */
    public String scalar(String base, float value) {
        String name = fresh(base);
        addInitializer(name, Onnx.TensorProto.DataType.FLOAT, new long[0], raw(new float[] {value}));
        return name;
    }

    /**
     * Adds a scalar int64 initializer (for arithmetic on shapes).
     *
     * @param base what the name starts from
     * @param value the scalar
     * @return the initializer's name
     */
    public String longScalar(String base, long value) {
        String name = fresh(base);
        addInitializer(name, Onnx.TensorProto.DataType.INT64, new long[0], raw(new long[] {value}));
        return name;
    }

    /** The one place an initializer enters the graph: its name, type, dims and little-endian raw data. */
    private void addInitializer(String name, Onnx.TensorProto.DataType type, long[] dims, ByteBuffer data) {
        Onnx.TensorProto.Builder t = graph.addInitializerBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(data));
        for (long d : dims) {
            t.addDims(d);
        }
        initializers.add(name);
    }

    private static ByteBuffer raw(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b;
    }

    private static ByteBuffer raw(long[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        return b;
    }

    static Onnx.AttributeProto ints(String name, long... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    static Onnx.AttributeProto intAttr(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
    }

    static Onnx.AttributeProto floatAttr(String name, float v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static Onnx.AttributeProto stringAttr(String name, String v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }
}
