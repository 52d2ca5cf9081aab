package dev.dna.cli;

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
import dev.dna.api.io.AtomicFiles;
import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spec.Prediction;
import dev.dna.api.spec.ValueRange;
import dev.dna.onnx.OnnxExporter;
import dev.dna.onnx.PredictionCheck;
import dev.dna.samediff.ModelZoo;
import dev.dna.samediff.SameDiffTrainer;
import dev.dna.samediff.TrainedRestorer;
import dev.dna.samediff.TrainingListener;
import dev.dna.samediff.TrainingSummary;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dna adapt}: trains the full method on one's own folders: clean photos degraded by a synthetic degradation, and
 * unpaired real degraded images; writes plan.json, run.properties, log.csv, checkpoint.dna, restorer.dna and restorer.onnx in the run
 * folder.
 */
@Command(name = "adapt", mixinStandardHelpOptions = true,
        description = "Adapt a restorer to real degraded images with Denoising as Adaptation: train on clean photos degraded "
                + "synthetically and on unpaired real images; checkpoints, --resume, ONNX export at the end.")
final class AdaptCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--clean", paramLabel = "DIR", description = "clean photos for the synthetic domain (default: the 11 embedded photos)")
    Path clean;

    @Option(names = "--degradation", defaultValue = "awgn:0-50", paramLabel = "SPEC",
            description = "the synthetic degradation, " + Degradations.SYNTAX + " (default: ${DEFAULT-VALUE})")
    String degradation;

    @Option(names = "--real", paramLabel = "DIR", description = "real degraded images (no clean side needed); required but "
            + "with --resume, which reads the run's own")
    Path real;

    @Option(names = {"--validation", "--test"}, paramLabel = "DIR", description = "validation pairs: DIR/noisy and DIR/clean with the "
            + "same file names; validated every --validate-every steps (PSNR/SSIM in log.csv), the best kept as restorer-best.dna "
            + "(--test is the older name)")
    Path validation;

    @Option(names = "--plan", paramLabel = "FILE", description = "a plan file (plan.toJson()); default: the library's CPU-scale "
            + "recipe (Recipes): fine-tuning the --init restorer, or from scratch with --init none (UNet 16 wide, 2 levels)")
    Path planFile;

    @Option(names = "--steps", description = "training steps (default: the plan's; " + Recipes.FINE_TUNE_STEPS + " fine-tuning, "
            + "2000 from scratch)")
    Integer steps;

    @Option(names = "--seed", defaultValue = "0", description = "the plan's seed, without --plan (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--validate-every", description = "steps between validations on --validation (default: a tenth of the steps)")
    Integer validateEvery;

    @Option(names = "--checkpoint-every", defaultValue = "500", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "the run folder")
    Path out;

    @Option(names = "--resume", description = "continue the run in --out from its checkpoint, with the run's plan.json and the "
            + "data options of its run.properties (--real, --clean, --degradation, --validation; any given again replace them); a "
            + "larger --steps extends a finished run (when its lambda ramp does not span the whole run)")
    boolean resume;

    @Option(names = "--no-progress", description = "hide the progress bar")
    boolean noProgress;

    @Option(names = "--accept-other-data", description = "with --resume: continue even if the folders now hold other images "
            + "than the checkpoint was trained on (refused by default)")
    boolean acceptOtherData;

    @Option(names = "--init", paramLabel = "MODEL", defaultValue = ModelZoo.PREFIX + ModelZoo.DENOISER, description = "the "
            + "restorer to adapt: pretrained:NAME from dna's model zoo (dna inspect --pretrained lists them), a restorer.dna (its "
            + "network and weights), an ONNX model (imported as a trainable graph: its weights; the export keeps its input and "
            + "output names, shape, value range and prediction), or none (from scratch, the paper's protocol) (default: "
            + "${DEFAULT-VALUE})")
    String init;

    @Option(names = "--predicts", paramLabel = "WHAT", description = "with --init MODEL.onnx: what the model outputs, RESTORED "
            + "(the image), RESIDUAL (y - x) or NOISE (x - y) (default: ${DEFAULT-VALUE})", defaultValue = "RESTORED")
    Prediction predicts;

    @Option(names = "--value-range", paramLabel = "RANGE", description = "with --init MODEL.onnx: the values the model was "
            + "trained on, ZERO_ONE, MINUS_ONE_ONE or ZERO_255 (default: ${DEFAULT-VALUE})", defaultValue = "ZERO_ONE")
    ValueRange valueRange;

    @Option(names = "--crop", paramLabel = "SIDE", description = "cut each image of --real and --clean to its central SIDE x "
            + "SIDE pixels as it is read, so that many large photographs fit in memory (real noise is the same all over a "
            + "frame); default: whole images")
    Integer crop;

    @Option(names = "--skip-unreadable", description = "skip image files that cannot be read (corrupt, truncated, CMYK), "
            + "naming each, instead of stopping")
    boolean skipUnreadable;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Path checkpoint = out.resolve("checkpoint.dna");
        if (resume && !Files.exists(checkpoint)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--resume: no checkpoint " + checkpoint);
        }
        if (resume) {
            recallDataOptions(o);
        } else if (real == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--real=DIR'");
        }
        TrainedRestorer warm = null;
        OnnxRestorerSpec imported = null;
        boolean scratch = init.equals("none");
        if (!scratch && !resume) {
            java.util.Optional<String> pretrained = ModelZoo.nameOf(init);
            if (pretrained.isPresent()) {
                try {
                    warm = ModelZoo.builtIn().load(pretrained.get());
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--init: " + e.getMessage());
                }
            } else if (!Files.isRegularFile(Path.of(init))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--init: no such file " + init
                        + " (pretrained:NAME names a model of dna's zoo; none trains from scratch)");
            } else if (init.toLowerCase(Locale.ROOT).endsWith(".onnx")) {
                imported = Restorers.fromOnnx(Path.of(init)).withPredicts(predicts).withValueRange(valueRange);
            } else {
                warm = TrainedRestorer.load(Path.of(init));
            }
        } else if (resume && !scratch && !init.equals(spec.findOption("--init").defaultValue())) {
            o.println("--init " + init + " is ignored with --resume: the checkpoint holds the weights the run reached");
        }
        AdaptationPlan plan = withInit(plan(), warm, imported);
        checkFits(plan);
        if (crop != null && crop < plan.patchSize()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--crop must be at least the plan's patch size ("
                    + plan.patchSize() + "), got " + crop);
        }
        Degradation syn;
        try {
            syn = Degradations.parse(degradation);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--degradation: " + e.getMessage());
        }
        if (!resume && Files.exists(checkpoint)) {
            throw new CommandLine.ParameterException(spec.commandLine(), out + " already holds a run (" + checkpoint
                    + "): --resume continues it, or give another --out");
        }
        ImageSet cleanPhotos = clean == null ? EmbeddedImages.load() : folder(clean, o);
        ImageSet realImages = folder(real, o);
        if (imported != null) {
            PredictionCheck.Result check = PredictionCheck.check(imported, realImages, 4);
            o.println("imported:         " + imported.describe() + "; " + check.declared()
                    + (check.declared().plausible() ? "" : " (no smoother than the input: the check cannot judge it)"));
            check.warning().ifPresent(w -> o.println("WARNING: " + w));
        }
        o.printf(Locale.ROOT, "synthetic domain: %d clean photos (%s), %s%n", cleanPhotos.size(), clean == null ? "embedded" : clean,
                syn.describe());
        o.printf(Locale.ROOT, "real domain:      %d images in %s%n", realImages.size(), real);
        o.println("plan:             " + plan);
        PatchSampler sampler = PatchSampler.of(plan);
        Files.createDirectories(out);
        if (!resume) {
            Files.deleteIfExists(out.resolve("log.csv"));
        }
        AtomicFiles.write(out.resolve("plan.json"), w -> w.write(plan.toJson().getBytes(StandardCharsets.UTF_8)));
        new RunOptions(real, java.util.Optional.ofNullable(clean), degradation, java.util.Optional.ofNullable(validation),
                crop == null ? 0 : crop).save(out.resolve(RunOptions.FILE));
        SameDiffTrainer trainer = SameDiffTrainer.create(plan).named("adapt").progressBar(!noProgress)
                .logCsv(out.resolve("log.csv")).acceptOtherData(acceptOtherData);
        if (warm != null) {
            trainer = trainer.startFrom(warm);
            o.println("warm start:       " + init);
        }
        if (checkpointEvery > 0) {
            trainer = trainer.checkpointEvery(checkpointEvery, checkpoint);
        }
        ImagePairs pairs;
        if (validation != null) {
            pairs = ImagePairs.fromFolders(validation.resolve("noisy"), validation.resolve("clean"));
            o.printf(Locale.ROOT, "validation:       %d pairs in %s%n", pairs.size(), validation);
        } else {
            pairs = syntheticGuard(cleanPhotos, syn);
            o.printf(Locale.ROOT, "validation:       %d synthetic pairs, central crops of the clean photos degraded once (no --validation: "
                    + "a guard against a collapsed restorer, not a measure of quality on the real images)%n", pairs.size());
        }
        Path best = out.resolve("restorer-best.dna");
        trainer = trainer.validateEvery(validateEvery != null ? validateEvery : Math.max(1, plan.steps() / 10),
                pairs.degraded(), pairs.clean()).keepBest(best);
        TrainingSummary[] summary = new TrainingSummary[1];
        trainer = trainer.listener(new TrainingListener() {
            @Override
            public void onFinish(TrainingSummary s) {
                summary[0] = s;
            }
        });
        PatchDataset synthetic = PatchDataset.synthetic(cleanPhotos, syn, sampler);
        PatchDataset realPatches = PatchDataset.unpaired(realImages, sampler);
        TrainedRestorer r = resume ? trainer.resume(checkpoint, synthetic, realPatches) : trainer.fit(synthetic, realPatches);
        r.save(out.resolve("restorer.dna"));
        OnnxExporter.Verification v = OnnxExporter.export(r, out.resolve("restorer.onnx"));
        o.println("wrote " + out.resolve("restorer.dna") + " and " + out.resolve("restorer.onnx") + " (" + v + ")");
        if (Files.exists(best)) {
            TrainedRestorer b = TrainedRestorer.load(best);
            OnnxExporter.export(b, out.resolve("restorer-best.onnx"));
            o.printf(Locale.ROOT, "wrote %s and %s: the best validated restorer (%.2f dB at step %d; the final one: %.2f dB)%n", best,
                    out.resolve("restorer-best.onnx"), summary[0].bestPsnr(), summary[0].bestStep(), summary[0].finalPsnr());
        }
        if (!summary[0].spikes().isEmpty()) {
            o.printf(Locale.ROOT, "%d spike(s) caught (log.csv's spike column); the last: %s%n", summary[0].spikes().size(),
                    summary[0].spikes().get(summary[0].spikes().size() - 1).describe());
        }
        summary[0].warning().ifPresent(w -> o.println("WARNING: " + w));
        // the best checkpoint where it was chosen on real pairs or the final one collapsed; chosen on synthetic crops, it
        // can favour the least adapted weights (synthetic noise is what the start knew), so the final one is advised
        boolean useBest = Files.exists(best) && (validation != null || summary[0].warning().isPresent());
        o.println("next:             dna restore --model " + out.resolve(useBest ? "restorer-best.onnx" : "restorer.onnx")
                + " --in PHOTOS --out RESTORED");
        return 0;
    }

    /** Bytes a restorer parameter takes in training: its weight, gradient, Adam's two moments, the EMA, a copy. */
    static final long TRAINING_BYTES_PER_PARAMETER = 6 * Float.BYTES;

    /**
     * Refuses a plan (from --plan or a run's plan.json) whose restorer cannot be trained in this JVM's memory, before
     * its network is built: a plan file can name {@code unet(1024, 6)}, 142 billion parameters.
     */
    private void checkFits(AdaptationPlan plan) {
        long heap = Runtime.getRuntime().maxMemory(); // ND4J's off-heap limit defaults to the same
        plan.restorer().parameterCount().ifPresent(n -> {
            if (n > heap / TRAINING_BYTES_PER_PARAMETER) {
                throw new CommandLine.ParameterException(spec.commandLine(), String.format(Locale.ROOT, "the plan's restorer, "
                        + "%s, has %,d parameters: training them takes about %.1f GB, more than this JVM's %.1f GB (a smaller "
                        + "network, or DNA_JAVA_OPTS=-Xmx...)", plan.restorer().describe(), n,
                        n * (double) TRAINING_BYTES_PER_PARAMETER / 1e9, heap / 1e9));
            }
        });
    }

    /**
     * With --resume: the data options not given on the command line are the run's own, from its run.properties. A run
     * without one (started before dna wrote it) needs them given again.
     */
    private void recallDataOptions(PrintWriter o) throws java.io.IOException {
        Path file = out.resolve(RunOptions.FILE);
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        if (Files.exists(file)) {
            RunOptions run = RunOptions.load(file);
            java.util.List<String> recalled = new java.util.ArrayList<>();
            if (!given.hasMatchedOption("--real")) {
                real = run.real();
                recalled.add("--real " + real);
            }
            if (!given.hasMatchedOption("--clean")) {
                clean = run.clean().orElse(null);
                run.clean().ifPresent(c -> recalled.add("--clean " + c));
            }
            if (!given.hasMatchedOption("--degradation")) {
                degradation = run.degradation();
                recalled.add("--degradation " + degradation);
            }
            if (!given.hasMatchedOption("--validation")) {
                validation = run.validation().orElse(null);
                run.validation().ifPresent(v -> recalled.add("--validation " + v));
            }
            if (!given.hasMatchedOption("--crop") && run.crop() > 0) {
                crop = run.crop();
                recalled.add("--crop " + crop);
            }
            if (!recalled.isEmpty()) {
                o.println("resuming with:    " + String.join(" ", recalled) + " (the run's " + RunOptions.FILE + ")");
            }
        } else if (real == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--resume: " + file + " is missing (a run of an "
                    + "older dna): give the run's --real, and its --clean, --degradation and --validation if it had them");
        }
    }

    /** Synthetic pairs for the collapse guard: central crops of up to 8 clean photos, degraded once with fixed seeds. */
    static ImagePairs syntheticGuard(ImageSet cleanPhotos, Degradation syn) {
        int n = Math.min(8, cleanPhotos.size());
        int side = 128;
        for (int i = 0; i < n; i++) {
            side = Math.min(side, Math.min(cleanPhotos.get(i).height(), cleanPhotos.get(i).width()));
        }
        ImageSet crops = cleanPhotos.select(java.util.stream.IntStream.range(0, n).toArray()).centerCrops(side);
        return ImagePairs.degrade(crops, syn, 7_000_000L);
    }

    /** The images in {@code dir}, cut to --crop; with --skip-unreadable, the readable ones, the others counted and named. */
    private ImageSet folder(Path dir, PrintWriter o) throws java.io.IOException {
        ImageSet.ReadOptions options = crop == null ? ImageSet.ReadOptions.defaults() : ImageSet.ReadOptions.defaults().croppedTo(crop);
        if (!skipUnreadable) {
            try {
                return ImageSet.fromDirectory(dir, options).images();
            } catch (java.io.IOException e) {
                // a file that cannot be read (not a missing or empty folder): say how to go on without it
                if (e.getMessage() != null && e.getMessage().startsWith("cannot read image")) {
                    throw new java.io.IOException(e.getMessage() + " (--skip-unreadable skips such files)", e);
                }
                throw e;
            }
        }
        ImageSet.Read read = ImageSet.fromDirectory(dir, options.skippingUnreadable());
        if (!read.skipped().isEmpty()) {
            o.printf(Locale.ROOT, "skipped %d unreadable file(s) in %s:%n", read.skipped().size(), dir);
            read.skipped().forEach((name, why) -> o.println("  " + name + ": " + why));
        }
        return read.images();
    }

    /** The plan around the restorer of --init: its network and value range; a fixed-size model's patch size. */
    private AdaptationPlan withInit(AdaptationPlan p, TrainedRestorer warm, OnnxRestorerSpec imported) {
        if (warm != null) {
            return Adaptation.from(p).restorer(warm.spec()).valueRange(warm.valueRange()).build();
        }
        if (imported != null) {
            int patch = imported.fixedHeight() > 0 ? (int) imported.fixedHeight() : p.patchSize();
            int f = imported.downsamplingFactor();
            if (patch % f != 0) {
                patch = (patch / f + 1) * f;
            }
            try {
                return Adaptation.from(p).restorer(imported).patchSize(patch).build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--init " + init + ": " + e.getMessage());
            }
        }
        return p;
    }

    private AdaptationPlan plan() throws java.io.IOException {
        if (planFile == null && resume && Files.exists(out.resolve("plan.json"))) {
            planFile = out.resolve("plan.json"); // the run's own plan; --steps may extend it
        }
        if (planFile != null) {
            AdaptationPlan p;
            try {
                p = AdaptationPlan.fromJson(Files.readString(planFile));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--plan " + planFile + ": " + e.getMessage());
            }
            return steps == null ? p : Adaptation.from(p).steps(steps).build();
        }
        if (steps != null && steps < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be >= 1, got " + steps);
        }
        if (init.equals("none")) {
            return Recipes.fromScratch(steps != null ? steps : 2000, seed);
        }
        // fine-tuning: withInit puts the --init restorer's network in; until then the recipe holds a placeholder UNet
        return Recipes.fineTuning(Restorers.unet(16, 2), steps != null ? steps : Recipes.FINE_TUNE_STEPS, seed);
    }
}
