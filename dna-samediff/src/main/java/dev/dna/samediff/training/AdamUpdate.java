package dev.dna.samediff.training;

import dev.dna.api.spec.OptimizerSpec;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's Adam ({@code torch.optim.Adam}, L2 weight decay added to the gradient), in place on ND4J arrays
 * with one scratch array and no temporaries:
 * <pre>
 *   g' = g + wd w
 *   m  = beta1 m + (1 - beta1) g'
 *   v  = beta2 v + (1 - beta2) g'^2
 *   w  = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 */
public final class AdamUpdate {
    private AdamUpdate() {}

    /**
     * One step {@code t >= 1} on parameter {@code w} with gradient {@code g} at the optimizer's base learning rate;
     * {@code m}, {@code v} and {@code w} are updated in place, {@code scratch} (same shape) is overwritten, {@code g} is
     * read only.
     *
     * @param o Adam's settings
     * @param t the step, from 1
     * @param w the weights
     * @param g the gradient
     * @param m the first moment
     * @param v the second moment
     * @param scratch working space
     */
    public static void apply(OptimizerSpec o, long t, INDArray w, INDArray g, INDArray m, INDArray v, INDArray scratch) {
        apply(o, o.learningRate(), t, w, g, m, v, scratch);
    }

    /**
     * {@link #apply(OptimizerSpec, long, INDArray, INDArray, INDArray, INDArray, INDArray)} at learning rate {@code lr}.
     *
     * @param o Adam's settings
     * @param lr this step's learning rate
     * @param t the step, from 1
     * @param w the weights
     * @param g the gradient
     * @param m the first moment
     * @param v the second moment
     * @param scratch working space
     */
    public static void apply(OptimizerSpec o, double lr, long t, INDArray w, INDArray g, INDArray m, INDArray v,
            INDArray scratch) {
        double bc1 = 1 - Math.pow(o.beta1(), t);
        double bc2 = 1 - Math.pow(o.beta2(), t);
        INDArray s = scratch;
        if (o.weightDecay() > 0) {
            g = g.add(w.mul(o.weightDecay()));
        }
        m.muli(o.beta1()).addi(s.assign(g).muli(1 - o.beta1()));
        v.muli(o.beta2()).addi(s.assign(g).muli(g).muli(1 - o.beta2()));
        Nd4j.getExecutioner().exec(new Sqrt(v, s));
        s.divi(Math.sqrt(bc2)).addi(o.epsilon());
        w.subi(s.rdivi(m).muli(lr / bc1));
    }
}
