package dev.dna.samediff.engine;

import dev.dna.samediff.TrainingDivergedException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a NaN or an infinity first appears in one training step: for the message of a
 * {@link TrainingDivergedException}. Checks the feed, then the parameters, then runs the step once through
 * SameDiff's session (forward and backward) and names the first op, in execution order, whose inputs are all
 * finite and whose output is not: an op that overflowed, or an op with a broken derivative (the walk that, done
 * by hand, found M2.1's {@code swish} derivative NaN from 44.4). Only called once training has diverged.
 */
public final class NonFiniteOrigin {
    private NonFiniteOrigin() {}

    /**
     * A sentence naming where the first non-finite value of the step comes from, or saying that none was found
     * (the session's step was finite: the non-finite value came from elsewhere).
     *
     * @param sd the graph with its loss
     * @param feed the step's placeholder values
     * @param outputs the loss terms
     * @param params the trained parameters
     * @return one sentence
     */
    public static String describe(SameDiff sd, Map<String, INDArray> feed, List<String> outputs, List<String> params) {
        for (var e : feed.entrySet()) {
            if (!finite(e.getValue())) {
                return "the input '" + e.getKey() + "' fed to the step holds NaN or infinite values";
            }
        }
        for (String p : params) {
            if (!finite(sd.getVariable(p).getArr())) {
                return "parameter '" + p + "' already holds NaN or infinite values";
            }
        }
        Map<String, Double> amax = new HashMap<>(); // variable -> max |value|, NaN when not finite
        String[] origin = {null};
        OpWatch.gradientsAndOutputs(sd, feed, outputs, params, (s, op, out) -> {
            List<String> outNames = op.getOutputsOfOp();
            boolean outFinite = true;
            for (int i = 0; i < out.length; i++) {
                double m = maxAbs(out[i]);
                outFinite &= !Double.isNaN(m);
                if (outNames != null && i < outNames.size()) {
                    amax.put(outNames.get(i), m);
                }
            }
            if (outFinite || origin[0] != null) {
                return;
            }
            StringBuilder ins = new StringBuilder();
            List<String> inNames = op.getInputsToOp() == null ? List.of() : op.getInputsToOp();
            for (String in : inNames) {
                Double m = amax.get(in);
                if (m == null) {
                    SDVariable v = s.getVariable(in);
                    INDArray a = feed.containsKey(in) ? feed.get(in) : v == null ? null : v.getArr();
                    m = maxAbs(a);
                }
                if (Double.isNaN(m)) {
                    return; // a non-finite input: this op only passes it on
                }
                ins.append(ins.length() == 0 ? "" : ", ").append(in).append(String.format(Locale.ROOT, " (max |x| %.4g)", m));
            }
            origin[0] = "op '" + op.getName() + "' (" + op.getOp().opName() + ") turned finite inputs [" + ins
                    + "] into NaN or infinite values";
        });
        return origin[0] != null ? origin[0]
                : "the step run again through SameDiff's session produced no NaN or infinite value";
    }

    private static boolean finite(INDArray a) {
        return !Double.isNaN(maxAbs(a));
    }

    /**
     * max |a|, or NaN when {@code a} holds a NaN or an infinity; 0 for null, empty or integer arrays. (ND4J's
     * {@code amax} skips NaN, and a sum can overflow: a NaN shows in the sum, an infinity in {@code amax}.)
     */
    private static double maxAbs(INDArray a) {
        if (a == null || a.isEmpty() || !a.dataType().isFPType()) {
            return 0;
        }
        if (Double.isNaN(a.sumNumber().doubleValue())) {
            return Double.NaN;
        }
        double m = a.amaxNumber().doubleValue();
        return Double.isFinite(m) ? m : Double.NaN;
    }
}
