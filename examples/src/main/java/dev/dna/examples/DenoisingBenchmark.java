package dev.dna.examples;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Diffusion;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.ImageSet;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.degrade.CameraNoise;
import dev.dna.api.degrade.Degradation;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.api.metrics.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main example: synthetic-to-real denoising on the embedded photographs.
 *
 * <p>Synthetic domain: AWGN. "Real" domain: the camera noise model (shot + read noise on a Bayer
 * mosaic, demosaicing, JPEG). Held-out photographs measure the real domain. This version prepares
 * the domains, the plan and the held-out inputs; the training variants come with the dna-samediff
 * engine.
 */
@Command(name = "denoising-benchmark", mixinStandardHelpOptions = true,
        description = "Synthetic-to-real denoising with Denoising as Adaptation on the embedded photos.")
public final class DenoisingBenchmark implements Callable<Integer> {

    /** Photographs never used in training: the real-domain test set. */
    static final List<String> HELD_OUT = List.of("coffee.png", "rocket.png", "tmshre-riaphotographs.png");

    @Option(names = "--out", description = "run folder (default: runs/denoising-<time>)")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "seed of every random draw (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--crop", defaultValue = "256", description = "side of the held-out test crops (default: ${DEFAULT-VALUE})")
    int crop;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DenoisingBenchmark()).execute(args));
    }

    static Degradation syntheticDomain() {
        return Awgn.sigma255(0, 50);
    }

    static Degradation realDomain() {
        return CameraNoise.typical();
    }

    @Override
    public Integer call() throws Exception {
        if (out == null) {
            out = Path.of("runs", "denoising-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        Files.createDirectories(out);
        AdaptationPlan plan = Adaptation.of(Restorers.unet(32, 3))
                .withDiffusion(Diffusion.unet(32).multipliers(1, 2, 2).middleAttention(false))
                .channelShuffle()
                .residualSwap()
                .patchSize(64)
                .batchSize(8)
                .steps(1000)
                .seed(seed)
                .build();
        Files.writeString(out.resolve("plan.json"), plan.toJson());

        ImageSet.Split split = EmbeddedImages.load().split(HELD_OUT);
        System.out.printf(Locale.ROOT, "embedded photos: %d for training, %d held out %s%n", split.rest().size(),
                split.first().size(), split.first().names());
        System.out.println("synthetic domain: " + syntheticDomain().describe());
        System.out.println("real domain:      " + realDomain().describe());
        System.out.println("plan:             " + plan);

        List<Image> row = new ArrayList<>();
        double psnrReal = 0;
        double ssimReal = 0;
        double psnrSyn = 0;
        for (int i = 0; i < split.first().size(); i++) {
            Image clean = centerCrop(split.first().get(i), crop);
            Image real = realDomain().apply(clean, seed * 1000 + i);
            Image syn = syntheticDomain().apply(clean, seed * 1000 + 500 + i).clip();
            psnrReal += Metrics.psnr(clean, real);
            ssimReal += Metrics.ssim(clean, real);
            psnrSyn += Metrics.psnr(clean, syn);
            row.add(clean);
            row.add(syn);
            row.add(real);
        }
        int n = split.first().size();
        System.out.println();
        System.out.println("| held-out input | PSNR (dB) | SSIM |");
        System.out.println("|---|---|---|");
        System.out.printf(Locale.ROOT, "| real-domain noisy input | %.2f | %.4f |%n", psnrReal / n, ssimReal / n);
        System.out.printf(Locale.ROOT, "| synthetic-domain noisy input | %.2f | - |%n", psnrSyn / n);
        Images.writePng(Grid.of(row, 3), out.resolve("domains.png"));
        System.out.println();
        System.out.println("wrote " + out.resolve("plan.json") + " and " + out.resolve("domains.png")
                + " (clean | synthetic | real, one row per held-out photo)");
        System.out.println("training the ablation variants: not yet - it arrives with the dna-samediff engine.");
        return 0;
    }

    static Image centerCrop(Image im, int side) {
        int s = Math.min(side, Math.min(im.height(), im.width()));
        return im.crop((im.height() - s) / 2, (im.width() - s) / 2, s, s);
    }
}
