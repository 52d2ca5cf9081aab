package dev.dna.examples;

import dev.dna.api.Ablation;
import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Diffusion;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.ImageSet;
import dev.dna.api.data.PatchDataset;
import dev.dna.api.data.PatchSampler;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.degrade.CameraNoise;
import dev.dna.samediff.SameDiffTrainer;
import dev.dna.samediff.StepReport;
import dev.dna.samediff.TrainingListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times training steps of the SameDiff engine: median, min and max seconds per step of each ablation
 * variant, the first step (graph warm-up) excluded. A quick measurement; the side-by-side PyTorch
 * benchmark is a separate program.
 */
@Command(name = "step-timer", mixinStandardHelpOptions = true, description = "Seconds per SameDiff training step.")
public final class StepTimer implements Callable<Integer> {
    @Option(names = "--width", defaultValue = "16") int width;
    @Option(names = "--depth", defaultValue = "2") int depth;
    @Option(names = "--diffusion-width", defaultValue = "16") int diffusionWidth;
    @Option(names = "--multipliers", split = ",", defaultValue = "1,2") int[] multipliers;
    @Option(names = "--res-blocks", defaultValue = "1") int resBlocks;
    @Option(names = "--attention", defaultValue = "false") boolean attention;
    @Option(names = "--batch", defaultValue = "4") int batch;
    @Option(names = "--patch", defaultValue = "48") int patch;
    @Option(names = "--steps", defaultValue = "6") int steps;
    @Option(names = "--variants", split = ",", defaultValue = "vanilla,full") List<String> variants;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StepTimer()).execute(args));
    }

    @Override
    public Integer call() {
        AdaptationPlan full = Adaptation.of(Restorers.unet(width, depth))
                .withDiffusion(Diffusion.unet(diffusionWidth).multipliers(multipliers).resBlocks(resBlocks)
                        .middleAttention(attention).dropout(0.1))
                .channelShuffle().residualSwap().patchSize(patch).batchSize(batch).steps(steps).build();
        ImageSet photos = EmbeddedImages.load();
        PatchSampler s = new PatchSampler(patch, true);
        PatchDataset syn = PatchDataset.synthetic(photos, Awgn.sigma255(0, 50), s);
        PatchDataset real = PatchDataset.synthetic(photos, CameraNoise.typical(), s);
        System.out.println("plan: " + full);
        for (String v : variants) {
            AdaptationPlan p = full.ablation(Ablation.valueOf(v.toUpperCase(Locale.ROOT)));
            List<Double> secs = new ArrayList<>();
            SameDiffTrainer.create(p).progressBar(false).listener(new TrainingListener() {
                @Override
                public void onStep(StepReport r) {
                    if (r.step() > 1) {
                        secs.add(r.seconds());
                    }
                }
            }).fit(syn, p.usesDiffusion() ? real : null);
            Collections.sort(secs);
            System.out.printf(Locale.ROOT, "%-9s median %.3f s/step (min %.3f, max %.3f, %d steps timed)%n", v,
                    secs.get(secs.size() / 2), secs.get(0), secs.get(secs.size() - 1), secs.size());
        }
        return 0;
    }
}
