package dev.dna.api;

import dev.dna.api.spec.DiffusionSpec;
import dev.dna.api.spec.LossSpec;
import dev.dna.api.spec.OptimizerSpec;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.SpikeGuardSpec;
import dev.dna.api.spec.ValueRange;

/**
 * The unvalidated fields behind a DSL stage. Never mutated once a stage holds it: every setter on a
 * stage copies it first, so that stages are immutable values.
 */
final class PlanDraft implements Cloneable {
    RestorerSpec restorer;
    DiffusionSpec diffusion;
    boolean channelShuffle;
    boolean residualSwap;
    boolean detachConditions;
    LossSpec loss = LossSpec.reference();
    OptimizerSpec optimizer = OptimizerSpec.adam(1e-4);
    double emaDecay = 0.9999;
    SpikeGuardSpec spikeGuard = SpikeGuardSpec.rollback();
    int steps = 10_000;
    int batchSize = 8;
    int patchSize = 128;
    boolean augment = true;
    ValueRange valueRange = ValueRange.ZERO_ONE;
    long seed = 0L;

    PlanDraft copy() {
        try {
            return (PlanDraft) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    static PlanDraft of(AdaptationPlan p) {
        PlanDraft d = new PlanDraft();
        d.restorer = p.restorer();
        d.diffusion = p.diffusion().orElse(null);
        d.channelShuffle = p.channelShuffle();
        d.residualSwap = p.residualSwap();
        d.detachConditions = p.detachConditions();
        d.loss = p.loss();
        d.optimizer = p.optimizer();
        d.emaDecay = p.emaDecay();
        d.spikeGuard = p.spikeGuard();
        d.steps = p.steps();
        d.batchSize = p.batchSize();
        d.patchSize = p.patchSize();
        d.augment = p.augment();
        d.valueRange = p.valueRange();
        d.seed = p.seed();
        return d;
    }
}
