package dev.dna.samediff.graph;

import dev.dna.api.AdaptationPlan;
import dev.dna.api.random.Rngs;
import dev.dna.api.spec.DiffusionSpec;
import dev.dna.api.spec.LossSpec;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.samediff.engine.Quiet;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The whole training step of a plan as one SameDiff graph (METHOD.md steps 1-7), for a fixed batch B
 * and patch size S.
 *
 * <p>Placeholders (fed by the trainer, every random one drawn in Java):
 * <pre>
 *   xs, ys   [B, 3, S, S]  synthetic degraded and clean        xr     [B, 3, S, S]  real degraded
 *   eps      [B, 3, S, S]  N(0, I) noise                        level  [B]           continuous noise level g
 *   keep1, keep2 [B, 1, 1, 1]  shuffle keep masks (1 - swapped) of the positive and the negative pass
 *   lambda   []            weight of the diffusion loss at this step
 *   res_weight []          weight of the restoration loss: 1 in training; 0 (with lambda) or 1 (with lambda 0)
 *                          to measure the gradient that one loss alone sends into the restorer
 *   D/resK/dropout [2B or B, C, s, s]  dropout masks (values 0 or 1/(1-p)), one per diffusion res block
 * </pre>
 * Graph: {@code R = G([xs; xr])} (one call on 2B samples), {@code ŷ_s = xs + R_s}, {@code ŷ_r = xr + R_r};
 * {@code x_t = sqrt(g) ys + sqrt(1-g) eps}; positive conditions {@code CS(ŷ_s, ŷ_r; keep1)}, negative
 * {@code CS(xs + R_r, xr + R_s; keep2)}, where {@code CS(a, b; m) = (m a + (1-m) b, m b + (1-m) a)};
 * both passes through EpsNet as one batch of 2B; losses as in {@link LossSpec}, {@code loss = res_weight
 * l_res + lambda l_noise}. A vanilla plan has only xs, ys and {@code loss = l_res}.
 *
 * <p>Variables: restorer parameters are named {@code G/...}, diffusion parameters {@code D/...}. Each
 * net is initialized from its own random stream of the plan's seed, so every ablation variant starts
 * from the same restorer.
 */
public final class JointGraph {
    /** Placeholder: synthetic degraded patches [B, 3, s, s]. */
    public static final String XS = "xs";
    /** Placeholder: their clean patches [B, 3, s, s]. */
    public static final String YS = "ys";
    /** Placeholder: real degraded patches [B, 3, s, s] (no clean side). */
    public static final String XR = "xr";
    /** Placeholder: the diffusion noise [B, 3, s, s], N(0, I). */
    public static final String EPS = "eps";
    /** Placeholder: each sample's continuous noise level g [B] (the signal's share in {@code x_t}). */
    public static final String LEVEL = "level";
    /** Placeholder: the positive pass's shuffle keep mask [B, 1, 1, 1] (1 keeps a sample's conditions in place, 0 swaps them). */
    public static final String KEEP1 = "keep1";
    /** Placeholder: the negative (residual-swap) pass's keep mask [B, 1, 1, 1]. */
    public static final String KEEP2 = "keep2";
    /** Placeholder: the diffusion loss's weight at this step [] (the ramp of {@link LossSpec}). */
    public static final String LAMBDA = "lambda";
    /** Placeholder: the restoration loss's weight [] (1 in training). */
    public static final String RES_WEIGHT = "res_weight";

    /** Output: the total loss [], {@code res_weight l_res + lambda l_noise}. */
    public static final String LOSS = "loss";
    /** Output: the restoration loss [] (Charbonnier on the synthetic pairs). */
    public static final String L_RES = "l_res";
    static final String MSE_POS = "mse_pos";
    static final String MSE_NEG = "mse_neg";
    /** The residual swap's triplet hinge (its mean over groups with {@code tripletGroups > 1}); {@code L_noise = 0.5 (mse_pos + hinge)}. */
    static final String HINGE = "hinge";
    /** Output: the diffusion loss []. */
    public static final String L_NOISE = "l_noise";
    static final String RESTORED_SYNTHETIC = "restored_synthetic";
    static final String RESTORED_REAL = "restored_real";
    static final String X_T = "x_t";
    static final String COND_POS = "cond_pos";
    static final String COND_NEG = "cond_neg";

    /** Name prefix of the restorer's parameters. */
    public static final String RESTORER_PREFIX = "G/";
    static final String DIFFUSION_PREFIX = "D/";

