package dev.dna.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.dna.api.image.Image;
import dev.dna.api.image.TiledInference;
import dev.dna.onnx.OnnxExporter;
import dev.dna.ort.OnnxRestorer;
import dev.dna.samediff.SameDiffTrainer;
import dev.dna.samediff.StepReport;
import dev.dna.samediff.TrainedRestorer;
import dev.dna.samediff.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 5's benchmark: in one run, the SameDiff training step of each variant, the restorer's inference
 * in SameDiff and in ONNX Runtime, and the same networks and step in PyTorch ({@code
 * tools/torch_reference.py}, run as a child process with as many threads as this JVM has cores).
 * Prints medians, the ratio to PyTorch, the achieved GFLOP/s against the CPU's nominal peak, and the
 * peak resident memory of the training run.
 */
@Command(name = "perf-benchmark", mixinStandardHelpOptions = true,
        description = "SameDiff vs ONNX Runtime vs PyTorch: training step and inference, medians and ratios.")
public final class PerfBenchmark implements Callable<Integer> {
    @Option(names = "--width", defaultValue = "16", description = "restorer UNet width (default: ${DEFAULT-VALUE})") int width;
    @Option(names = "--depth", defaultValue = "2", description = "restorer UNet depth (default: ${DEFAULT-VALUE})") int depth;
    @Option(names = "--diffusion-width", defaultValue = "16") int diffusionWidth;
    @Option(names = "--multipliers", split = ",", defaultValue = "1,2") int[] multipliers;
    @Option(names = "--res-blocks", defaultValue = "1") int resBlocks;
    @Option(names = "--attention", defaultValue = "false") boolean attention;
    @Option(names = "--batch", defaultValue = "4") int batch;
    @Option(names = "--patch", defaultValue = "48") int patch;
    @Option(names = "--steps", defaultValue = "30", description = "timed training steps per variant, after 2 warm-up steps (default: ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--variants", split = ",", defaultValue = "vanilla,full") List<String> variants;
    @Option(names = "--executors", split = ",", defaultValue = "replay",
            description = "how SameDiff runs the step: replay (recorded ops, the default), session (SameDiff's own), or both "
                    + "(default: ${DEFAULT-VALUE})")
    List<String> executors;
    @Option(names = "--sizes", split = ",", defaultValue = "256,1024", description = "inference image sides") int[] sizes;
    @Option(names = "--reps", defaultValue = "5", description = "timed inference runs per size") int reps;
    @Option(names = "--python", description = "python with torch (default: the first of python3, /usr/bin/python3 that imports torch)")
    String python;
    @Option(names = "--no-torch", description = "skip the PyTorch side") boolean noTorch;

