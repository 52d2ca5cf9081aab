package dev.dna.samediff.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.random.Rngs;
import dev.dna.samediff.engine.Quiet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Central-difference gradient check in double precision (M2.1's GradCheckUtil throws an NPE): for up to
 * {@code perParam} random entries of every listed parameter, compares SameDiff's gradient with
 * {@code (L(w + h) - L(w - h)) / 2h}, h = 1e-5.
 */
public final class GradCheck {
    static final double H = 1e-5;

    private GradCheck() {}

    /** Checks and returns the worst relative error; fails listing every bad entry. */
    public static double check(SameDiff sd, Map<String, INDArray> feed, String loss, List<String> params, int perParam,
            double maxRelError) {
        sd.setLossVariables(loss); // named, not inferred: a graph may hold other terminal variables (an unused split part)
        Quiet.createGradFunction(sd);
        Map<String, INDArray> grads = sd.calculateGradients(feed, params.toArray(String[]::new));
        UniformRandomProvider rng = Rngs.create(42);
        double worst = 0;
        List<String> bad = new ArrayList<>();
        for (String p : params) {
            INDArray w = sd.getVariable(p).getArr();
            INDArray gr = grads.get(p);
            assertTrue(gr != null, "no gradient for " + p);
            long len = w.length();
            for (int k = 0; k < Math.min(perParam, len); k++) {
                long i = len <= perParam ? k : rng.nextLong(len);
                double orig = w.getDouble(i);
                w.putScalar(i, orig + H);
                double plus = sd.output(feed, loss).get(loss).getDouble(0);
                w.putScalar(i, orig - H);
                double minus = sd.output(feed, loss).get(loss).getDouble(0);
                w.putScalar(i, orig);
                double numeric = (plus - minus) / (2 * H);
                double analytic = gr.getDouble(i);
                double denom = Math.abs(numeric) + Math.abs(analytic);
                double rel = denom < 1e-8 ? 0 : Math.abs(numeric - analytic) / denom;
                if (Math.abs(numeric - analytic) < 1e-9) {
                    rel = 0;
                }
                worst = Math.max(worst, rel);
                if (rel > maxRelError) {
                    bad.add(p + "[" + i + "]: analytic " + analytic + ", numeric " + numeric + ", rel " + rel);
                }
            }
        }
        assertTrue(bad.isEmpty(), "gradient check failed for " + bad.size() + " entries:\n" + String.join("\n", bad));
        return worst;
    }
}
