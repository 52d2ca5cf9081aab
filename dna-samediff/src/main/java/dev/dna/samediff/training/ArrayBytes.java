package dev.dna.samediff.training;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads an array in ND4J's binary format ({@code Nd4j.write}) without ND4J's reader, which trusts the header: a length
 * field that lies makes it read past its buffer and crash the JVM. Every field is checked against the bytes there are,
 * then the array is built from the checked shape and the values alone. The format, as M2.1 writes it:
 * <pre>
 *   shape buffer: UTF allocation mode, long n, UTF "LONG", n longs: rank r, r dims, r strides, extras, element-wise
 *                 stride, order ('c' or 'f'), with n = 2 r + 4
 *   data buffer:  UTF allocation mode, long length, UTF data type, length elements (big-endian)
 * </pre>
 * The data must fill the rest of the bytes exactly, the length must be the product of the dims, and no array may hold
 * more than {@link #MAX_ELEMENTS} values.
 */
public final class ArrayBytes {
    /** The largest array read: 2^28 values (1 GiB of floats), far above any restorer's largest weight. */
    public static final long MAX_ELEMENTS = 1L << 28;
    /** The highest rank read. */
    public static final int MAX_RANK = 8;

    private static final Map<String, Integer> ELEMENT_BYTES = Map.of("FLOAT", 4, "DOUBLE", 8);

    private ArrayBytes() {}

    /**
     * The array in {@code bytes}.
     *
     * @param bytes an array in ND4J's binary format, untrusted
     * @param where names the array in messages (file and entry)
     * @return the array
     * @throws IOException naming {@code where} and the field that does not fit, if the bytes are not a well-formed array
     */
    public static INDArray read(byte[] bytes, String where) throws IOException {
        Header h = check(bytes, where);
        // built from the checked shape and the values alone: no field of the file's header reaches ND4J
        ByteBuffer data = ByteBuffer.wrap(bytes, bytes.length - (int) (h.length * h.elementBytes), (int) (h.length * h.elementBytes))
                .order(ByteOrder.BIG_ENDIAN);
        try {
            if (h.type.equals("FLOAT")) {
                float[] v = new float[(int) h.length];
                data.asFloatBuffer().get(v);
                return h.shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.create(v, h.shape, h.order);
            }
            double[] v = new double[(int) h.length];
            data.asDoubleBuffer().get(v);
            return h.shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.create(v, h.shape, h.order);
        } catch (RuntimeException e) {
            throw new IOException(where + " cannot be read as an array (" + e.getMessage() + ")", e);
        }
    }

    /** What a checked header says: the shape, its order, the data type and how many values. */
    record Header(long[] shape, char order, String type, int elementBytes, long length) {}

    /** Checks the header of {@code bytes} against its length; see the class comment. */
    static Header check(byte[] bytes, String where) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            utf(in, where, "shape allocation mode");
            long n = in.readLong();
            if (n < 4 || n > 2L * MAX_RANK + 4) {
                throw bad(where, "its shape header says " + n + " values (a rank-r array has 2 r + 4, r <= " + MAX_RANK + ")");
            }
            String shapeType = utf(in, where, "shape data type");
            if (!shapeType.equals("LONG")) {
                throw bad(where, "its shape is of type '" + shapeType + "', not LONG");
            }
            long rank = in.readLong();
            if (rank < 0 || rank > MAX_RANK || n != 2 * rank + 4) {
                throw bad(where, "its rank " + rank + " does not fit a shape header of " + n + " values");
            }
            long elements = 1;
            long[] dims = new long[(int) rank];
            for (int i = 0; i < rank; i++) {
                long d = in.readLong();
                if (d < 0 || d > MAX_ELEMENTS) {
                    throw bad(where, "dimension " + i + " is " + d);
                }
                dims[i] = d;
                elements *= d;
                if (elements > MAX_ELEMENTS) {
                    throw bad(where, "it would hold more than " + MAX_ELEMENTS + " values");
                }
            }
            String shape = java.util.Arrays.toString(dims);
            for (long i = rank + 1; i < n - 1; i++) {
                in.readLong(); // strides, extras, element-wise stride: the array is rebuilt contiguous from its shape
            }
            long order = in.readLong();
            if (order != 'c' && order != 'f') {
                throw bad(where, "its order is " + order + ", neither 'c' nor 'f'");
            }
            utf(in, where, "data allocation mode");
            long length = in.readLong();
            String type = utf(in, where, "data type");
            Integer size = ELEMENT_BYTES.get(type);
            if (size == null) {
                throw bad(where, "its data type '" + type + "' is not one dna reads (FLOAT, DOUBLE)");
            }
            if (length != Math.max(elements, rank == 0 ? 1 : elements)) {
                throw bad(where, "its data says " + length + " values, its shape " + shape + " holds " + elements);
            }
            long rest = in.available();
            if (rest != length * size) {
                throw bad(where, "its " + length + " " + type + " values need " + length * size + " bytes, the entry has " + rest);
            }
            return new Header(dims, (char) order, type, size, length);
        } catch (EOFException | UTFDataFormatException e) {
            throw bad(where, "it ends inside its header");
        }
    }

    private static String utf(DataInputStream in, String where, String field) throws IOException {
        if (in.available() < 2) {
            throw bad(where, "it ends before its " + field);
        }
        String s = in.readUTF();
        if (s.length() > 64) {
            throw bad(where, "its " + field + " is not a name (" + s.length() + " characters)");
        }
        return s;
    }

    private static IOException bad(String where, String why) {
        return new IOException(where + " is not a valid array: " + why);
    }
}
