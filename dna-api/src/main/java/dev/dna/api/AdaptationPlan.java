package dev.dna.api;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.MoreObjects;
import dev.dna.api.spec.DiffusionSpec;
import dev.dna.api.spec.LossSpec;
import dev.dna.api.spec.OptimizerSpec;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.SpikeGuardSpec;
import dev.dna.api.spec.ValueRange;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated, immutable description of one Denoising-as-Adaptation training run: which restorer and
 * diffusion net, which of the method's parts are on, every loss and optimizer constant, data shape and
 * seed. Made by the {@link Adaptation} DSL or {@link #fromJson(String)}; {@link #toJson()} records it so
 * that the run can be repeated. Engines (dna-samediff) execute plans; a plan holds no code and no weights.
 */
public final class AdaptationPlan {
    private final RestorerSpec restorer;
    private final DiffusionSpec diffusion;
    private final boolean channelShuffle;
    private final boolean residualSwap;
    private final boolean detachConditions;
    private final LossSpec loss;
    private final OptimizerSpec optimizer;
    private final double emaDecay;
    private final SpikeGuardSpec spikeGuard;
    private final int steps;
    private final int batchSize;
    private final int patchSize;
    private final boolean augment;
    private final ValueRange valueRange;
    private final long seed;

    private AdaptationPlan(PlanDraft d) {
        this.restorer = d.restorer;
        this.diffusion = d.diffusion;
        this.channelShuffle = d.channelShuffle;
        this.residualSwap = d.residualSwap;
        this.detachConditions = d.detachConditions;
        this.loss = d.loss;
        this.optimizer = d.optimizer;
        this.emaDecay = d.emaDecay;
        this.spikeGuard = d.spikeGuard;
        this.steps = d.steps;
        this.batchSize = d.batchSize;
        this.patchSize = d.patchSize;
        this.augment = d.augment;
        this.valueRange = d.valueRange;
        this.seed = d.seed;
    }

    /** Checks the fields together; each message names the offending field. */
    static AdaptationPlan validate(PlanDraft d) {
        checkArgument(d.restorer != null, "restorer must be set");
        checkArgument(d.loss != null, "loss must be set");
        checkArgument(d.optimizer != null, "optimizer must be set");
        checkArgument(d.valueRange != null, "valueRange must be set");
        checkArgument(d.spikeGuard != null, "spikeGuard must be set");
        checkArgument(d.valueRange != ValueRange.ZERO_255, "valueRange must be ZERO_ONE or MINUS_ONE_ONE: plans train in "
                + "[0, 1] or [-1, 1]; a 0-255 model says so in its restorer spec (Restorers.fromOnnx(...).withValueRange)");
        checkArgument(d.steps >= 1, "steps must be >= 1, got %s", d.steps);
        checkArgument(d.batchSize >= 1 && d.batchSize <= 4096, "batchSize must be in [1, 4096], got %s", d.batchSize);
        checkArgument(d.batchSize % d.loss.tripletGroups() == 0, "batchSize (%s) must be a multiple of loss.tripletGroups (%s)",
                d.batchSize, d.loss.tripletGroups());
        checkArgument(d.emaDecay >= 0 && d.emaDecay < 1, "emaDecay must be in [0, 1) (0 turns EMA off), got %s", d.emaDecay);
        checkArgument(d.patchSize >= 4 && d.patchSize <= 4096, "patchSize must be in [4, 4096], got %s", d.patchSize);
        int rf = d.restorer.downsamplingFactor();
        checkArgument(d.patchSize % rf == 0,
                "patchSize must be a multiple of the restorer's downsampling factor %s (%s), got %s",
                rf, d.restorer.describe(), d.patchSize);
        if (d.restorer instanceof dev.dna.api.spec.OnnxRestorerSpec o && (o.fixedHeight() > 0 || o.fixedWidth() > 0)) {
            checkArgument(o.fixedHeight() == o.fixedWidth() && o.fixedHeight() == d.patchSize,
                    "patchSize must be %s: the imported restorer takes only %sx%s inputs (%s)", o.fixedHeight(),
                    o.fixedHeight(), o.fixedWidth(), d.restorer.describe());
        }
        if (d.diffusion == null) {
            checkArgument(!d.channelShuffle, "channelShuffle needs the diffusion loss: call withDiffusion(...) first");
            checkArgument(!d.residualSwap, "residualSwap needs the diffusion loss: call withDiffusion(...) first");
            checkArgument(!d.detachConditions, "detachConditions needs the diffusion loss: call withDiffusion(...) first");
        } else {
            int df = d.diffusion.downsamplingFactor();
            checkArgument(d.patchSize % df == 0,
                    "patchSize must be a multiple of the diffusion net's downsampling factor %s (%s levels), got %s",
                    df, d.diffusion.multipliers().size(), d.patchSize);
        }
        return new AdaptationPlan(d);
    }

    /** {@return the restorer network being adapted (its input and output [N, 3, H, W] in {@link #valueRange()})} */
    public RestorerSpec restorer() {
        return restorer;
    }

    /** {@return the diffusion net and schedule; empty for a vanilla (synthetic-only) plan} */
    public Optional<DiffusionSpec> diffusion() {
        return Optional.ofNullable(diffusion);
    }

    /** {@return whether the plan trains with the diffusion loss (every variant but vanilla)} */
    public boolean usesDiffusion() {
        return diffusion != null;
    }

    /** {@return whether the conditions' channels are shuffled by one permutation per step (method step 4)} */
    public boolean channelShuffle() {
        return channelShuffle;
    }

    /** {@return whether the residual-swap negative pass and its triplet loss are on (method step 6)} */
    public boolean residualSwap() {
        return residualSwap;
    }

    /** {@return whether the diffusion loss's gradient is stopped at the conditions (a control; the method does not)} */
    public boolean detachConditions() {
        return detachConditions;
    }

    /** {@return the losses' settings: Charbonnier epsilon, triplet margin, lambda and its ramp} */
    public LossSpec loss() {
        return loss;
    }

    /** {@return Adam's settings, the learning-rate schedule and gradient clipping} */
    public OptimizerSpec optimizer() {
        return optimizer;
    }

    /**
     * {@return the decay of the exponential moving average of the restorer's weights, the restorer a run returns (0: none)}
     */
    public double emaDecay() {
        return emaDecay;
    }

    /** {@return what training does when a step spikes (see {@link SpikeGuardSpec})} */
    public SpikeGuardSpec spikeGuard() {
        return spikeGuard;
    }

    /** {@return the optimizer steps of the whole run} */
    public int steps() {
        return steps;
    }

    /**
     * {@return the patches per step and per domain (synthetic pairs, and as many real images when the plan uses diffusion)}
     */
    public int batchSize() {
        return batchSize;
    }

    /** {@return the side of the square training patches, in pixels} */
    public int patchSize() {
        return patchSize;
    }

    /** {@return whether training patches are flipped and rotated at random (the eight dihedral transforms)} */
    public boolean augment() {
        return augment;
    }

    /** {@return the range of the restorer's input and output values} */
    public ValueRange valueRange() {
        return valueRange;
    }

    /** {@return the run's seed: initial weights, patches, noise and timesteps are all functions of it} */
    public long seed() {
        return seed;
    }

    /** {@return which ablation variant this plan is} */
    public Ablation variant() {
        if (diffusion == null) {
            return Ablation.VANILLA;
        }
        if (!channelShuffle) {
            return residualSwap ? null : Ablation.DIFFUSION;
        }
        return residualSwap ? Ablation.FULL : Ablation.SHUFFLE;
    }

    /**
     * This plan turned into {@code variant}: the same restorer, data, seed, budget and constants, with
     * only the diffusion loss, shuffle and swap switched as the variant says.
     *
     * @param variant the variant wanted
     * @return the plan of that variant, every other field as in this plan
     * @throws IllegalArgumentException if the variant uses diffusion and this plan has no diffusion spec
     */
    public AdaptationPlan ablation(Ablation variant) {
        PlanDraft d = PlanDraft.of(this);
        if (variant.usesDiffusion()) {
            checkArgument(diffusion != null,
                    "ablation %s needs a diffusion spec, but this plan is vanilla: build the full plan first", variant);
        } else {
            d.diffusion = null;
            d.detachConditions = false;
        }
        d.channelShuffle = variant.usesChannelShuffle();
        d.residualSwap = variant.usesResidualSwap();
        return validate(d);
    }

    /** {@return all four variants of the paper's ablation, derived from this (full) plan, in table order} */
    public Map<Ablation, AdaptationPlan> ablations() {
        Map<Ablation, AdaptationPlan> m = new EnumMap<>(Ablation.class);
        for (Ablation a : Ablation.values()) {
            m.put(a, ablation(a));
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** {@return this plan as JSON (pretty-printed, stable field order)} */
    public String toJson() {
        return PlanJson.write(this);
    }

    /**
     * Reads a plan written by {@link #toJson()}.
     *
     * @param json what {@link #toJson()} wrote
     * @return the plan, validated as {@code build()} validates it
     * @throws IllegalArgumentException naming the field when the JSON is malformed, has unknown fields
     *     or an invalid value
     */
    public static AdaptationPlan fromJson(String json) {
        return validate(PlanJson.read(json));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdaptationPlan p && toJson().equals(p.toJson());
    }

    @Override
    public int hashCode() {
        return Objects.hash(restorer, diffusion, channelShuffle, residualSwap, loss, optimizer, steps, seed);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper(this)
                .add("restorer", restorer.describe())
                .add("diffusion", diffusion == null ? "none" : diffusion.describe())
                .add("channelShuffle", channelShuffle)
                .add("residualSwap", residualSwap)
                .add("steps", steps)
                .add("batch", batchSize)
                .add("patch", patchSize)
                .add("seed", seed)
                .toString();
    }
}
