package dev.dna.samediff.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.spec.OptimizerSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

public class FlatParametersTest {

    static SameDiff graph(long seed) {
        SameDiff sd = SameDiff.create();
        Nd4j.getRandom().setSeed(seed);
        sd.var("a", Nd4j.rand(DataType.FLOAT, 3, 5, 7, 2));
        sd.var("b", Nd4j.rand(DataType.FLOAT, 13));
        sd.var("c", Nd4j.rand(DataType.FLOAT, 1, 1));
        sd.var("d", Nd4j.rand(DataType.FLOAT, 64, 33));
        return sd;
    }

    @Test
    void oneAdamUpdateOverTheFlatBuffersEqualsOnePerParameterBitForBit() {
        List<String> names = List.of("a", "b", "c", "d");
        for (OptimizerSpec o : List.of(OptimizerSpec.adam(1e-3), OptimizerSpec.adam(1e-3).withWeightDecay(0.01))) {
            SameDiff perParam = graph(1);
            SameDiff flatGraph = graph(1);
            FlatParameters flat = new FlatParameters(flatGraph, names, 2, DataType.FLOAT);
            Map<String, INDArray[]> state = new LinkedHashMap<>();
            for (String n : names) {
                INDArray w = perParam.getVariable(n).getArr();
                assertEquals(w, flatGraph.getVariable(n).getArr(), "values copied into the flat buffer");
                state.put(n, new INDArray[] {w, Nd4j.zerosLike(w), Nd4j.zerosLike(w), Nd4j.zerosLike(w)});
            }
            for (int t = 1; t <= 5; t++) {
                Map<String, INDArray> grads = new HashMap<>();
                for (String n : names) {
                    INDArray g = Nd4j.randn(DataType.FLOAT, state.get(n)[0].shape()).muli(t);
                    grads.put(n, g);
                    INDArray[] s = state.get(n);
                    AdamUpdate.apply(o, t, s[0], g, s[1], s[2], s[3]);
                }
                flat.gather(grads);
                flat.adam(o, t);
            }
            for (String n : names) {
                INDArray[] s = state.get(n);
                assertArrayEquals(s[0].data().asFloat(), flatGraph.getVariable(n).getArr().dup().data().asFloat(), n + " weight");
                assertArrayEquals(s[0].data().asFloat(), flat.weight(n).dup().data().asFloat(), n + " weight's flat view");
                assertArrayEquals(s[1].data().asFloat(), flat.firstMoment(n).dup().data().asFloat(), n + " first moment");
                assertArrayEquals(s[2].data().asFloat(), flat.secondMoment(n).dup().data().asFloat(), n + " second moment");
            }
            assertEquals(3 * 5 * 7 * 2 + 13, flat.leadingLength());
            INDArray leadingCopy = flat.leading(flat.w).dup();
            assertEquals(flat.weight("b"), flat.viewOf(leadingCopy, "b"), "a buffer laid out alike has the same views");
            assertArrayEquals(flat.w.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 223)).dup().data().asFloat(),
                    flat.leading(flat.w).dup().data().asFloat());
        }
    }

    @Test
    void pullingWeightsMirrorsValuesWrittenIntoTheGraph() {
        SameDiff sd = graph(3);
        FlatParameters flat = new FlatParameters(sd, List.of("a", "b"), 1, DataType.FLOAT);
        sd.getVariable("b").getArr().assign(4.5);
        flat.pullWeights();
        assertEquals(13 * 4.5, flat.weight("b").sumNumber().doubleValue(), 1e-4);
    }

    @Test
    void aMissingGradientIsAnErrorNotAStaleUpdate() {
        FlatParameters flat = new FlatParameters(graph(2), List.of("a", "b"), 0, DataType.FLOAT);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> flat.gather(Map.of("a", Nd4j.zeros(DataType.FLOAT, 3, 5, 7, 2))));
        assertTrue(e.getMessage().contains("parameter b"), e.getMessage());
    }

    @Test
    void theFirstParameterWithANonFiniteGradientIsNamed() {
        List<String> names = List.of("a", "b", "c", "d");
        FlatParameters flat = new FlatParameters(graph(3), names, 2, DataType.FLOAT);
        Map<String, INDArray> grads = new HashMap<>();
        for (String n : names) {
            grads.put(n, Nd4j.randn(DataType.FLOAT, flat.weight(n).shape()));
        }
        flat.gather(grads);
        assertEquals(null, flat.firstNonFiniteGradient(), "all finite");
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (String n : List.of("b", "d")) {
                INDArray g = grads.get(n).dup();
                g.putScalar(g.length() - 1, bad);
                Map<String, INDArray> poisoned = new HashMap<>(grads);
                poisoned.put(n, g);
                flat.gather(poisoned);
                assertEquals(n, flat.firstNonFiniteGradient(), bad + " in " + n);
            }
        }
        INDArray huge = Nd4j.valueArrayOf(flat.weight("d").shape(), 3e38f);
        Map<String, INDArray> overflowing = new HashMap<>(grads);
        overflowing.put("d", huge);
        flat.gather(overflowing);
        assertEquals("d", flat.firstNonFiniteGradient(), "finite values whose sum overflows float count too");
    }
}
