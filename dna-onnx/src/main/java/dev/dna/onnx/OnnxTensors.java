package dev.dna.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ONNX {@code TensorProto} to ND4J arrays (float and integer tensors, raw or typed data; no external data). */
public final class OnnxTensors {
    /** The largest tensor read: 2^28 values. */
    public static final long MAX_VALUES = 1L << 28;

    private OnnxTensors() {}

    /**
     * What is wrong with {@code t}'s declared size, or empty when its dims are sane and its data holds exactly the values
     * they declare (raw bytes or typed values; external data is not checked here): ONNX Runtime refuses such a tensor
     * when it loads the model, and so must every reader of dna before it allocates anything by the declared size.
     *
     * @param t a tensor read from an untrusted model
     * @return what is wrong, naming the tensor, or empty when its data match its shape
     */
    public static java.util.Optional<String> sizeProblem(Onnx.TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                return java.util.Optional.of("tensor '" + t.getName() + "' has a negative dimension " + d);
            }
            if (d != 0 && n > MAX_VALUES / d) {
                return java.util.Optional.of("tensor '" + t.getName() + "' declares dims " + t.getDimsList() + ", more than "
                        + MAX_VALUES + " values");
            }
            n *= d;
        }
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            return java.util.Optional.empty();
        }
        Onnx.TensorProto.DataType type = Onnx.TensorProto.DataType.forNumber(t.getDataType());
        long bytes = switch (type == null ? Onnx.TensorProto.DataType.UNDEFINED : type) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL -> 1;
            default -> -1;
        };
        long held;
        if (!t.getRawData().isEmpty()) {
            if (bytes < 0) {
                return java.util.Optional.empty();
            }
            if (t.getRawData().size() != n * bytes) {
                return java.util.Optional.of("tensor '" + t.getName() + "' declares dims " + t.getDimsList() + " (" + n
                        + " values, " + n * bytes + " bytes) but holds " + t.getRawData().size() + " bytes");
            }
            return java.util.Optional.empty();
        }
        held = t.getFloatDataCount() + t.getDoubleDataCount() + t.getInt64DataCount() + t.getInt32DataCount()
                + t.getUint64DataCount() + t.getStringDataCount();
        if (held != n && !(n == 0 && held == 0)) {
            return java.util.Optional.of("tensor '" + t.getName() + "' declares dims " + t.getDimsList() + " (" + n
                    + " values) but holds " + held);
        }
        return java.util.Optional.empty();
    }

    /** The tensor's values: FLOAT/DOUBLE as DOUBLE arrays, INT64/INT32 as LONG arrays. */
    static INDArray toArray(Onnx.TensorProto t) {
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' keeps its data in an external file; "
                    + "save the model with its weights inside (onnx.save_model(..., save_as_external_data=False))");
        }
        sizeProblem(t).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        int count = Math.toIntExact(n);
        ByteBuffer raw = t.getRawData().isEmpty() ? null : t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        Onnx.TensorProto.DataType type = Onnx.TensorProto.DataType.forNumber(t.getDataType());
        if (type == null) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' has unknown data type " + t.getDataType());
        }
        switch (type) {
            case FLOAT, DOUBLE -> {
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    if (raw != null) {
                        v[i] = type == Onnx.TensorProto.DataType.FLOAT ? raw.getFloat() : raw.getDouble();
                    } else {
                        v[i] = type == Onnx.TensorProto.DataType.FLOAT ? t.getFloatData(i) : t.getDoubleData(i);
                    }
                }
                return shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.create(v, shape, DataType.DOUBLE);
            }
            case INT64, INT32 -> {
                long[] v = new long[count];
                for (int i = 0; i < count; i++) {
                    if (raw != null) {
                        v[i] = type == Onnx.TensorProto.DataType.INT64 ? raw.getLong() : raw.getInt();
                    } else {
                        v[i] = type == Onnx.TensorProto.DataType.INT64 ? t.getInt64Data(i) : t.getInt32Data(i);
                    }
                }
                return shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.createFromArray(v).reshape(shape);
            }
            default -> throw new IllegalArgumentException("tensor '" + t.getName() + "' is " + type
                    + "; the importer reads FLOAT, DOUBLE, INT64 and INT32 tensors");
        }
    }

    /** The values as longs (shapes, pads, axes). */
    static long[] longs(INDArray a) {
        return a.castTo(DataType.INT64).dup('c').data().asLong();
    }

    /** The values as doubles (scales). */
    static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }
}