    /**
     * Runs the command line {@code args} (see the class comment and {@code --help}); exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new PerfBenchmark()).execute(args));
    }

    AdaptationPlan plan() {
        return Adaptation.of(Restorers.unet(width, depth))
                .withDiffusion(Diffusion.unet(diffusionWidth).multipliers(multipliers).resBlocks(resBlocks)
                        .middleAttention(attention).dropout(0.1))
                .channelShuffle().residualSwap().patchSize(patch).batchSize(batch).steps(steps + 2).learningRate(1e-3)
                .emaDecay(0.999).build();
    }

    @Override
    public Integer call() throws Exception {
        for (String executor : executors) {
            if (!executor.equals("replay") && !executor.equals("session")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--executors: replay or session, got " + executor);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        Peak peak = Peak.read(cores);
        AdaptationPlan full = plan();
        System.out.printf(Locale.ROOT, "machine: %s; %d cores; nominal peak %.0f GFLOP/s fp32 (%s)%n", peak.model, cores,
                peak.gflops, peak.how);
        System.out.println("plan: restorer " + full.restorer().describe() + ", diffusion width " + diffusionWidth
                + " multipliers " + java.util.Arrays.toString(multipliers) + ", batch " + batch + ", patch " + patch);
        String py = noTorch ? null : findPython();
        if (!noTorch && py == null) {
            System.out.println("PyTorch not found (install python3-torch, or pass --python); PyTorch columns are empty");
        }

        ImageSet photos = EmbeddedImages.load();
        PatchSampler sampler = new PatchSampler(patch, true);
        PatchDataset syn = PatchDataset.synthetic(photos, Awgn.sigma255(0, 50), sampler);
        PatchDataset real = PatchDataset.synthetic(photos, CameraNoise.typical(), sampler);

        System.out.println();
        System.out.println("| training step | SameDiff median (s) | min-max (s) | PyTorch median (s) | SameDiff / PyTorch"
                + " | SameDiff GFLOP/s | PyTorch GFLOP/s | patch data (s) | peak RSS (MB) | RSS growth, 2nd half (MB) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        List<String> traces = new ArrayList<>();
        for (String v : variants) {
            JsonNode torch = py == null ? null : torch(py, cores, v, new int[0]);
            for (String executor : executors) {
                AdaptationPlan p = full.ablation(Ablation.valueOf(v.toUpperCase(Locale.ROOT)));
                List<Double> secs = new ArrayList<>();
                List<Double> data = new ArrayList<>();
                List<Long> rss = new ArrayList<>();
                List<Long> heap = new ArrayList<>();
                SameDiffTrainer.create(p).progressBar(false).replayOps(executor.equals("replay")).listener(new TrainingListener() {
                    @Override
                    public void onStep(StepReport r) {
                        if (r.step() > 2) {
                            secs.add(r.computeSeconds());
                            data.add(r.dataSeconds());
                            rss.add(Memory.rssBytes());
                            heap.add(Runtime.getRuntime().totalMemory());
                        }
                    }
                }).fit(syn, p.usesDiffusion() ? real : null);
                double sd = Timing.median(secs);
                double pt = torch == null ? Double.NaN : torch.path("step_median_s").asDouble();
                double flops = torch == null ? Double.NaN : torch.path("step_flops").asDouble();
                long mid = rss.get(rss.size() / 2);
                String row = executors.size() > 1 ? v + " (" + executor + ")" : v;
                System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f-%.3f | %.3f | %.2fx | %.1f | %.1f | %.3f | %d | %+d |%n", row,
                        sd, Collections.min(secs), Collections.max(secs), pt, sd / pt, flops / sd / 1e9, flops / pt / 1e9,
                        Timing.median(data), Memory.peakRssBytes() / 1_000_000, (rss.get(rss.size() - 1) - mid) / 1_000_000);
                traces.add(String.format(Locale.ROOT, "%s: RSS (MB) after each tenth of the timed steps: %s; of which Java heap "
                        + "committed: %s", row, tenthsMb(rss), tenthsMb(heap)));
            }
        }
        traces.forEach(System.out::println);

        TrainedRestorer restorer = TrainedRestorer.initial(full);
        Path file = Files.createTempFile("dna-perf", ".onnx");
        JsonNode torch = py == null ? null : torch(py, cores, "vanilla", sizes);
        try {
            OnnxExporter.export(restorer, file);
            try (OnnxRestorer ort = OnnxRestorer.load(file)) {
                System.out.println();
                System.out.println("| inference | SameDiff (s) | ONNX Runtime (s) | PyTorch (s) | SameDiff / ORT | PyTorch / ORT"
                        + " | ORT GFLOP/s |");
                System.out.println("|---|---|---|---|---|---|---|");
                Image photo = EmbeddedImages.get("astronaut.png");
                for (int s : sizes) {
                    Image x = TiledInference.replicatePad(photo.crop(0, 0, Math.min(s, 512), Math.min(s, 512)), s, s);
                    double a = Timing.medianSeconds(restorer::restore, x, reps);
                    double b = Timing.medianSeconds(ort::restore, x, reps);
                    JsonNode t = torch == null ? null : torch.path("inference").path(Integer.toString(s));
                    double c = t == null ? Double.NaN : t.path("median_s").asDouble();
                    double f = t == null ? Double.NaN : t.path("forward_flops").asDouble();
                    System.out.printf(Locale.ROOT, "| %dx%d | %.3f | %.3f | %.3f | %.2fx | %.2fx | %.1f |%n", s, s, a, b, c,
                            a / b, c / b, f / b / 1e9);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        if (torch != null) {
            System.out.printf(Locale.ROOT, "%nparameters: restorer %d here, %d in PyTorch; diffusion %d in PyTorch (torch %s, %d threads)%n",
                    restorer.weights().values().stream().mapToLong(a -> a.length()).sum(), torch.path("restorer_params").asLong(), torch.path("diffusion_params").asLong(),
                    torch.path("torch").asText(), torch.path("threads").asInt());
        }
        System.out.println("GFLOP/s count 2 x multiply-accumulates of convolutions, dense layers and attention; a training"
                + " step counts 3x its forward pass.");
        System.out.println("A SameDiff step is the step without drawing its patches (listed apart as patch data: cropping and"
                + " degrading them in Java), as PyTorch's step is timed without making its batch. Both include drawing"
                + " the dropout masks; SameDiff's also includes drawing the diffusion noise and levels.");
        return 0;
    }

    private JsonNode torch(String py, int cores, String variant, int[] inferenceSizes) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(py, "tools/torch_reference.py", "bench", "--width", "" + width, "--depth",
                "" + depth, "--diffusion-width", "" + diffusionWidth, "--multipliers", join(multipliers), "--res-blocks",
                "" + resBlocks, "--dropout", "0.1", "--batch", "" + batch, "--patch", "" + patch, "--steps", "" + steps,
                "--variant", variant, "--threads", "" + cores, "--reps", "" + reps, "--sizes", join(inferenceSizes)));
        if (attention) {
            cmd.add("--attention");
        }
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (proc.waitFor() != 0) {
            throw new IOException("PyTorch reference failed: " + String.join(" ", cmd));
        }
        return new ObjectMapper().readTree(out);
    }

    /** The values after each tenth of {@code bytes} (its 10%, 20%, ..., last element), in MB. */
    private static String tenthsMb(List<Long> bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            sb.append(i == 1 ? "" : " ").append(bytes.get(i * (bytes.size() - 1) / 10) / 1_000_000);
        }
        return sb.toString();
    }

    private static String join(int[] xs) {
        StringBuilder sb = new StringBuilder();
        for (int x : xs) {
            sb.append(sb.length() == 0 ? "" : ",").append(x);
        }
        return sb.toString();
    }

    private static String findPython() {
        for (String py : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return py;
                }
            } catch (IOException | InterruptedException e) {
                // try the next one
            }
        }
        return null;
    }

    /** Resident memory of this process, from /proc (Linux); -1 elsewhere. */
    static final class Memory {
        static long rssBytes() {
            return field("VmRSS:");
        }

        static long peakRssBytes() {
            return field("VmHWM:");
        }

        private static long field(String name) {
            try {
                for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (l.startsWith(name)) {
                        return Long.parseLong(l.substring(name.length()).trim().split("\\s+")[0]) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return -1;
        }
    }

    /**
     * Nominal fp32 peak: cores x base GHz x FLOPs per cycle (2 FMA units: 32 with AVX2, 64 with AVX-512).
     * The base clock is the one in the model name, else the TSC rate (BogoMIPS / 2).
     */
    record Peak(String model, double gflops, String how) {
        static Peak read(int cores) {
            try {
                String info = Files.readString(Path.of("/proc/cpuinfo"));
                String model = first(info, "model name\\s*:\\s*(.+)");
                String flags = first(info, "flags\\s*:\\s*(.+)");
                int perCycle = flags.contains(" avx512f") ? 64 : flags.contains(" fma") && flags.contains(" avx2") ? 32 : 8;
                Matcher ghz = Pattern.compile("@\\s*([0-9.]+)GHz").matcher(model);
                double f = ghz.find() ? Double.parseDouble(ghz.group(1)) : Double.parseDouble(first(info, "bogomips\\s*:\\s*([0-9.]+)")) / 2000;
                return new Peak(model.trim(), cores * f * perCycle,
                        String.format(Locale.ROOT, "%d x %.2f GHz x %d FLOP/cycle", cores, f, perCycle));
            } catch (IOException | RuntimeException e) {
                return new Peak("unknown", Double.NaN, "no /proc/cpuinfo");
            }
        }

        private static String first(String text, String regex) {
            Matcher m = Pattern.compile(regex, Pattern.CASE_INSENSITIVE).matcher(text);
            if (!m.find()) {
                throw new IllegalStateException("no " + regex);
            }
            return m.group(1);
        }
    }
}
