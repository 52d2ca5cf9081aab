package dev.dna.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ONNX {@code TensorProto} to ND4J arrays (float and integer tensors, raw or typed data; no external data). */
final class OnnxTensors {
    private OnnxTensors() {}

    /** The tensor's values: FLOAT/DOUBLE as DOUBLE arrays, INT64/INT32 as LONG arrays. */
    static INDArray toArray(Onnx.TensorProto t) {
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' keeps its data in an external file; "
                    + "save the model with its weights inside (onnx.save_model(..., save_as_external_data=False))");
        }
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
        return a.castTo(DataType.LONG).dup('c').data().asLong();
    }

    /** The values as doubles (scales). */
    static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }
}