    /** The graph. */
    public final SameDiff sd;
    /** The plan it was built for. */
    public final AdaptationPlan plan;
    /** B, patches per domain and step. */
    public final int batch;
    /** s, the patch side. */
    public final int size;
    /** The diffusion net's dropout masks, placeholders fed each step. */
    public final List<EpsNet.DropoutMask> dropoutMasks;
    /** The names of the loss terms the trainer logs. */
    public final List<String> lossTerms;

    private JointGraph(SameDiff sd, AdaptationPlan plan, int batch, int size, List<EpsNet.DropoutMask> masks,
            List<String> lossTerms) {
        this.sd = sd;
        this.plan = plan;
        this.batch = batch;
        this.size = size;
        this.dropoutMasks = masks;
        this.lossTerms = lossTerms;
    }

    /**
     * The graph of {@code plan} at its batch and patch size.
     *
     * @param plan the plan
     * @param dt FLOAT, or DOUBLE for gradient tests
     * @return the graph
     */
    public static JointGraph build(AdaptationPlan plan, DataType dt) {
        return build(plan, dt, plan.batchSize(), plan.patchSize());
    }

    /**
     * The graph of {@code plan} for {@code batch} patches of side {@code size} per domain.
     *
     * @param plan the plan
     * @param dt FLOAT, or DOUBLE for gradient tests
     * @param batch patches per domain
     * @param size the patches' side in pixels
     * @return the graph
     */
    public static JointGraph build(AdaptationPlan plan, DataType dt, int batch, int size) {
        SameDiff sd = SameDiff.create();
        long b = batch;
        long s = size;
        RestorerSpec rs = plan.restorer();
        LossSpec ls = plan.loss();
        Layers g = new Layers(sd, dt, Rngs.stream(plan.seed(), "init/restorer"), RESTORER_PREFIX);
        SDVariable xs = sd.placeHolder(XS, dt, b, 3, s, s);
        SDVariable ys = sd.placeHolder(YS, dt, b, 3, s, s);

        if (!plan.usesDiffusion()) {
            SDVariable r = RestorerNets.build(g, xs, rs, plan.valueRange(), b, s, s);
            SDVariable yhat = sd.identity(RESTORED_SYNTHETIC, rs.residual() ? xs.add(r) : r);
            SDVariable lres = charbonnier(sd, ys, yhat, ls.charbonnierEpsilon());
            sd.identity(LOSS, lres);
            sd.setLossVariables(LOSS);
            Quiet.createGradFunction(sd);
            return new JointGraph(sd, plan, batch, size, List.of(), List.of(LOSS, L_RES));
        }

        DiffusionSpec ds = plan.diffusion().orElseThrow();
        SDVariable xr = sd.placeHolder(XR, dt, b, 3, s, s);
        SDVariable eps = sd.placeHolder(EPS, dt, b, 3, s, s);
        SDVariable level = sd.placeHolder(LEVEL, dt, b);
        SDVariable lambda = sd.placeHolder(LAMBDA, dt);
        SDVariable resWeight = sd.placeHolder(RES_WEIGHT, dt);

        // 1. the restorer, once on both domains
        SDVariable both = RestorerNets.build(g, sd.concat(0, xs, xr), rs, plan.valueRange(), 2 * b, s, s);
        SDVariable rSyn = sd.slice(both, new int[] {0, 0, 0, 0}, batch, 3, size, size);
        SDVariable rReal = sd.slice(both, new int[] {batch, 0, 0, 0}, batch, 3, size, size);
        SDVariable yhatS;
        SDVariable yhatR;
        if (rs.residual()) {
            yhatS = xs.add(rSyn);
            yhatR = xr.add(rReal);
        } else {
            yhatS = rSyn;
            yhatR = rReal;
            rSyn = rSyn.sub(xs);
            rReal = rReal.sub(xr);
        }
        yhatS = sd.identity(RESTORED_SYNTHETIC, yhatS);
        yhatR = sd.identity(RESTORED_REAL, yhatR);
        SDVariable lres = charbonnier(sd, ys, yhatS, ls.charbonnierEpsilon());

        // 2-3. noised synthetic clean image
        SDVariable g4 = sd.reshape(level, b, 1, 1, 1);
        SDVariable xt = g.mulBroadcast(ys, sd.math().sqrt(g4), b, 3, s, s)
                .add(g.mulBroadcast(eps, sd.math().sqrt(g4.rsub(1.0)), b, 3, s, s));

        // 4-6. conditions, shuffled; the negative pair swaps residuals
        SDVariable condS = yhatS;
        SDVariable condR = yhatR;
        SDVariable negS = xs.add(rReal);
        SDVariable negR = xr.add(rSyn);
        if (plan.detachConditions()) {
            condS = g.stopGradient(condS);
            condR = g.stopGradient(condR);
            negS = g.stopGradient(negS);
            negR = g.stopGradient(negR);
        }
        sd.identity(X_T, xt);
        SDVariable pos = sd.identity(COND_POS,
                conditioned(sd, g, xt, condS, condR, plan.channelShuffle() ? sd.placeHolder(KEEP1, dt, b, 1, 1, 1) : null,
                        b, 3, s, s));
        SDVariable epsIn = pos;
        SDVariable levels = level;
        long n = b;
        if (plan.residualSwap()) {
            SDVariable neg = sd.identity(COND_NEG, conditioned(sd, g, xt, negS, negR,
                    plan.channelShuffle() ? sd.placeHolder(KEEP2, dt, b, 1, 1, 1) : null, b, 3, s, s));
            epsIn = sd.concat(0, pos, neg);
            levels = sd.concat(0, level, level);
            n = 2 * b;
        }
        Layers d = new Layers(sd, dt, Rngs.stream(plan.seed(), "init/diffusion"), DIFFUSION_PREFIX);
        EpsNet net = EpsNet.build(d, ds, epsIn, levels, n, s);

        // 7. losses
        SDVariable ePos = plan.residualSwap() ? sd.slice(net.output, new int[] {0, 0, 0, 0}, batch, 3, size, size) : net.output;
        SDVariable sqPos = Layers.squared(eps.sub(ePos));
        SDVariable msePos = sd.identity(MSE_POS, sqPos.mean());
        SDVariable lnoise;
        List<String> terms = new ArrayList<>(List.of(LOSS, L_RES, MSE_POS));
        if (plan.residualSwap()) {
            SDVariable eNeg = sd.slice(net.output, new int[] {batch, 0, 0, 0}, batch, 3, size, size);
            SDVariable sqNeg = Layers.squared(eps.sub(eNeg));
            SDVariable mseNeg = sd.identity(MSE_NEG, sqNeg.mean());
            SDVariable triplet;
            int groups = ls.tripletGroups();
            if (groups == 1) {
                triplet = sd.nn().relu(msePos.sub(mseNeg).add(ls.tripletMargin()), 0);
            } else {
                // per group of B / groups samples: relu(mse_pos,g - mse_neg,g + margin), then the mean over groups
                long per = b / groups * 3 * s * s;
                SDVariable posG = sd.reshape(sqPos, groups, per).mean(1);
                SDVariable negG = sd.reshape(sqNeg, groups, per).mean(1);
                triplet = sd.nn().relu(posG.sub(negG).add(ls.tripletMargin()), 0).mean();
            }
            triplet = sd.identity(HINGE, triplet);
            lnoise = msePos.add(triplet).mul(LossSpec.NOISE_LOSS_SCALE);
            terms.add(MSE_NEG);
            terms.add(HINGE);
        } else {
            lnoise = msePos.mul(LossSpec.NOISE_LOSS_SCALE); // the same weight on mse_pos in every variant
        }
        lnoise = sd.identity(L_NOISE, lnoise);
        terms.add(L_NOISE);
        sd.identity(LOSS, resWeight.mul(lres).add(lambda.mul(lnoise)));
        sd.setLossVariables(LOSS);
        Quiet.createGradFunction(sd);
        return new JointGraph(sd, plan, batch, size, List.copyOf(net.dropoutMasks()), List.copyOf(terms));
    }

