package dev.dna.onnx;

import dev.dna.samediff.graph.Layers;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an {@link OpImporter} works with: the SameDiff graph being built (through {@link Layers}, so parameters get
 * the restorer's prefix and data type), and every ONNX tensor seen so far, either computed (an {@link SDVariable}
 * with its shape, -1 where known only at run time) or known now (a constant: {@code Constant} nodes, non-weight
 * initializers and folded shape arithmetic). Float initializers read through {@link #weight} become trainable
 * parameters starting at the file's values.
 */
public final class ImportContext {
    private final Layers layers;
    private final Map<String, INDArray> initializers;
    private final Map<String, SDVariable> vars = new HashMap<>();
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Map<String, INDArray> constants = new HashMap<>();
    private final Map<String, SDVariable> params = new HashMap<>();
    private int counter;

    ImportContext(Layers layers, Map<String, INDArray> initializers) {
        this.layers = layers;
        this.initializers = initializers;
    }

    /** {@return the layer builder the imported graph is built with (its initialisation stream, its name prefix)} */
    public Layers layers() {
        return layers;
    }

    /** {@return the graph the ONNX nodes are imported into} */
    public SameDiff sameDiff() {
        return layers.sameDiff();
    }

    /** A computed tensor with its shape. */
    private final Map<String, long[]> shapeValues = new java.util.HashMap<>();

    /**
     * Records ONNX value {@code name} as {@code v}, with its static shape (-1 for a dimension known only at run time).
     *
     * @param name the ONNX value's name, as the node's output names it
     * @param v the graph variable computing it
     * @param shape its static shape
     */
    public void put(String name, SDVariable v, long... shape) {
        vars.put(name, v);
        shapes.put(name, shape);
    }

    /**
     * A shape value: an int64 tensor computed at run time from the sizes of tensors (Shape and the arithmetic on it), with
     * what is known of its entries at import time ({@code known}, -1 where an entry is known only at run time). A scalar
     * entry is held as a vector of one ({@code shape} records the ONNX shape, [] for a scalar).
     *
     * @param name the ONNX value's name
     * @param v the graph variable computing it, a vector
     * @param known its entries as far as known at import time
     * @param shape its ONNX shape
     */
    public void putShapeValue(String name, SDVariable v, long[] known, long... shape) {
        put(name, v, shape);
        shapeValues.put(name, known.clone());
    }

    /**
     * What is known of a shape value's entries (-1: known only at run time), or null if {@code name} is not one.
     *
     * @param name an ONNX value's name
     * @return the entries, or null
     */
    public long[] shapeValue(String name) {
        long[] s = shapeValues.get(name);
        return s == null ? null : s.clone();
    }

    /**
     * A tensor known at import time (a {@code Constant} node's value, or folded arithmetic): never trained.
     *
     * @param name the ONNX value's name
     * @param value its value
     */
    public void putConstant(String name, INDArray value) {
        constants.put(name, value);
    }

    /**
     * Whether {@code name} is one of the file's initializers (a weight once read through {@link #weight}).
     *
     * @param name an ONNX value's name
     * @return whether the file declares it as an initializer
     */
    public boolean isInitializer(String name) {
        return initializers.containsKey(name) && !constants.containsKey(name);
    }

    /**
     * Whether {@code name} is known at import time (a constant, or an initializer not yet made a weight).
     *
     * @param name an ONNX value's name
     * @return whether its value is known now
     */
    public boolean isConstant(String name) {
        return constants.containsKey(name) || (initializers.containsKey(name) && !params.containsKey(name));
    }

    /**
     * The value of a tensor known at import time, or null.
     *
     * @param name an ONNX value's name
     * @return the value, or null
     */
    public INDArray constant(String name) {
        INDArray c = constants.get(name);
        return c != null ? c : initializers.get(name);
    }

    /**
     * The tensor as a graph variable: computed, a weight already made, or a constant put into the graph.
     *
     * @param name an ONNX value's name, put before or an initializer
     * @return the variable
     */
    public SDVariable var(String name) {
        SDVariable v = vars.get(name);
        if (v != null) {
            return v;
        }
        if (params.containsKey(name)) {
            return params.get(name);
        }
        INDArray c = constant(name);
        if (c == null) {
            throw new IllegalArgumentException("tensor '" + name + "' is used before it is computed");
        }
        SDVariable k = layers.constant("onnx/const" + (counter++), c.castTo(layers.dataType()));
        vars.put(name, k);
        shapes.put(name, c.shape());
        return k;
    }

    /**
     * The tensor's shape, -1 for sizes known only at run time.
     *
     * @param name an ONNX value's name
     * @return the shape
     */
    public long[] shape(String name) {
        long[] s = shapes.get(name);
        if (s != null) {
            return s;
        }
        INDArray c = constant(name);
        if (c != null) {
            return c.shape();
        }
        throw new IllegalArgumentException("tensor '" + name + "' is used before it is computed");
    }

    /**
     * The initializer {@code name} as a trainable parameter (created once, at its value in the file).
     *
     * @param name an initializer's name
     * @return the parameter
     */
    public SDVariable weight(String name) {
        return weight(name, initializers.get(name));
    }

    /**
     * A trainable parameter for initializer {@code name} starting at {@code value} (e.g. a BatchNorm-folded kernel).
     *
     * @param name an initializer's name
     * @param value the parameter's initial value
     * @return the parameter
     */
    public SDVariable weight(String name, INDArray value) {
        SDVariable p = params.get(name);
        if (p != null) {
            return p;
        }
        if (value == null) {
            throw new IllegalArgumentException("'" + name + "' must be a weight (an initializer), not a computed tensor");
        }
        p = layers.param("onnx/" + name.replaceAll("[^A-Za-z0-9._/-]", "_"), value);
        params.put(name, p);
        return p;
    }

    /**
     * A fresh name for an intermediate variable.
     *
     * @param base what the name starts from, for reading the graph
     * @return a name not yet used
     */
    public String fresh(String base) {
        return layers.prefix() + "onnx/" + base.replaceAll("[^A-Za-z0-9._/-]", "_") + "_" + (counter++);
    }

    /**
     * A fresh name, without the restorer's prefix, for a constant created through {@link Layers#constant}.
     *
     * @param base what the name starts from
     * @return a name not yet used
     */
    public String freshConstantName(String base) {
        return "onnx/" + base + "_" + (counter++);
    }

    /** Number of trainable parameters created. */
    int parameterCount() {
        return params.size();
    }

    static boolean static4(long[] s) {
        return s.length == 4 && Arrays.stream(s).allMatch(d -> d > 0);
    }

    // attributes

    static Onnx.AttributeProto attr(Onnx.NodeProto n, String name) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    static long[] ints(Onnx.NodeProto n, String name, long... fallback) {
        Onnx.AttributeProto a = attr(n, name);
        return a == null ? fallback : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    static long i(Onnx.NodeProto n, String name, long fallback) {
        Onnx.AttributeProto a = attr(n, name);
        return a == null ? fallback : a.getI();
    }

    static float f(Onnx.NodeProto n, String name, float fallback) {
        Onnx.AttributeProto a = attr(n, name);
        return a == null ? fallback : a.getF();
    }

    static String s(Onnx.NodeProto n, String name, String fallback) {
        Onnx.AttributeProto a = attr(n, name);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    /** The node's inputs; an empty name stands for an omitted optional input. */
    static List<String> inputs(Onnx.NodeProto n) {
        return n.getInputList();
    }

    static boolean has(Onnx.NodeProto n, int index) {
        return n.getInputCount() > index && !n.getInput(index).isEmpty();
    }
}
