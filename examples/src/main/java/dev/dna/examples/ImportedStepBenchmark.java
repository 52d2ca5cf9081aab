package dev.dna.examples;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.PatchDataset;
import dev.dna.api.data.PatchSampler;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.samediff.SameDiffTrainer;
import dev.dna.samediff.StepReport;
import dev.dna.samediff.TrainingListener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A training step of an imported network against PyTorch on the same network, in one run: the fixture of
 * {@code tools/make_modern_fixtures.py} imported from its ONNX file and trained vanilla (Charbonnier loss, Adam) in SameDiff,
 * then {@code tools/imported_step.py} timing the same step in PyTorch with the same threads. Medians over the steps after
 * a warm-up; the step proper (drawing patches excluded on both sides).
 * <pre>
 * mvn -q -Pexample -pl examples -am package -DskipTests -Dexample.main=dev.dna.examples.ImportedStepBenchmark \
 *     -Dexample.args="--network nafnet --reps 3"
 * </pre>
 */
@Command(name = "imported-step-benchmark", mixinStandardHelpOptions = true,
        description = "Time a training step of an imported network against PyTorch on the same network.")
public final class ImportedStepBenchmark implements Callable<Integer> {
    @Option(names = "--network", defaultValue = "nafnet", description = "a fixture of tools/make_modern_fixtures.py")
    String network;

    @Option(names = "--batch", defaultValue = "8")
    int batch;

    @Option(names = "--patch", defaultValue = "64")
    int patch;

    @Option(names = "--steps", defaultValue = "20", description = "timed steps per repetition, after 3 warm-up steps")
    int steps;

    @Option(names = "--reps", defaultValue = "3", description = "repetitions, alternating SameDiff and PyTorch")
    int reps;

    @Option(names = "--threads", defaultValue = "2", description = "PyTorch's threads (ND4J uses its own, all cores)")
    int threads;

    /**
     * Runs the command line {@code args} (see the class comment and {@code --help}); exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ImportedStepBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path file = Path.of("dna-onnx/src/test/resources/dev/dna/onnx/fixtures/modern/" + network + "-opset17.onnx");
        OnnxRestorerSpec spec = Restorers.fromOnnx(file);
        List<Double> ratios = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            double sd = sameDiff(spec);
            double[] torch = torch();
            ratios.add(sd / torch[0]);
            System.out.printf(Locale.ROOT, "rep %d: %s, batch %d of %dx%d: SameDiff %.4f s a step, PyTorch %.4f s (%d parameters): "
                    + "%.2fx%n", rep + 1, network, batch, patch, patch, sd, torch[0], (long) torch[1], sd / torch[0]);
        }
        ratios.sort(Double::compare);
        System.out.printf(Locale.ROOT, "median SameDiff / PyTorch over %d repetitions: %.2fx (all: %s)%n", reps,
                ratios.get(ratios.size() / 2), ratios);
        return 0;
    }

    private double sameDiff(OnnxRestorerSpec spec) {
        AdaptationPlan plan = Adaptation.of(spec).patchSize(patch).batchSize(batch).steps(steps + 3).learningRate(1e-4)
                .emaDecay(0).build();
        List<Double> seconds = new ArrayList<>();
        SameDiffTrainer.create(plan).progressBar(false).listener(new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
                if (r.step() > 3) {
                    seconds.add(r.computeSeconds());
                }
            }
        }).fit(PatchDataset.synthetic(EmbeddedImages.load(), Awgn.sigma255(0, 50), PatchSampler.of(plan)), null);
        seconds.sort(Double::compare);
        return seconds.get(seconds.size() / 2);
    }

    private double[] torch() throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "tools/imported_step.py", network, Integer.toString(batch),
                Integer.toString(patch), Integer.toString(steps), Integer.toString(threads)).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("median_seconds")) {
                    last = line;
                }
            }
        }
        if (p.waitFor() != 0 || last == null) {
            throw new IllegalStateException("tools/imported_step.py failed (python3-torch installed?)");
        }
        String[] w = last.split(" ");
        return new double[] {Double.parseDouble(w[1]), Double.parseDouble(w[3])};
    }
}
