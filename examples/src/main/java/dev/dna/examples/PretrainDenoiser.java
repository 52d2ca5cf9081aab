package dev.dna.examples;

import dev.dna.bench.DenoisingBenchmark;
import dev.dna.bench.RunLog;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.ImageSet;
import dev.dna.api.data.PatchDataset;
import dev.dna.api.data.PatchSampler;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.api.io.AtomicFiles;
import dev.dna.api.random.Rngs;
import dev.dna.api.spec.OptimizerSpec;
import dev.dna.samediff.SameDiffTrainer;
import dev.dna.samediff.TrainedRestorer;
import dev.dna.samediff.ValidationReport;
import dev.dna.samediff.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.commons.rng.UniformRandomProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains dna's pretrained blind denoiser: the UNet restorer on additive white Gaussian noise of a random level
 * (sigma ~ U(0, {@code --sigma-max})/255 per patch, unclipped) over clean photographs, supervised only (the vanilla
 * plan: Charbonnier loss, Adam with a cosine decay, EMA of the weights).
 *
 * <p>The photographs: every PNG or JPEG under {@code --photos} (e.g. what {@code tools/fetch_debian_photos.sh DIR}
 * extracts from Debian's packages: 55 photographs under free licences, each named in
 * {@code tools/debian-photos.tsv}), each scaled down to a longer side of
 * at most {@code --max-side} pixels (area averaging: the originals' camera noise and JPEG blocking shrink with it);
 * without {@code --photos}, the embedded photographs. Never trained on: the main example's three test photographs
 * ({@link DenoisingBenchmark#HELD_OUT}) and its validation photograph ({@link DenoisingBenchmark#VALIDATION}), under any
 * of their file names, and the validation photographs ({@link #VALIDATION}; with the embedded photographs, the main
 * example's validation photograph), whose central {@value #VALIDATION_CROP}-pixel crops, noised once at sigma 15, 25 and
 * 50 with a fixed seed, are validated every {@code --validate-every} steps and choose {@code restorer-best.dna}.
 *
 * <p>Writes into {@code --out}: {@code plan.json}, {@code log.csv}, {@code checkpoint.ckpt} (every
 * {@code --checkpoint-every} steps; {@code --resume} continues from it exactly), {@code restorer-best.dna},
 * {@code restorer.dna} (the last step's EMA weights), {@code history.json} (every invocation: its arguments, the step
 * it resumed from, the plan's steps it ran under) and {@code provenance.json} (command, history, seed, the photographs
 * with their SHA-256, steps, seconds, validation figures). Its test figures come from the AWGN benchmark.
 *
 * <p>{@code mvn -q -Pexample -pl examples -am package -DskipTests -Dexample.main=dev.dna.examples.PretrainDenoiser
 * -Dexample.args="--photos DIR --out runs/pretrain"}
 */
@Command(name = "pretrain-denoiser", mixinStandardHelpOptions = true,
        description = "Train the pretrained blind Gaussian denoiser (dna's UNet) on clean photographs.")
public final class PretrainDenoiser implements Callable<Integer> {

    /** Photographs kept for validation (never trained on): one per Debian package, various content. */
    static final List<String> VALIDATION = List.of("castle-maintenon", "LadyBird", "ColorfulCups", "Bridge_by_Sander_Klootwijk");
    static final int VALIDATION_CROP = 256;
    static final double[] VALIDATION_SIGMAS = {15, 25, 50};

    @Option(names = "--photos", description = "folder of clean photographs, searched recursively (default: the embedded photos)")
    Path photos;

    @Option(names = "--out", required = true, description = "run folder")
    Path out;

    @Option(names = "--resume", description = "continue the run in --out from its checkpoint, with the plan it recorded")
    boolean resume;

    @Option(names = "--steps", description = "optimizer steps of the whole run (default: " + DEFAULT_STEPS + "); with --resume, "
            + "a new length for the run: its learning-rate schedule from the checkpoint on is the new length's (recorded in "
            + "history.json)")
    Integer steps;

    static final int DEFAULT_STEPS = 40_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--width", defaultValue = "32", description = "UNet base channels (default: ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--depth", defaultValue = "3", description = "UNet 2x downsamplings (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--patch", defaultValue = "96", description = "training patch side (default: ${DEFAULT-VALUE})")
    int patch;

    @Option(names = "--batch", defaultValue = "8", description = "patches per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "4e-4", description = "peak Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--min-lr", defaultValue = "1e-6", description = "learning rate at the last step (default: ${DEFAULT-VALUE})")
    double minLr;

    @Option(names = "--warmup", defaultValue = "500", description = "linear warm-up steps (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--clip", defaultValue = "1.0", description = "largest global gradient norm applied, 0 for none (default: "
            + "${DEFAULT-VALUE})")
    double clip;

    @Option(names = "--ema", defaultValue = "0.999", description = "EMA decay of the returned weights (default: ${DEFAULT-VALUE})")
    double ema;

    @Option(names = "--sigma-max", defaultValue = "55", description = "largest noise level, in 8-bit units (default: "
            + "${DEFAULT-VALUE})")
    double sigmaMax;

    @Option(names = "--max-side", defaultValue = "1024", description = "photographs are scaled down to this longer side "
            + "(default: ${DEFAULT-VALUE})")
    int maxSide;

    @Option(names = "--seed", defaultValue = "0", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--validate-every", defaultValue = "1000", description = "(default: ${DEFAULT-VALUE})")
    int validateEvery;

    @Option(names = "--checkpoint-every", defaultValue = "500", description = "(default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--stop-after", description = "stop after this step, as if interrupted (resume later)")
    Integer stopAfter;

    @Option(names = "--no-progress", description = "no progress lines")
    boolean noProgress;

    /**
     * Runs the command line {@code args} (see the class comment and {@code --help}); exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new PretrainDenoiser()).execute(args));
    }

    /** The training and validation photographs, each with its file's SHA-256 (hex) for the provenance. */
    record Photos(ImageSet train, ImageSet validation, List<String[]> files) {}

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        Path planFile = out.resolve("plan.json");
        Path ckpt = out.resolve("checkpoint.ckpt");
        AdaptationPlan plan;
        long done = 0; // steps logged before this invocation
        if (resume) {
            if (!Files.exists(planFile) || !Files.exists(ckpt)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--resume: " + out
                        + " holds no plan.json and checkpoint.ckpt to continue");
            }
            plan = AdaptationPlan.fromJson(Files.readString(planFile));
            done = RunLog.read(out.resolve("log.csv")).lastStep();
            if (steps != null && steps.intValue() != plan.steps()) {
                if (steps <= done) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--steps " + steps + ": the run in " + out
                            + " has done " + done + " steps already");
                }
                plan = writePlan(planFile, Adaptation.from(plan).steps(steps).build());
            }
        } else {
            plan = writePlan(planFile, plan());
        }
        recordInvocation(plan, done);
        Photos data = photos();
        System.err.printf(Locale.ROOT, "pretraining %s on %d photographs (%d kept for validation), %d steps%n",
                plan.restorer().describe(), data.train().size(), data.validation().size(), plan.steps());
        ImageSet valClean = data.validation().centerCrops(VALIDATION_CROP);
        List<String> names = new ArrayList<>();
        List<Image> noisy = new ArrayList<>();
        List<Image> clean = new ArrayList<>();
        UniformRandomProvider rng = Rngs.create(seed ^ 0x5EEDL);
        for (double s : VALIDATION_SIGMAS) {
            for (int i = 0; i < valClean.size(); i++) {
                names.add(valClean.name(i) + "@" + (int) s);
                noisy.add(Awgn.sigma255(s, s).apply(valClean.get(i), rng));
                clean.add(valClean.get(i));
            }
        }
        PatchDataset synthetic = PatchDataset.synthetic(data.train(), Awgn.sigma255(0, recordedSigmaMax()),
                PatchSampler.of(plan));
        SameDiffTrainer trainer = SameDiffTrainer.create(plan).named("pretrain").progressBar(!noProgress)
                .checkpointEvery(checkpointEvery, ckpt).logCsv(out.resolve("log.csv"))
                .validateEvery(validateEvery, ImageSet.of(names, noisy), ImageSet.of(names, clean))
                .keepBest(out.resolve("restorer-best.dna"))
                .listener(new TrainingListener() {
                    @Override
                    public void onValidation(ValidationReport v) {
                        System.err.printf(Locale.ROOT, "step %d: validation %.3f dB (raw %.3f), SSIM %.4f%n", v.step(),
                                v.psnr(), v.rawPsnr(), v.ssim());
                    }
                });
        if (stopAfter != null) {
            trainer = trainer.stopAfter(stopAfter);
        }
        long t0 = System.nanoTime();
        TrainedRestorer r = resume && Files.exists(ckpt) ? trainer.resume(ckpt, synthetic, null) : trainer.fit(synthetic, null);
        if (stopAfter == null || stopAfter >= plan.steps()) {
            r.save(out.resolve("restorer.dna"));
            writeProvenance(plan, data, (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }

    /**
     * The largest noise level of the run in {@code --out}: recorded in its {@code data.json} at the first start (with the
     * other data settings, which the plan does not hold), read back on {@code --resume}.
     */
    private double recordedSigmaMax() throws IOException {
        Path f = out.resolve("data.json");
        if (Files.exists(f)) {
            return new ObjectMapper().readTree(f.toFile()).path("sigma_max").asDouble(sigmaMax);
        }
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("sigma_max", sigmaMax);
        n.put("max_side", maxSide);
        n.put("photos", photos == null ? "embedded" : photos.toString());
        AtomicFiles.write(f, o -> o.write(n.toPrettyString().getBytes(StandardCharsets.UTF_8)));
        return sigmaMax;
    }

    AdaptationPlan plan() {
        OptimizerSpec opt = OptimizerSpec.adam(lr).withCosineDecay(warmup, minLr).withClipGradNorm(clip);
        return Adaptation.of(Restorers.unet(width, depth)).patchSize(patch).batchSize(batch)
                .steps(steps != null ? steps : DEFAULT_STEPS).seed(seed)
                .optimizer(opt).emaDecay(ema).build();
    }

    /** Reads, filters and scales the photographs; the held-out and validation ones are set apart by file name. */
    Photos photos() throws IOException {
        List<String> trainNames = new ArrayList<>();
        List<Image> train = new ArrayList<>();
        List<String> valNames = new ArrayList<>();
        List<Image> val = new ArrayList<>();
        List<String[]> files = new ArrayList<>();
        if (photos == null) {
            ImageSet embedded = EmbeddedImages.load();
            for (int i = 0; i < embedded.size(); i++) {
                String n = embedded.name(i);
                if (!heldOut(n)) {
                    trainNames.add(n);
                    train.add(embedded.get(i));
                    files.add(new String[] {"embedded:" + n, "train", "-"});
                }
            }
            // the embedded photographs: validate on the main example's validation photograph, as it does
            for (String n : DenoisingBenchmark.VALIDATION) {
                valNames.add(n);
                val.add(EmbeddedImages.get(n));
            }
            return new Photos(ImageSet.of(trainNames, train), ImageSet.of(valNames, val), files);
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(photos)) {
            all = s.filter(Files::isRegularFile).filter(Images::isImageFile).sorted().toList();
        }
        if (all.isEmpty()) {
            throw new IOException("--photos " + photos + " holds no PNG or JPEG file");
        }
        for (Path f : all) {
            String name = photos.relativize(f).toString();
            String stem = f.getFileName().toString().replaceFirst("\\.[^.]+$", "");
            String sha = sha256(f);
            if (heldOut(name)) {
                files.add(new String[] {name, "held out (the main example's test photographs)", sha});
                continue;
            }
            Image im = Images.downscale(Images.readRgb(f), maxSide);
            if (VALIDATION.contains(stem)) {
                valNames.add(name);
                val.add(im);
                files.add(new String[] {name, "validation", sha});
            } else if (im.height() >= patch && im.width() >= patch) {
                trainNames.add(name);
                train.add(im);
                files.add(new String[] {name, "train", sha});
            }
        }
        if (valNames.size() != VALIDATION.size()) {
            throw new IOException("--photos " + photos + " lacks some of the validation photographs " + VALIDATION
                    + " (found " + valNames + "): give the folder that fetch_debian_photos.sh writes");
        }
        return new Photos(ImageSet.of(trainNames, train), ImageSet.of(valNames, val), files);
    }

    /**
     * Whether {@code name} is one of the main example's test or validation photographs, under its embedded or its Debian
     * file name: never trained on here, so that the main job's figures stay clean of them.
     */
    static boolean heldOut(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
        return Stream.concat(DenoisingBenchmark.HELD_OUT.stream(), DenoisingBenchmark.VALIDATION.stream())
                .map(h -> h.replaceFirst("\\.png$", "")).anyMatch(n::contains);
    }

    /** Writes {@code plan} to {@code file} atomically and returns it. */
    private static AdaptationPlan writePlan(Path file, AdaptationPlan plan) throws IOException {
        AtomicFiles.write(file, o -> o.write(plan.toJson().getBytes(StandardCharsets.UTF_8)));
        return plan;
    }

    /**
     * Appends this invocation to the run folder's history.json (a JSON array, the provenance's {@code history}): when it
     * started, its arguments, the logged step it resumed from ({@code done}, 0 for a fresh run), the plan's steps it ran
     * under and the learning rate of its first step.
     */
    private void recordInvocation(AdaptationPlan plan, long done) throws IOException {
        ObjectMapper om = new ObjectMapper();
        Path f = out.resolve("history.json");
        ArrayNode history = Files.exists(f) ? (ArrayNode) om.readTree(f.toFile()) : om.createArrayNode();
        ObjectNode n = history.addObject();
        n.put("started", Instant.now().toString());
        ArrayNode a = n.putArray("args");
        spec.commandLine().getParseResult().originalArgs().forEach(a::add);
        n.put("resumed_from_step", done);
        n.put("plan_steps", plan.steps());
        n.put("learning_rate_at_start", plan.optimizer().learningRateAt(done + 1, plan.steps()));
        AtomicFiles.write(f, o -> o.write(om.writerWithDefaultPrettyPrinter().writeValueAsString(history)
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static String sha256(Path f) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void writeProvenance(AdaptationPlan plan, Photos data, double seconds) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode p = om.createObjectNode();
        p.put("written", Instant.now().toString());
        p.put("command", "PretrainDenoiser " + String.join(" ", spec.commandLine().getParseResult().originalArgs())
                + " (the invocation that finished; every one is in history)");
        Path history = out.resolve("history.json");
        if (Files.exists(history)) {
            p.set("history", om.readTree(history.toFile()));
        }
        p.put("seed", plan.seed());
        p.put("steps", plan.steps());
        p.put("seconds_this_invocation", Math.round(seconds));
        p.put("seconds_logged", Math.round(RunLog.read(out.resolve("log.csv")).curve("seconds").stream()
                .mapToDouble(xy -> xy[1]).sum()));
        p.put("noise", Awgn.sigma255(0, recordedSigmaMax()).describe());
        p.put("max_side", maxSide);
        p.set("plan", om.readTree(plan.toJson()));
        ArrayNode files = p.putArray("photos");
        for (String[] f : data.files()) {
            ObjectNode n = files.addObject();
            n.put("file", f[0]);
            n.put("use", f[1]);
            n.put("sha256", f[2]);
        }
        p.put("train_digest", data.train().digest());
        AtomicFiles.write(out.resolve("provenance.json"), o -> o.write(om.writerWithDefaultPrettyPrinter()
                .writeValueAsString(p).getBytes(StandardCharsets.UTF_8)));
    }
}