    /** {@code L_res = mean(sqrt((y - ŷ)^2 + epsilon))}, named {@value #L_RES}. */
    private static SDVariable charbonnier(SameDiff sd, SDVariable y, SDVariable yhat, double epsilon) {
        return sd.identity(L_RES, sd.math().sqrt(Layers.squared(y.sub(yhat)).add(epsilon)).mean());
    }

    /** {@code concat[x_t, CS(a, b; keep)]} along channels; without shuffle, {@code concat[x_t, a, b]}. */
    private static SDVariable conditioned(SameDiff sd, Layers l, SDVariable xt, SDVariable a, SDVariable b, SDVariable keep,
            long... shape) {
        if (keep == null) {
            return sd.concat(1, xt, a, b);
        }
        return sd.concat(1, xt, l.select(keep, a, b, shape), l.select(keep, b, a, shape));
    }

    /** {@return the names of the trainable parameters, restorer first, in creation order} */
    public List<String> parameterNames() {
        List<String> out = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                out.add(v.name());
            }
        }
        return out;
    }

    /**
     * {@return the names of the restorer's trainable parameters (those under its prefix), in {@link #parameterNames()}'
     *     order}
     */
    public List<String> restorerParameterNames() {
        return parameterNames().stream().filter(n -> n.startsWith(RESTORER_PREFIX)).toList();
    }
}
