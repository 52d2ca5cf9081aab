package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Diffusion;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.ImageSet;
import dev.dna.api.data.PatchDataset;
import dev.dna.api.data.PatchSampler;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.image.Image;
import dev.dna.api.spec.Activation;
import dev.dna.samediff.graph.JointGraph;
import dev.dna.samediff.graph.Layers;
import dev.dna.samediff.graph.RestorerNets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;

public class CustomRestorerTest {

    /** A user's restorer: two 3x3 convolutions with a configurable width, built with the helpers. */
    static SDVariable twoLayer(Layers l, SDVariable x, dev.dna.api.spec.CustomRestorerSpec spec) {
        int w = Integer.parseInt(spec.options().getOrDefault("width", "8"));
        SDVariable h = l.activation(l.conv("c1", x, 3, w, 3), Activation.SILU);
        return l.conv("c2", h, w, 3, 3);
    }

    @Test
    void aRegisteredBuilderTrainsAndRestores() {
        RestorerNets.register("two-layer", CustomRestorerTest::twoLayer);
        AdaptationPlan p = Adaptation.of(Restorers.custom("two-layer", 1, Map.of("width", "6")))
                .withDiffusion(Diffusion.unet(4).multipliers(1, 2).resBlocks(1).groups(2).middleAttention(false))
                .channelShuffle().residualSwap().patchSize(16).batchSize(2).steps(2).build();
        JointGraph g = JointGraph.build(p, DataType.FLOAT);
        assertEquals(4, g.restorerParameterNames().size());
        assertEquals(6, g.sd.getVariable("G/c1/W").getArr().size(3));
        ImageSet photos = EmbeddedImages.load().select(0);
        PatchDataset d = PatchDataset.synthetic(photos, Awgn.sigma255(20, 20), new PatchSampler(16, true));
        TrainedRestorer r = SameDiffTrainer.create(p).progressBar(false).fit(d, d);
        Image y = r.restore(photos.get(0).crop(0, 0, 21, 19));
        assertEquals(21, y.height());
        // the plan survives JSON and stays buildable while the builder is registered
        assertEquals(p, AdaptationPlan.fromJson(p.toJson()));
    }

    @Test
    void anUnregisteredNameIsAClearError() {
        AdaptationPlan p = Adaptation.of(Restorers.custom("nobody-registered-this", 1)).patchSize(16).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JointGraph.build(p, DataType.FLOAT));
        assertTrue(e.getMessage().contains("nobody-registered-this") && e.getMessage().contains("register"), e.getMessage());
    }
}
