package dev.dna.examples;

import dev.dna.bench.DenoisingBenchmark;
import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Recipes;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.ImagePairs;
import dev.dna.api.data.ImageSet;
import dev.dna.api.data.PatchDataset;
import dev.dna.api.data.PatchSampler;
import dev.dna.api.degrade.Degradation;
import dev.dna.api.degrade.Degradations;
import dev.dna.api.image.Image;
import dev.dna.api.io.Ancestors;
import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spec.Prediction;
import dev.dna.api.spec.ValueRange;
import dev.dna.onnx.OnnxExporter;
import dev.dna.ort.OnnxRestorer;
import dev.dna.onnx.PredictionCheck;
import dev.dna.samediff.SameDiffTrainer;
import dev.dna.samediff.TrainedRestorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Adapts a restorer of one's own, an ONNX file trained elsewhere, to real degraded images, and writes the adapted model
 * as an ONNX file with the same interface (input and output names, shape, value range, prediction), so that it replaces
 * the original in the pipeline it came from. From a clean clone, on the DnCNN fixture that PyTorch exported:
 * {@code mvn -q -Pexample -pl examples -am package -DskipTests -Dexample.main=dev.dna.examples.AdaptOnnxModel
 * -Dexample.args="--steps 50 --out runs/adapted.onnx"}; one's own: {@code --model my.onnx --real DIR [--clean DIR]}.
 */
@Command(name = "adapt-onnx-model", mixinStandardHelpOptions = true,
        description = "Adapt an ONNX restorer to real degraded images with Denoising as Adaptation; write the adapted ONNX file.")
public final class AdaptOnnxModel implements Callable<Integer> {
    static final Path FIXTURE = Path.of("dna-onnx/src/test/resources/dev/dna/onnx/fixtures/dncnn-opset17.onnx");

    @Option(names = "--model", description = "the ONNX restorer (default: the DnCNN fixture, " + "dna-onnx/src/test/resources/"
            + "dev/dna/onnx/fixtures/dncnn-opset17.onnx, looked up from the working directory upwards)")
    Path model;

    @Option(names = "--predicts", defaultValue = "RESTORED", description = "what the model outputs: RESTORED, RESIDUAL (y - x) "
            + "or NOISE (x - y) (default: ${DEFAULT-VALUE})")
    Prediction predicts;

    @Option(names = "--value-range", defaultValue = "ZERO_ONE", description = "the values the model works in: ZERO_ONE, "
            + "MINUS_ONE_ONE or ZERO_255 (default: ${DEFAULT-VALUE})")
    ValueRange valueRange;

    @Option(names = "--real", description = "real degraded images (default: the embedded photos with simulated camera noise, "
            + "correlated noise and JPEG, the main example's hard domain)")
    Path real;

    @Option(names = "--clean", description = "clean photos for the synthetic domain (default: the embedded photos)")
    Path clean;

    @Option(names = "--degradation", defaultValue = "awgn:0-50", description = "the synthetic degradation (default: ${DEFAULT-VALUE})")
    String degradation;

    @Option(names = "--steps", defaultValue = "200", description = "training steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--out", required = true, description = "the adapted ONNX file")
    Path out;

    /**
     * Runs the command line {@code args} (see the class comment and {@code --help}); exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new AdaptOnnxModel()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path file = model != null ? model : findUpwards(FIXTURE);
        OnnxRestorerSpec restorer = Restorers.fromOnnx(file).withPredicts(predicts).withValueRange(valueRange);
        ImageSet photos = clean != null ? ImageSet.fromDirectory(clean) : EmbeddedImages.load();
        ImageSet realImages = real != null ? ImageSet.fromDirectory(real) : simulatedReal(EmbeddedImages.load());
        System.out.println("model:     " + restorer.describe() + ", input '" + restorer.inputName() + "' "
                + restorer.inputShape() + ", output '" + restorer.outputName() + "'");
        PredictionCheck.Result check = PredictionCheck.check(restorer, realImages, 4);
        System.out.println("check:     " + check.declared() + (check.warning().isPresent() ? "\nWARNING:   " + check.warning().get()
                : check.declared().plausible() ? " (a plausible restoration)"
                : " (no smoother than the input: an untrained model, or one the check cannot judge)"));

        // the library's fine-tuning recipe around the imported network, its weights the start (a fixed-size model trains on
        // its size)
        AdaptationPlan plan = Adaptation.from(Recipes.fineTuning(restorer, steps, seed))
                .patchSize(restorer.fixedHeight() > 0 ? (int) restorer.fixedHeight() : Recipes.PATCH).build();
        System.out.println("plan:      " + plan);
        Degradation syn = Degradations.parse(degradation);
        PatchSampler sampler = new PatchSampler(plan.patchSize(), plan.augment());
        TrainedRestorer adapted = SameDiffTrainer.create(plan).named("adapt")
                .fit(PatchDataset.synthetic(photos, syn, sampler), PatchDataset.unpaired(realImages, sampler));

        Files.createDirectories(out.toAbsolutePath().getParent());
        OnnxExporter.Verification v = OnnxExporter.export(adapted, out);
        System.out.println("wrote:     " + out + " (" + v + ")");
        if (restorer.fixedHeight() < 0) { // how far adaptation moved the restorations of the real images (ORT, both files)
            try (OnnxRestorer before = OnnxRestorer.load(file, OnnxRestorer.Options.defaults().withValueRange(valueRange).withPredicts(predicts));
                    OnnxRestorer after = OnnxRestorer.load(out)) {
                Image x = realImages.get(0);
                Image a = before.restore(x);
                Image b = after.restore(x);
                double d = 0;
                float[] av = a.toArray();
                float[] bv = b.toArray();
                for (int i = 0; i < av.length; i++) {
                    d += Math.abs(av[i] - bv[i]);
                }
                System.out.printf(Locale.ROOT, "changed:   mean |adapted - original| on %s = %.4f%n", realImages.name(0), d / av.length);
            }
        }
        return 0;
    }

    /** The embedded photos degraded once each by the main example's hard real domain (seeds 3,000,000 + i). */
    static ImageSet simulatedReal(ImageSet photos) {
        Degradation d = CommandLine.populateCommand(new DenoisingBenchmark()).realDomain();
        return ImagePairs.degrade(photos, d, DenoisingBenchmark.REAL_REALIZATION_SEED).degraded();
    }

    /** {@code relative} under the working directory or the nearest ancestor that has it. */
    static Path findUpwards(Path relative) {
        return Ancestors.nearestFromWorkingDirectory(relative, Files::isRegularFile).orElseThrow(() ->
                new CommandLine.ParameterException(new CommandLine(new AdaptOnnxModel()), "no " + relative
                        + " in the working directory or above it: give --model"));
    }
}
