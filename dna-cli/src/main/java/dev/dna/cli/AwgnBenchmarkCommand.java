package dev.dna.cli;

import dev.dna.api.data.ImageSet;
import dev.dna.api.io.AtomicFiles;
import dev.dna.api.metrics.AwgnBenchmark;
import dev.dna.onnx.RestorerFiles;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dna benchmark-awgn}: a restorer on the colour Gaussian-denoising benchmark (CBSD68, Kodak24, McMaster at sigma
 * 15, 25, 50; {@link AwgnBenchmark}), printed as a Markdown table beside the published figures of CBM3D, CDnCNN, FFDNet
 * and DRUNet.
 */
@Command(name = "benchmark-awgn", mixinStandardHelpOptions = true,
        description = "Score a restorer on CBSD68, Kodak24 and McMaster with Gaussian noise of sigma 15, 25 and 50 (fixed "
                + "noise seeds), beside the published figures of CBM3D, CDnCNN, FFDNet and DRUNet.")
final class AwgnBenchmarkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "a restorer: " + ModelOption.SYNTAX)
    String model;

    @Option(names = "--testsets", paramLabel = "DIR", description = "the folder holding CBSD68/, Kodak24/ and McMaster/ "
            + "(default: the nearest shared/data/testsets above the working directory)")
    Path testsets;

    @Option(names = "--sets", split = ",", description = "which sets (default: CBSD68,Kodak24,McMaster)")
    List<String> sets;

    @Option(names = "--sigmas", split = ",", description = "noise levels in 8-bit units (default: 15,25,50)")
    List<Integer> sigmas;

    @Option(names = "--seed", defaultValue = "0", description = "the noise's seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--limit", description = "only the first N images of each set (a quick look, not the benchmark)")
    Integer limit;

    @Option(names = "--label", description = "the restorer's column heading (default: the model's name)")
    String label;

    @Option(names = "--out", description = "also write the table to this Markdown file")
    Path out;

    @Option(names = "--cuda", description = "use ONNX Runtime's CUDA provider when available (ONNX models)")
    boolean cuda;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        List<String> which = sets == null ? AwgnBenchmark.SETS : sets;
        for (String s : which) {
            if (!AwgnBenchmark.SETS.contains(s)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--sets: unknown set " + s + "; known: "
                        + AwgnBenchmark.SETS);
            }
        }
        List<Integer> levels = sigmas == null ? AwgnBenchmark.SIGMAS : sigmas;
        for (int s : levels) {
            if (s <= 0 || s > 255) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--sigmas must be in (0, 255], got " + s);
            }
        }
        if (limit != null && limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 1, got " + limit);
        }
        Path dir = testsets != null ? testsets : AwgnBenchmark.find().orElseThrow(() -> new CommandLine.ParameterException(
                spec.commandLine(), "no test sets found: name the folder holding CBSD68/, Kodak24/ and McMaster/ with "
                        + "--testsets (none under shared/data/testsets above the working directory)"));
        Map<String, ImageSet> data = AwgnBenchmark.read(dir, which);
        List<AwgnBenchmark.Row> rows = new ArrayList<>();
        try (RestorerFiles.Opened r = ModelOption.open(model, cuda)) {
            o.printf(Locale.ROOT, "model %s (%s); test sets %s, noise seed %d%n", model, r.engine(), dir, seed);
            for (var e : data.entrySet()) {
                ImageSet clean = e.getValue();
                if (limit != null && limit < clean.size()) {
                    clean = clean.select(java.util.stream.IntStream.range(0, limit).toArray());
                }
                for (int sigma : levels) {
                    AwgnBenchmark.Row row = AwgnBenchmark.evaluate(r.restorer(), e.getKey(), clean, sigma, seed);
                    o.printf(Locale.ROOT, "%s sigma %d: %.2f dB, SSIM %.4f (noisy %.2f dB; %d images, %.1f s)%n", row.set(),
                            row.sigma(), row.psnr(), row.ssim(), row.inputPsnr(), row.images(), row.seconds());
                    o.flush();
                    rows.add(row);
                }
            }
        }
        String table = AwgnBenchmark.table(label != null ? label : model, rows);
        o.println();
        o.print(table);
        if (limit != null) {
            o.println("(--limit " + limit + ": the first images of each set only; the published figures are over whole sets)");
        }
        if (out != null) {
            AtomicFiles.write(out, w -> w.write(table.getBytes(StandardCharsets.UTF_8)));
        }
        return 0;
    }
}
