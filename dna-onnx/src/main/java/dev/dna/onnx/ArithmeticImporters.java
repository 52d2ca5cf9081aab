package dev.dna.onnx;

import static dev.dna.onnx.ImportHelpers.*;
import static dev.dna.onnx.ImportContext.i;
import static dev.dna.onnx.ImportContext.s;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ONNX importers of arithmetic (registered in {@link OpImporters}). */
final class ArithmeticImporters {
    private ArithmeticImporters() {}

    // arithmetic

    static void binary(ImportContext c, Onnx.NodeProto n, char op) {
        String a = n.getInput(0);
        String b = n.getInput(1);
        if (c.shapeValue(a) != null || c.shapeValue(b) != null) {
            shapeArithmetic(c, n, op);
            return;
        }
        boolean ca = c.isConstant(a);
        boolean cb = c.isConstant(b);
        if (ca && cb) {
            c.putConstant(out(n), fold(n, c.constant(a), c.constant(b), op));
            return;
        }
        if (cb && c.constant(b).length() == 1) {
            double k = c.constant(b).getDouble(0);
            SDVariable x = c.var(a);
            SDVariable y = switch (op) {
                case '+' -> x.add(k);
                case '-' -> x.sub(k);
                case '*' -> x.mul(k);
                default -> x.div(k);
            };
            c.put(out(n), y, c.shape(a));
            return;
        }
        if (ca && c.constant(a).length() == 1) {
            double k = c.constant(a).getDouble(0);
            SDVariable x = c.var(b);
            SDVariable y = switch (op) {
                case '+' -> x.add(k);
                case '-' -> x.rsub(k);
                case '*' -> x.mul(k);
                default -> x.rdiv(k);
            };
            c.put(out(n), y, c.shape(b));
            return;
        }
        SDVariable va = operand(c, a);
        SDVariable vb = operand(c, b);
        long[] sa = c.shape(a);
        long[] sb = c.shape(b);
        long[] so = broadcastShape(n, sa, sb);
        SameDiff sd = c.sameDiff();
        va = toRank(sd, va, sa, so.length);
        vb = toRank(sd, vb, sb, so.length);
        SDVariable y = switch (op) {
            case '+' -> va.add(vb);
            case '-' -> va.sub(vb);
            case '*' -> Arrays.equals(sa, so) && !Arrays.equals(sb, so) ? mulBroadcast(c, va, vb, so)
                    : Arrays.equals(sb, so) && !Arrays.equals(sa, so) ? mulBroadcast(c, vb, va, so) : va.mul(vb);
            default -> va.div(vb);
        };
        c.put(out(n), y, so);
    }

    /**
     * Integer arithmetic on shape values (sizes computed at run time): int64 throughout, division truncating as ONNX's;
     * the entries known at import time are computed too.
     */
    static void shapeArithmetic(ImportContext c, Onnx.NodeProto n, char op) {
        long[][] known = new long[2][];
        SDVariable[] v = new SDVariable[2];
        long[] shape = {};
        for (int k = 0; k < 2; k++) {
            String name = n.getInput(k);
            if (c.shapeValue(name) != null) {
                known[k] = c.shapeValue(name);
                v[k] = c.var(name);
                shape = c.shape(name);
            } else {
                INDArray value = c.constant(name);
                if (value == null) {
                    throw unsupported(n, "arithmetic between a shape value and a tensor computed from images");
                }
                known[k] = OnnxTensors.longs(value);
                v[k] = c.sameDiff().constant(c.freshConstantName("shape_k"), value.castTo(DataType.INT64).reshape(-1));
            }
        }
        int len = Math.max(known[0].length, known[1].length);
        long[] r = new long[len];
        for (int k = 0; k < len; k++) {
            long x = known[0][known[0].length == 1 ? 0 : k];
            long y = known[1][known[1].length == 1 ? 0 : k];
            r[k] = x < 0 || y < 0 ? -1 : switch (op) {
                case '+' -> x + y;
                case '-' -> x - y;
                case '*' -> x * y;
                default -> y == 0 ? -1 : x / y;
            };
        }
        SDVariable y = switch (op) {
            case '+' -> v[0].add(v[1]);
            case '-' -> v[0].sub(v[1]);
            case '*' -> v[0].mul(v[1]);
            default -> v[0].div(v[1]);
        };
        c.putShapeValue(out(n), y, r, shape);
    }

    /** A float initializer operand is a weight (trainable); other constants stay constants. */
    static SDVariable operand(ImportContext c, String name) {
        INDArray v = c.constant(name);
        if (v != null && c.isConstant(name) && v.dataType().isFPType() && c.isInitializer(name)) {
            return c.weight(name);
        }
        return c.var(name);
    }

