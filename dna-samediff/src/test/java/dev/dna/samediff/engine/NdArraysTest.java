package dev.dna.samediff.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

public class NdArraysTest {
    @Test
    void bulkCopiesKeepEveryValueInCOrder() {
        float[] v = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i) * 1e3f + i;
        }
        long[] shape = {2, 3, 4, 5};
        INDArray a = NdArrays.of(v, shape, DataType.FLOAT);
        assertEquals(Nd4j.create(v, shape, 'c'), a);
        assertEquals(v[1 * 60 + 2 * 20 + 3 * 5 + 4], a.getFloat(1, 2, 3, 4));
        assertArrayEquals(v, NdArrays.toFloats(a));
        INDArray d = NdArrays.of(v, shape, DataType.DOUBLE);
        assertEquals(DataType.DOUBLE, d.dataType());
        assertArrayEquals(v, NdArrays.toFloats(d));
        // a view and an f-order array go through the element-wise path
        assertArrayEquals(new float[] {v[20], v[21], v[22], v[23], v[24]}, NdArrays.toFloats(a.get(
                org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.all())));
        assertArrayEquals(v, NdArrays.toFloats(a.dup('f')));
        assertThrows(IllegalArgumentException.class, () -> NdArrays.of(new float[3], shape, DataType.FLOAT));
    }
}
