package dev.dna.examples;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.image.Image;
import dev.dna.api.image.TiledInference;
import dev.dna.onnx.OnnxExporter;
import dev.dna.ort.OnnxRestorer;
import dev.dna.samediff.TrainedRestorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times ONNX export and restorer inference, SameDiff against ONNX Runtime (CPU), in one run: medians of
 * {@code --reps} restorations per size after one warm-up, and the ratio. The weights are the plan's
 * seeded initial ones (speed does not depend on training).
 */
@Command(name = "inference-benchmark", mixinStandardHelpOptions = true, description = "SameDiff vs ONNX Runtime inference time.")
public final class InferenceBenchmark implements Callable<Integer> {
    @Option(names = "--width", defaultValue = "16") int width;
    @Option(names = "--depth", defaultValue = "2") int depth;
    @Option(names = "--sizes", split = ",", defaultValue = "256,1024") int[] sizes;
    @Option(names = "--reps", defaultValue = "5") int reps;

    /**
     * Runs the command line {@code args} (see the class comment and {@code --help}); exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new InferenceBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        AdaptationPlan plan = Adaptation.of(Restorers.unet(width, depth)).patchSize(1 << depth << 2).build();
        TrainedRestorer sd = TrainedRestorer.initial(plan);
        Path file = Files.createTempFile("dna-bench", ".onnx");
        long t0 = System.nanoTime();
        OnnxExporter.Verification v = OnnxExporter.export(sd, file);
        double exportSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "restorer %s; export + verification %.2f s (%s), %d bytes%n", plan.restorer().describe(),
                exportSeconds, v, Files.size(file));
        Image photo = EmbeddedImages.get("astronaut.png");
        try (OnnxRestorer ort = OnnxRestorer.load(file)) {
            System.out.println("| size | SameDiff median (s) | ONNX Runtime median (s) | SameDiff / ORT |");
            System.out.println("|---|---|---|---|");
            for (int s : sizes) {
                Image x = TiledInference.replicatePad(photo.crop(0, 0, Math.min(s, 512), Math.min(s, 512)), s, s);
                double a = Timing.medianSeconds(sd::restore, x, reps);
                double b = Timing.medianSeconds(ort::restore, x, reps);
                System.out.printf(Locale.ROOT, "| %dx%d | %.3f | %.3f | %.2f |%n", s, s, a, b, a / b);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return 0;
    }
}