    static SDVariable toRank(SameDiff sd, SDVariable v, long[] shape, int rank) {
        if (shape.length == rank) {
            return v;
        }
        long[] t = new long[rank];
        Arrays.fill(t, 1);
        System.arraycopy(shape, 0, t, rank - shape.length, shape.length);
        return sd.reshape(v, t);
    }

    static long[] broadcastShape(Onnx.NodeProto n, long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] o = new long[r];
        for (int k = 0; k < r; k++) {
            long x = k - (r - a.length) >= 0 ? a[k - (r - a.length)] : 1;
            long y = k - (r - b.length) >= 0 ? b[k - (r - b.length)] : 1;
            if (x == 1) {
                o[k] = y;
            } else if (y == 1 || x == y) {
                o[k] = x;
            } else if (x < 0 || y < 0) {
                o[k] = Math.max(x, y);
            } else {
                throw unsupported(n, "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
            }
        }
        return o;
    }

    /** Constant folding of elementwise arithmetic (same shapes, or one side a scalar). */
    static INDArray fold(Onnx.NodeProto n, INDArray a, INDArray b, char op) {
        boolean integer = !a.dataType().isFPType() && !b.dataType().isFPType();
        double[] x = OnnxTensors.doubles(a);
        double[] y = OnnxTensors.doubles(b);
        if (x.length != y.length && x.length != 1 && y.length != 1) {
            throw unsupported(n, "folding constants of shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
        int len = Math.max(x.length, y.length);
        double[] r = new double[len];
        for (int k = 0; k < len; k++) {
            double u = x[x.length == 1 ? 0 : k];
            double v = y[y.length == 1 ? 0 : k];
            r[k] = switch (op) {
                case '+' -> u + v;
                case '-' -> u - v;
                case '*' -> u * v;
                default -> integer ? Math.floor(u / v) : u / v;
            };
        }
        long[] shape = x.length >= y.length ? a.shape() : b.shape();
        INDArray out = shape.length == 0 ? Nd4j.scalar(r[0]) : Nd4j.create(r, shape, DataType.DOUBLE);
        return integer ? out.castTo(DataType.INT64) : out;
    }

    static void concat(ImportContext c, Onnx.NodeProto n) {
        List<String> in = n.getInputList();
        long axis = i(n, "axis", 0);
        if (in.stream().anyMatch(x -> c.shapeValue(x) != null)) { // a shape assembled from run-time and fixed sizes
            List<Long> known = new ArrayList<>();
            SDVariable[] parts = new SDVariable[in.size()];
            for (int k = 0; k < in.size(); k++) {
                long[] kv = c.shapeValue(in.get(k));
                if (kv == null) {
                    INDArray v = c.constant(in.get(k));
                    if (v == null) {
                        throw unsupported(n, "a shape assembled from a tensor computed from images");
                    }
                    kv = OnnxTensors.longs(v);
                    parts[k] = c.sameDiff().constant(c.freshConstantName("shape_part"), v.castTo(DataType.INT64).reshape(-1));
                } else {
                    parts[k] = c.var(in.get(k));
                }
                for (long x : kv) {
                    known.add(x);
                }
            }
            long[] kv = known.stream().mapToLong(Long::longValue).toArray();
            c.putShapeValue(out(n), c.sameDiff().concat(0, parts), kv, kv.length);
            return;
        }
        if (in.stream().allMatch(c::isConstant)) {
            INDArray[] parts = in.stream().map(c::constant).map(a -> a.rank() == 0 ? a.reshape(1) : a).toArray(INDArray[]::new);
            long ax = axis < 0 ? axis + parts[0].rank() : axis;
            c.putConstant(out(n), Nd4j.concat((int) ax, parts));
            return;
        }
        long[] s0 = c.shape(in.get(0)).clone();
        int ax = (int) (axis < 0 ? axis + s0.length : axis);
        SDVariable[] vars = new SDVariable[in.size()];
        long total = 0;
        for (int k = 0; k < in.size(); k++) {
            vars[k] = c.var(in.get(k));
            long d = c.shape(in.get(k))[ax];
            total = total < 0 || d < 0 ? -1 : total + d;
        }
        s0[ax] = total;
        c.put(out(n), c.sameDiff().concat(ax, vars), s0);
    }

    static void constant(ImportContext c, Onnx.NodeProto n) {
        Onnx.AttributeProto a = n.getAttributeCount() == 1 ? n.getAttribute(0) : null;
        if (a == null) {
            throw unsupported(n, "a Constant node needs exactly one value attribute");
        }
        INDArray v = switch (a.getName()) {
            case "value" -> OnnxTensors.toArray(a.getT());
            case "value_float" -> Nd4j.scalar((double) a.getF());
            case "value_floats" -> Nd4j.createFromArray(a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray());
            case "value_int" -> Nd4j.scalar(a.getI());
            case "value_ints" -> Nd4j.createFromArray(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            default -> throw unsupported(n, "a Constant with " + a.getName());
        };
        c.putConstant(out(n), v);
    }
}
