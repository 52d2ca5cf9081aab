package dev.dna.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.spec.Activation;
import dev.dna.api.spec.DiffusionSpec;
import dev.dna.api.spec.LossSpec;
import dev.dna.api.spec.ValueRange;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdaptationPlanTest {

    static AdaptationPlan full() {
        return Adaptation.of(Restorers.unet(32, 3))
                .withDiffusion(Diffusion.unet(32).timesteps(1000))
                .channelShuffle()
                .residualSwap()
                .patchSize(64)
                .build();
    }

    @Test
    void defaultsAreTheReferenceValues() {
        AdaptationPlan p = Adaptation.of(Restorers.referenceUnet()).withDiffusion(Diffusion.reference()).build();
        DiffusionSpec d = p.diffusion().orElseThrow();
        assertEquals(1000, d.schedule().timesteps());
        assertEquals(1e-6, d.schedule().betaStart());
        assertEquals(1e-2, d.schedule().betaEnd());
        assertEquals(1, d.schedule().minTimestep());
        assertEquals(999, d.schedule().maxTimestep());
        assertTrue(d.schedule().continuousLevel());
        assertEquals(64, d.width());
        assertEquals(java.util.List.of(1, 2, 4, 8), d.multipliers());
        assertEquals(32, d.groups());
        assertEquals(0.2, d.dropout());
        assertEquals(LossSpec.reference(), p.loss());
        assertEquals(1e-6, p.loss().charbonnierEpsilon());
        assertEquals(0.1, p.loss().tripletMargin());
        assertEquals(0.2, p.loss().noiseWeight());
        assertEquals(1e-4, p.optimizer().learningRate());
        assertEquals(0.0, p.optimizer().weightDecay());
        assertEquals(0.9999, p.emaDecay());
        assertEquals(128, p.patchSize());
        assertEquals(ValueRange.ZERO_ONE, p.valueRange());
        assertTrue(p.augment());
        assertEquals(Activation.LEAKY_RELU, ((dev.dna.api.spec.UNetRestorerSpec) p.restorer()).activation());
        assertEquals(8, p.restorer().downsamplingFactor());
        // the method's switches are off until asked for
        assertFalse(p.channelShuffle());
        assertFalse(p.residualSwap());
        assertFalse(p.detachConditions());
    }

    @Test
    void stagesAreImmutableValues() {
        var base = Adaptation.of(Restorers.unet(16, 2)).withDiffusion(Diffusion.unet(16)).patchSize(32);
        var withShuffle = base.channelShuffle();
        var withSeed = base.seed(42);
        assertFalse(base.build().channelShuffle(), "calling channelShuffle() changed the stage it was called on");
        assertTrue(withShuffle.build().channelShuffle());
        assertEquals(0, base.build().seed());
        assertEquals(42, withSeed.build().seed());
        assertFalse(withSeed.build().channelShuffle());
    }

    @Test
    void buildNamesTheOffendingField() {
        var stage = Adaptation.of(Restorers.unet(32, 3)).withDiffusion(Diffusion.unet(32));
        assertMessage(stage.patchSize(100)::build, "patchSize", "8");
        assertMessage(stage.batchSize(0)::build, "batchSize");
        assertMessage(stage.steps(0)::build, "steps");
        assertMessage(stage.emaDecay(1.0)::build, "emaDecay");
        assertMessage(() -> stage.learningRate(-1), "optimizer.learningRate");
        assertMessage(() -> stage.tripletMargin(-0.1), "loss.tripletMargin");
        assertMessage(() -> Restorers.unet(32, 0), "restorer.depth");
        assertMessage(() -> Diffusion.unet(48).groups(32), "diffusion.groups");
        assertMessage(() -> Diffusion.unet(32).timesteps(1), "schedule.timesteps");
        // the diffusion net needs 8 | patch for 4 levels even if the restorer does not
        assertMessage(Adaptation.of(Restorers.dncnn(5, 16)).withDiffusion(Diffusion.unet(16)).patchSize(36)::build,
                "patchSize", "diffusion");
    }

    @Test
    void shuffleAndSwapNeedTheDiffusionLoss() {
        AdaptationPlan vanilla = Adaptation.of(Restorers.unet(8, 2)).patchSize(32).build();
        assertFalse(vanilla.usesDiffusion());
        assertEquals(Ablation.VANILLA, vanilla.variant());
        assertMessage(() -> Adaptation.from(vanilla).channelShuffle().build(), "channelShuffle", "withDiffusion");
        assertMessage(() -> Adaptation.from(vanilla).residualSwap().build(), "residualSwap", "withDiffusion");
        assertMessage(() -> vanilla.ablation(Ablation.FULL), "FULL", "vanilla");
    }

    @Test
    void ablationsDifferOnlyInTheirSwitches() {
        AdaptationPlan full = full();
        Map<Ablation, AdaptationPlan> all = full.ablations();
        assertEquals(4, all.size());
        for (Ablation a : Ablation.values()) {
            AdaptationPlan p = all.get(a);
            assertEquals(a, p.variant());
            assertEquals(a.usesDiffusion(), p.usesDiffusion());
            assertEquals(a.usesChannelShuffle(), p.channelShuffle());
            assertEquals(a.usesResidualSwap(), p.residualSwap());
            assertEquals(full.restorer(), p.restorer());
            assertEquals(full.seed(), p.seed());
            assertEquals(full.steps(), p.steps());
            assertEquals(full.patchSize(), p.patchSize());
            assertEquals(full.loss(), p.loss());
        }
        assertEquals(full, all.get(Ablation.FULL));
        assertEquals(full.diffusion(), all.get(Ablation.SHUFFLE).diffusion());
    }

    @Test
    void jsonRoundTripsEveryField() {
        AdaptationPlan p = Adaptation.of(Restorers.unet(24, 2).withActivation(Activation.SILU).withResidual(false))
                .withDiffusion(Diffusion.unet(16).multipliers(1, 2).resBlocks(1).groups(8).middleAttention(false)
                        .dropout(0.1).betas(1e-5, 2e-2).timesteps(500).continuousLevel(false))
                .channelShuffle()
                .residualSwap()
                .tripletMargin(0.25)
                .noiseWeight(0.3)
                .noiseWeightRamp(4, 1234)
                .charbonnierEpsilon(1e-3)
                .learningRate(5e-5)
                .emaDecay(0.999)
                .steps(777)
                .batchSize(3)
                .patchSize(48)
                .augment(false)
                .valueRange(ValueRange.MINUS_ONE_ONE)
                .seed(-99)
                .build();
        String json = p.toJson();
        AdaptationPlan back = AdaptationPlan.fromJson(json);
        assertEquals(p, back);
        assertEquals(json, back.toJson());
        assertEquals(500, back.diffusion().orElseThrow().schedule().timesteps());
        assertEquals(1234, back.loss().rampSteps());
        assertEquals(-99, back.seed());
        assertFalse(back.restorer().residual());
        assertTrue(json.contains("\"type\" : \"unet\""), json);

        AdaptationPlan custom = Adaptation.of(Restorers.custom("my-net", 4, Map.of("k", "v"))).patchSize(16).build();
        assertEquals(custom, AdaptationPlan.fromJson(custom.toJson()));
        AdaptationPlan dncnn = Adaptation.of(Restorers.dncnn(17, 64)).build();
        assertEquals(dncnn, AdaptationPlan.fromJson(dncnn.toJson()));
        assertNotEquals(dncnn, custom);
    }

    @Test
    void badJsonIsRefusedWithTheFieldNamed() {
        String json = full().toJson();
        assertMessage(() -> AdaptationPlan.fromJson(json.replace("\"patchSize\"", "\"patchSise\"")), "patchSise");
        assertMessage(() -> AdaptationPlan.fromJson(json.replace("\"depth\" : 3", "\"depth\" : 0")), "restorer.depth");
        assertMessage(() -> AdaptationPlan.fromJson(json.replace("dna-plan/2", "dna-plan/9")), "format");
        assertMessage(() -> AdaptationPlan.fromJson(json.replace("dna-plan/2", "dna-plan/1").replace("\"upConv\" : true,", "")),
                "dna-plan/1", "build the plan again");
        assertMessage(() -> AdaptationPlan.fromJson(json.replace("\"unet\"", "\"resnet\"")), "resnet");
        assertMessage(() -> AdaptationPlan.fromJson("{"), "invalid");
        assertMessage(() -> AdaptationPlan.fromJson(json.replace("\"patchSize\" : 64", "\"patchSize\" : 60")),
                "patchSize");
    }

    /**
     * The authors' ramp (models/model.py): p = min(epoch / 300, 1), epochs counted from 1 and lambda fixed within
     * one, then held; here 300 stages over rampSteps = 86,100 steps, whatever the run's length.
     */
    @Test
    void lambdaRampFollowsTheAuthorsStagedRampThenHolds() {
        LossSpec l = LossSpec.reference();
        double end = 0.2 * (2 / (1 + Math.exp(-5)) - 1);
        assertEquals(0.197, end, 5e-4);
        assertEquals(0.2 * (2 / (1 + Math.exp(-5.0 / 300)) - 1), l.noiseWeightAt(0, 200_000), 1e-15, "epoch 1: p = 1/300");
        assertEquals(l.noiseWeightAt(0, 200_000), l.noiseWeightAt(286, 200_000), 0.0, "constant within a stage");
        assertEquals(0.2 * (2 / (1 + Math.exp(-5.0 * 2 / 300)) - 1), l.noiseWeightAt(287, 200_000), 1e-15, "epoch 2");
        assertEquals(end, l.noiseWeightAt(86_099, 200_000), 1e-15, "the last stage has p = 1");
        assertEquals(end, l.noiseWeightAt(150_000, 200_000), 1e-15, "held after the ramp");
        assertEquals(l.noiseWeightAt(1000, 2000), l.noiseWeightAt(1000, 1_000_000), 0.0,
                "the ramp does not stretch with the run");
        assertEquals(end, Adaptation.of(Restorers.unet(8, 2)).withDiffusion(Diffusion.unet(8)).build().loss()
                .noiseWeightAt(LossSpec.REFERENCE_RAMP_STEPS, 10), 1e-15, "the DSL's default is the reference ramp");
        for (int s = 1; s + 287 < 86_100; s += 287) {
            assertTrue(l.noiseWeightAt(s + 287, 200_000) > l.noiseWeightAt(s, 200_000), "lambda rises stage by stage");
        }

        LossSpec smooth = l.withRampStages(0).withRamp(5, 100);
        assertEquals(0.0, smooth.noiseWeightAt(0, 1000), 0.0);
        assertEquals(0.2 * (2 / (1 + Math.exp(-2.5)) - 1), smooth.noiseWeightAt(50, 1000), 1e-15);
        assertEquals(end, smooth.noiseWeightAt(100, 1000), 1e-15);
        assertEquals(end, smooth.noiseWeightAt(500, 1000), 1e-15, "p is clamped at 1");
        assertEquals(40, l.withRamp(5, 40).rampStages(), "at most one stage a step");
        LossSpec wholeRun = smooth.withRamp(5, 0);
        assertEquals(end, wholeRun.noiseWeightAt(100, 100), 1e-15, "rampSteps 0 ramps over the whole run");
        assertEquals(0.2 * (2 / (1 + Math.exp(-2.5)) - 1), wholeRun.noiseWeightAt(50, 100), 1e-15);
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
        }
    }
}
