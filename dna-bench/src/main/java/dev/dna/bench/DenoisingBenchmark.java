package dev.dna.bench;

import dev.dna.api.Ablation;
import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Diffusion;
import dev.dna.api.Recipes;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.ImagePairs;
import dev.dna.api.data.ImageSet;
import dev.dna.api.data.PatchDataset;
import dev.dna.api.data.PatchSampler;
import dev.dna.api.data.PolyU;
import dev.dna.api.data.RealNoise;
import dev.dna.api.data.SceneSplit;
import dev.dna.api.data.Realizations;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.degrade.Blur;
import dev.dna.api.degrade.RainStreaks;
import dev.dna.api.degrade.CameraNoise;
import dev.dna.api.degrade.CorrelatedNoise;
import dev.dna.api.degrade.Jpeg;
import dev.dna.api.degrade.Degradation;
import dev.dna.api.degrade.Degradations;
import dev.dna.api.image.Image;
import dev.dna.api.spec.SpikeGuardSpec;
import dev.dna.api.image.Images;
import dev.dna.api.metrics.Metrics;
import dev.dna.onnx.OnnxExporter;
import dev.dna.ort.OnnxRestorer;
import dev.dna.samediff.SameDiffTrainer;
import dev.dna.samediff.TrainingDivergedException;
import dev.dna.samediff.TrainingListener;
import dev.dna.samediff.ModelZoo;
import dev.dna.samediff.TrainedRestorer;
import dev.dna.api.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main example: synthetic-to-real denoising; by default on a simulated real domain of the embedded photographs, from
 * the pretrained denoiser; on real camera noise with {@code --polyu [DIR]} (PolyU's Canon crops) or {@code --sidd [DIR]}
 * (SIDD's smartphone pairs); deraining and deblurring (simulated) with {@code --task}.
 *
 * <p>The synthetic domain: AWGN ({@code --awgn}, sigma per image in [0, 50]/255) on the embedded photos. Real data sets are
 * split by scene, fixed in code: the train scenes' real images are the real domain (their clean sides train only the
 * oracle), the validation scenes (central crops) are validated during training and choose each run's best checkpoint
 * ({@link RunFolder#BEST}), the test scenes' whole images are the test pairs. Simulated "real" domain (hard, the
 * default): the camera noise model (shot + read noise on a Bayer mosaic, demosaicing) plus spatially correlated
 * luma/chroma noise and JPEG on the training photographs; one photograph ({@link #VALIDATION}) is validated and chooses
 * the best checkpoints; three ({@link #HELD_OUT}) are the test set. The adaptation variants never see the real domain's
 * clean side.
 *
 * <p>Trains the requested ablation variants (vanilla, diffusion, shuffle, full) and an oracle trained on real pairs,
 * with the same seeds and step budget, restores the test images with each final restorer (SameDiff, and the exported
 * ONNX model in ONNX Runtime) and with its best validated checkpoint, and writes everything under one run folder:
 * results.csv and results.md (mean ± sd over seeds, paired differences to vanilla at the end and at the best validated
 * checkpoints, the share of the oracle's gap recovered), real_psnr.png, losses.png and grad_norms.png (the gradient each
 * loss sends into the restorer; first seed), real_psnr_mean.png (with several seeds), real_psnr_raw_vs_ema.png (the raw
 * weights' validation beside the EMA's, mean over seeds), grid.png (the first {@value #GRID_ROWS} test images: noisy,
 * each variant's best validated restoration, clean; first seed), and per run plan.json, log.csv, restorer.dna,
 * restorer-best.dna, restorer.onnx.
 */
@Command(name = "denoising-benchmark", mixinStandardHelpOptions = true,
        description = "Synthetic-to-real denoising with Denoising as Adaptation: on a simulated real domain of the embedded "
                + "photos (the default), or on real noise with --polyu or --sidd.")
public final class DenoisingBenchmark implements Callable<Integer> {

    /** Photographs never used in training: the real-domain test set. */
    public static final List<String> HELD_OUT = List.of("coffee.png", "rocket.png", "tmshre-riaphotographs.png");

    /**
     * The simulated domain's validation photograph, never trained on: its central {@code --crop} crop (as the test ones), degraded
     * once by the real domain (seed {@value #VALIDATION_SEED}), chooses each run's best checkpoint, as PolyU's and SIDD's
     * validation scenes do; the test photographs ({@link #HELD_OUT}) never choose anything.
     */
    public static final List<String> VALIDATION = List.of("chelsea.png");

    /** Seed of the validation photograph's one real-domain degradation. */
    static final long VALIDATION_SEED = 4_000_000L;

    /** Replaces the synthetic domain's degradation when set (tests use one that makes training diverge). */
    Degradation syntheticOverride;

    @Option(names = "--out", description = "run folder (default: runs/denoising-<time>)")
    Path out;

    @Option(names = "--seeds", split = ",", defaultValue = "0",
            description = "seeds to train each variant with; several give mean and spread (default: ${DEFAULT-VALUE})")
    List<Long> seeds;

    @Option(names = "--full", description = "the long mode: all five variants, seeds 0,1,2; from scratch (its default --init none) "
            + "10000 steps with validation every 500 (about 7.5 h on 2 CPU cores; minutes per run on a GPU with "
            + "tools/calibrate.sh), overriding --steps and --validate-every; with --init pretrained:NAME the fine-tuning recipe's "
            + "steps (or --steps); overrides --variants and --seeds")
    boolean fullMode;

    @Option(names = "--steps", description = "training steps per variant (default: " + Recipes.FINE_TUNE_STEPS + " from the "
            + "pretrained denoiser; from scratch " + POLYU_STEPS + " on PolyU, " + SIMULATED_STEPS + " on the simulated domain)")
    Integer steps;

    static final int POLYU_STEPS = 500;
    static final int SIMULATED_STEPS = 200;

    @Option(names = "--variants", split = ",", defaultValue = "vanilla,full,oracle",
            description = "comma-separated, of vanilla, diffusion, shuffle, full, oracle (default: ${DEFAULT-VALUE})")
    List<String> variants;

    @Option(names = "--width", defaultValue = "16", description = "restorer UNet base channels (default: ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--diffusion-width", defaultValue = "16", description = "diffusion UNet base channels (default: ${DEFAULT-VALUE})")
    int diffusionWidth;

    @Option(names = "--patch", defaultValue = "48", description = "training patch side (default: ${DEFAULT-VALUE})")
    int patch;

    @Option(names = "--batch", defaultValue = "4", description = "images per domain per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", description = "Adam's (peak) learning rate (default: " + Recipes.FINE_TUNE_LEARNING_RATE + " from the "
            + "pretrained denoiser, with warm-up and cosine decay; " + Recipes.SCRATCH_LEARNING_RATE + " from scratch, constant: 1e-3 "
            + "made the full method diverge now and then in the calibration)")
    Double learningRate;

    @Option(names = "--lr-cosine-to", paramLabel = "MIN", description = "decay the rate along a cosine to MIN at the last "
            + "step (the fine-tuning recipe does so already; from scratch the rate is constant unless this is given)")
    Double lrCosineTo;

    @Option(names = "--noise-weight", description = "final weight lambda of the diffusion loss (default: the recipe's, "
            + Recipes.NOISE_WEIGHT + ", calibrated at this scale: the paper's 0.2 left the method no better than vanilla from "
            + "scratch and 0.3 dB below 1 fine-tuning on SIDD)")
    Double noiseWeight;

    @Option(names = "--triplet-margin", defaultValue = "0.1", description = "margin of the residual swap's triplet term (default: "
            + "${DEFAULT-VALUE}, the paper's; at this scale the term is inactive after about 1,000 steps, docs/lab/benchmarks-2026-11-to-12.md)")
    double tripletMargin;

    @Option(names = "--polyu", paramLabel = "DIR", arity = "0..1", fallbackValue = "", description = "real camera noise: the "
            + "PolyU real-noise crops in DIR (*_real with *_mean): the train scenes' real images are the real domain (their means "
            + "only train the oracle), the validation scenes' central crops choose each run's best checkpoint, the test scenes' whole "
            + "512x512 crops are the test pairs; split by scene, fixed in code. Without DIR: $" + PolyU.ENV + ", or the nearest "
            + "shared/data/polyu-canon above the working directory (default: the simulated real domain)")
    String polyUOption;

    @Option(names = "--sidd", paramLabel = "DIR", arity = "0..1", fallbackValue = "", description = "real smartphone noise, the "
            + "paper's domain: SIDD's sRGB samples in DIR (noisy/ and clean/, <scene>__<id>.png), split by scene, fixed in code: "
            + "test chess (whole images), validation cup and ruler, real domain the other scenes. Without DIR: $DNA_SIDD, or the "
            + "nearest shared/data/sidd-samples above the working directory")
    String siddOption;

    /** The real-noise benchmark chosen, or null for the simulated domain. */
    RealNoise realSet;

    /** Its folder. */
    Path realDir;

    @Option(names = "--simulated", description = "the simulated real domain (--domain) on the embedded photos (the default)")
    boolean simulated;

    @Option(names = "--awgn", defaultValue = "0-50", paramLabel = "LO-HI", description = "denoising's synthetic domain: AWGN with "
            + "sigma per image uniform in [LO, HI]/255 (default: ${DEFAULT-VALUE})")
    String awgn;

    /** Test crops shown in grid.png (the first ones), each at full resolution. */
    static final int GRID_ROWS = 4;

    @Option(names = "--init", paramLabel = "MODEL", description = "where every variant's restorer starts: pretrained:NAME from "
            + "dna's model zoo, a restorer.dna or checkpoint (its network replaces --width), or none (from scratch, the paper's "
            + "protocol) (default: pretrained:" + ModelZoo.DENOISER + "; none with --full)")
    String init;

    /** The restorer every variant starts from, loaded once; null from scratch. */
    private TrainedRestorer initRestorer;
    private boolean initLoaded;

    /** Whether the runs start from a pretrained restorer (fine-tuning) rather than from scratch. */
    boolean warm() {
        return !"none".equals(initOption());
    }

    private String initOption() {
        return init != null ? init : fullMode ? "none" : ModelZoo.PREFIX + ModelZoo.DENOISER;
    }

    /** The restorer of {@code --init}, loaded on first use; null from scratch. */
    TrainedRestorer initRestorer() {
        if (!initLoaded) {
            initLoaded = true;
            if (warm()) {
                String spec = initOption();
                try {
                    initRestorer = ModelZoo.loadPretrainedOrFile(spec);
                } catch (IOException e) {
                    throw new UncheckedIOException("--init " + spec + ": " + e.getMessage(), e);
                }
            }
        }
        return initRestorer;
    }

    @Option(names = "--spike-guard", defaultValue = "ROLLBACK", description = "what training does when a step's loss "
            + "spikes: OFF (the authors'), SKIP the update, or ROLLBACK to the last good state; a gradient spike is clipped unless "
            + "OFF (default: ${DEFAULT-VALUE}; see SpikeGuardSpec)")
    SpikeGuardSpec.Policy spikeGuard;

    @Option(names = "--accept-other-optimizer", description = "with --resume, continue checkpoints written with another "
            + "optimizer (e.g. another --lr): a diagnostic, the run is no longer the uninterrupted one")
    boolean acceptOtherOptimizer;

    @Option(names = "--parameter-log", description = "also log every step's gradient and weight norm of each parameter to "
            + "parameters.csv in the run's folder (a diagnostic: which layer a loss spike starts in; see ParameterLog)")
    boolean parameterLog;

    @Option(names = "--triplet-groups", defaultValue = "1", description = "take the residual swap's triplet hinge over this many "
            + "equal groups of the batch and average (the authors' per-GPU hinge over 8 GPUs); must divide --batch (default: ${DEFAULT-VALUE})")
    int tripletGroups;

    @Option(names = "--ramp-steps", description = "steps over which lambda ramps up (in the authors' 300 stages), then holds; "
            + "the authors ramp over 300 epochs of a longer run (default: a fifth of --steps, 2,000 in the long mode)")
    Integer rampSteps;

    @Option(names = "--stop-after", description = "end each run after this many steps, with the plan (and its lambda ramp) "
            + "still set for --steps: a partial long run (default: run all steps)")
    Integer stopAfter;

    @Option(names = "--validate-every", description = "steps between real-domain validations (default: a twelfth of --steps)")
    Integer validateEvery;

    @Option(names = "--crop", defaultValue = "128", description = "side of the held-out test crops (default: ${DEFAULT-VALUE})")
    int crop;

    @Option(names = "--no-progress", description = "hide the progress bars")
    boolean noProgress;

    @Option(names = "--checkpoint-every", defaultValue = "500", description = "steps between checkpoints of each run "
            + "(<run folder>/<variant>/checkpoint.dna, replaced atomically; 0: none) (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--resume", description = "continue the runs in --out where they stopped (same options otherwise): "
            + "finished runs are loaded, the others resume from their last checkpoint, exactly as if never interrupted")
    boolean resume;

    @Option(names = "--report", description = "train nothing: tabulate the runs in --out as they stand (same options otherwise); "
            + "finished runs are evaluated as at the end of a run, unfinished ones are listed with their last step and validation, "
            + "and the charts show every curve logged so far. For a long mode in progress, or interrupted")
    boolean report;

    /**
     * Runs the command line {@code args} (see the class comment and {@code --help}); exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new DenoisingBenchmark()).execute(args));
    }

    @Option(names = "--task", defaultValue = "denoise",
            description = "denoise (AWGN vs camera-like noise), derain (thin vertical streaks vs slanted, wide, blurred rain with "
                    + "haze and JPEG) or deblur (uniform motion blur vs defocus blur + noise + JPEG) (default: ${DEFAULT-VALUE})")
    String task;

    /** The synthetic domain of the task: what the training pairs are made with. */
    Degradation syntheticDomain() {
        if (syntheticOverride != null) {
            return syntheticOverride;
        }
        return switch (task) {
            case "denoise" -> awgnRange();
            case "derain" -> RainStreaks.light();
            case "deblur" -> Blur.motion(3, 11);
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "--task must be denoise, derain or deblur, got " + task);
        };
    }

    /** {@code --awgn}'s sigma range. */
    private Degradation awgnRange() {
        try {
            return Degradations.parse("awgn:" + awgn);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--awgn must be LO-HI in /255 with 0 <= LO <= HI, e.g. "
                    + "0-50: " + e.getMessage());
        }
    }

    /** The synthetic-domain test degradation (denoising: AWGN at a fixed sigma of 25/255, the middle of 0..50). */
    Degradation syntheticTest() {
        return task.equals("denoise") ? Awgn.sigma255(25, 25) : syntheticDomain();
    }

    /**
     * The "real" domain. Denoising: hard (default) adds correlated luma/chroma noise and stronger JPEG to the
     * camera model. Deraining: another rain model (slanted, wider, blurred streaks with haze) and JPEG.
     * Deblurring: defocus instead of motion, with sensor noise and JPEG.
     *
     * @return the degradation
     */
    public Degradation realDomain() {
        return switch (task) {
            case "derain" -> RainStreaks.heavySlanted().then(new Jpeg(75, 95));
            case "deblur" -> (switch (domain) {
                case "hard" -> Blur.defocus(3, 6);
                case "mild" -> Blur.defocus(1.5, 3.5);
                default -> throw badDomain();
            }).then(Awgn.sigma255(2, 6)).then(new Jpeg(75, 95));
            default -> switch (domain) {
                case "mild" -> CameraNoise.typical();
                case "hard" -> CameraNoise.typical().withJpeg(0, 0).then(CorrelatedNoise.strong()).then(new Jpeg(70, 90));
                default -> throw badDomain();
            };
        };
    }

    private CommandLine.ParameterException badDomain() {
        return new CommandLine.ParameterException(new CommandLine(this), "--domain must be hard or mild, got " + domain);
    }

    @Option(names = "--export-calibration-data", paramLabel = "DIR",
            description = "write the task's training photos, degraded realizations of them, held-out test crops and the plans of the "
                    + "requested variants as .npy/.json for tools/torch_reference.py train (a PyTorch mirror for GPU calibration), "
                    + "then exit without training; with --polyu DIR PolyU's split (validated on the validation scenes, the test "
                    + "scenes scored at the end)")
    Path exportDir;

    @Option(names = "--realizations", defaultValue = "6",
            description = "realizations per training photo of the real domain: whole photos are degraded once into this many fixed "
                    + "images, which training then crops and flips, as with real photographs; with --export-calibration-data also of "
                    + "the synthetic one for deraining and deblurring (denoising's AWGN is drawn by the mirror) (default: ${DEFAULT-VALUE})")
    int realizations;

    @Option(names = "--domain", defaultValue = "hard",
            description = "the real domain of denoising: hard (camera + correlated chroma/luma noise + JPEG 70..90, input ~19 dB) "
                    + "or mild (camera noise + JPEG 75..95, ~28.6 dB); of deblurring: hard (defocus radius 3..6 px) or mild "
                    + "(1.5..3.5 px), each with noise and JPEG (default: ${DEFAULT-VALUE})")
    String domain;

    /** The training photos degraded by the real domain, {@code --realizations} fixed realizations each (seeds 3,000,000 + ...). */
    Realizations realOfTrain(ImageSet train) {
        return Realizations.of(train, realDomain(), realizations, REAL_REALIZATION_SEED);
    }

    /** Seed of the simulated real domain's fixed realizations of the training photographs. */
    public static final long REAL_REALIZATION_SEED = 3_000_000L;

    /** Real test pairs (PolyU's test scenes, whole), with the synthetic test degradation of their clean side. */
    TestSet testSet(ImagePairs pairs) {
        return TestSet.ofRealPairs(pairs, syntheticTest());
    }

    /** The simulated domain's test set: central {@code --crop} crops of the held-out photos, degraded once with fixed seeds. */
    TestSet simulatedTestSet(ImageSet heldOut) {
        return TestSet.simulated(heldOut.centerCrops(crop), realDomain(), syntheticTest());
    }

    /**
     * The main example's recipe (the full method) at these options' values, the library's {@link Recipes}: fine-tuning the
     * restorer of {@code --init}, or from scratch; the other variants are its ablations.
     *
     * @param seed the run's seed
     * @return the plan
     */
    public AdaptationPlan fullPlan(long seed) {
        AdaptationPlan base = warm() ? Recipes.fineTuning(initRestorer().spec(), steps, seed) : Recipes.fromScratch(steps, seed);
        var stage = Adaptation.from(base)
                .withDiffusion(base.diffusion().orElseThrow().width(diffusionWidth))
                .noiseWeight(noiseWeight != null ? noiseWeight : base.loss().noiseWeight())
                .noiseWeightRamp(5, rampSteps != null ? rampSteps : Math.max(1, steps / 5))
                .tripletMargin(tripletMargin)
                .tripletGroups(tripletGroups)
                .patchSize(patch)
                .batchSize(batch);
        if (warm()) {
            stage = stage.valueRange(initRestorer().valueRange());
        } else {
            stage = stage.restorer(Restorers.unet(width, 2));
        }
        var optimizer = learningRate != null ? base.optimizer().withLearningRate(learningRate) : base.optimizer();
        if (lrCosineTo != null) {
            optimizer = optimizer.withCosineDecay(optimizer.warmupSteps(), lrCosineTo);
        }
        stage = stage.optimizer(optimizer);
        SpikeGuardSpec guard = switch (spikeGuard) {
            case OFF -> SpikeGuardSpec.off();
            case SKIP -> SpikeGuardSpec.skip();
            case ROLLBACK -> SpikeGuardSpec.rollback();
        };
        return stage.spikeGuard(guard).build();
    }

    @Override
    public Integer call() throws Exception {
        String reuse = settle();
        AdaptationPlan full = fullPlan(seeds.get(0));
        ImageSet embedded = EmbeddedImages.load();
        ImageSet.Split split = embedded.split(HELD_OUT);
        ImageSet.Split validationSplit = split.rest().split(VALIDATION);
        ImageSet train = realDir == null ? validationSplit.rest() : embedded;
        SceneSplit realSplit = realSet != null ? realSet.split(realDir) : null; // train (real domain, oracle), validation, test
        if (realSplit != null) {
            System.out.printf(Locale.ROOT, "embedded photos: all %d for the synthetic domain%n", train.size());
            System.out.println(realSet.label() + " " + realDir + ", split by scene: " + realSplit.describe() + " (validated on their central "
                    + VAL_CROP + "x" + VAL_CROP + ")");
        } else {
            System.out.printf(Locale.ROOT, "embedded photos: %d for training, %d for validation %s, %d for test %s%n",
                    train.size(), validationSplit.first().size(), validationSplit.first().names(), split.first().size(),
                    split.first().names());
        }
        System.out.println("synthetic domain: " + syntheticDomain().describe());
        System.out.println("real domain:      " + (realSet == RealNoise.POLYU ? "real camera noise (PolyU, Canon JPEGs)"
                : realSet == RealNoise.SIDD ? "real smartphone noise (SIDD sRGB)" : realDomain().describe()));
        System.out.println("full plan:        " + full);
        if (warm()) {
            System.out.println("warm start:       every variant's restorer from " + initOption() + " (" + initRestorer().spec().describe()
                    + ")");
        }

        TestSet test = realSplit != null ? testSet(realSplit.test()) : simulatedTestSet(split.first());
        ImageSet testClean = test.clean();
        ImageSet testReal = test.real();
        ImageSet testSyn = test.synthetic();
        // validation (the best checkpoint's choice): the real set's validation scenes, or the validation photograph
        ImageSet valClean = realSplit != null ? realSplit.validation().clean().centerCrops(VAL_CROP)
                : validationSplit.first().centerCrops(crop); // as the test photographs (a 256 crop added 90 s to the main job)
        ImageSet valReal = realSplit != null ? realSplit.validation().degraded().centerCrops(VAL_CROP)
                : ImagePairs.degrade(valClean, realDomain(), VALIDATION_SEED).degraded();
        if (exportDir != null) {
            Map<String, AdaptationPlan> plans = new LinkedHashMap<>();
            for (String v : variants) {
                plans.put(v, variantPlan(full, v));
            }
            if (realSplit != null) {
                CalibrationData.writePolyU(exportDir, train, realSplit, VAL_CROP, syntheticDomain(), plans);
            } else {
                CalibrationData.write(exportDir, train, testClean, testReal, syntheticDomain(), realDomain(), realOfTrain(train), plans);
            }
            System.out.println("wrote calibration data to " + exportDir);
            return 0;
        }
        PatchSampler sampler = PatchSampler.of(full);
        PatchDataset synPairs = PatchDataset.synthetic(train, syntheticDomain(), sampler);
        // the real domain as real photographs come: whole images degraded once into fixed realizations, then cropped;
        // or PolyU's train scenes (their means only for the oracle)
        PatchDataset realImages;
        if (realSplit != null) {
            realImages = PatchDataset.paired(realSplit.train().degraded(), realSplit.train().clean(), sampler);
        } else {
            Realizations realOfTrain = realOfTrain(train);
            realImages = PatchDataset.paired(realOfTrain.degraded(), realOfTrain.clean(), sampler);
        }

        List<String> rows = new ArrayList<>();
        rows.add("variant,seed,steps,real_psnr,real_ssim,synthetic_psnr,seconds,best_val_step,best_real_psnr,onnx_real_psnr,"
                + "real_psnr_mean_shift");
        double[] start = null; // the pretrained restorer before any step: {real PSNR, real SSIM, synthetic PSNR, mean-shifted}
        List<Image> startImages = null;
        if (warm()) { // also with --report: the start is part of the table, and one pass over the test images
            ImageSet rr = initRestorer().restoreAll(testReal);
            start = new double[] {Metrics.meanPsnr(testClean, rr), Metrics.meanSsim(testClean, rr),
                Metrics.meanPsnr(testClean, initRestorer().restoreAll(testSyn)), Metrics.meanPsnrAfterMeanShift(testClean, rr)};
            startImages = rr.images();
            rows.add(String.format(Locale.ROOT, "pretrained,,0,%.4f,%.5f,%.4f,0,,,,%.4f", start[0], start[1], start[2], start[3]));
            System.out.printf(Locale.ROOT, "pretrained, before any step: real %.2f dB / %.4f, synthetic %.2f dB%n", start[0],
                    start[1], start[2]);
        }
        // variant -> per seed {psnr, ssim, synPsnr, seconds, seed, bestStep, bestPsnr, onnxPsnr, meanShiftPsnr} (NaN where not
        // measured)
        Map<String, List<double[]>> perVariant = new LinkedHashMap<>();
        Curves curves = new Curves();
        List<List<Image>> grid = new ArrayList<>(); // per variant of the first seed: its restorations of the test crops
        List<String> gridNames = new ArrayList<>();
        List<String> unfinished = new ArrayList<>();
        List<String> diverged = new ArrayList<>();
        for (long seed : seeds) {
            AdaptationPlan fullForSeed = fullPlan(seed);
            for (String v : variants) {
                boolean oracle = v.equals("oracle");
                AdaptationPlan plan = variantPlan(fullForSeed, v);
                RunFolder run = RunFolder.of(out, v, seed, seeds.size() > 1);
                // the oracle trains on real pairs: the upper bound the adaptation aims at
                PatchDataset trainPairs = oracle ? realImages : synPairs;
                boolean firstSeed = seed == seeds.get(0);
                long ran = stopAfter == null ? plan.steps() : Math.max(1, Math.min(stopAfter, plan.steps()));
                Path checkpoint = run.checkpoint();
                Path elapsedFile = run.elapsedFile();
                RunLog previous = RunLog.read(run.log());
                boolean done = reuse != null && previous.lastStep() >= ran && Files.exists(run.restorer());
                if (report && !done && Files.exists(run.diverged())) {
                    String where = run.divergedWhere();
                    System.out.println(where + ": diverged, left out of the table");
                    diverged.add(where);
                    curves.add(v, previous, firstSeed);
                    continue;
                }
                if (report && !done) {
                    // without a checkpoint, --resume starts the run over, however far its log got
                    String restart = previous.lastStep() > 0 && !Files.exists(checkpoint) ? ", no checkpoint yet: --resume starts it over" : "";
                    String where = String.format(Locale.ROOT, "%s seed %d (step %d of %d%s%s)", v, seed, previous.lastStep(), ran,
                            RunFolder.lastValidation(previous), restart);
                    System.out.println(where + ": not finished, left out of the table");
                    unfinished.add(where);
                    curves.add(v, previous, firstSeed);
                    continue;
                }
                Files.createDirectories(run.dir());
                boolean continued = resume && !done && Files.exists(checkpoint);
                if (!done && !continued) {
                    Files.deleteIfExists(run.log()); // a fresh run: no rows of an earlier one
                    Files.writeString(run.plan(), plan.toJson());
                }
                double before = done || continued ? RunFolder.elapsedBefore(elapsedFile) : 0;
                long t0 = System.nanoTime();
                TrainedRestorer r;
                if (done) {
                    System.out.println(v + " seed " + seed + ": finished in an earlier run, loading " + run.restorer());
                    r = TrainedRestorer.load(run.restorer());
                    if (!AdaptationPlan.fromJson(r.planJson()).equals(plan)) {
                        throw new CommandLine.ParameterException(new CommandLine(this), reuse + ": " + run.restorer()
                                + " was trained with another plan than these options give: " + r.planJson());
                    }
                } else {
                    Files.deleteIfExists(run.diverged()); // tried again: until it diverges anew, it is unfinished
                    SameDiffTrainer trainer = trainer(plan, v, seed, ran, run, valReal, valClean, before, t0);
                    // every benchmark has validation data apart from its test set: keep each run's best checkpoint
                    trainer = trainer.keepBest(run.best());
                    PatchDataset realForRun = plan.usesDiffusion() ? realImages : null;
                    try {
                        if (continued) {
                            System.out.println(v + " seed " + seed + ": resuming from " + checkpoint);
                            r = trainer.resume(checkpoint, trainPairs, realForRun);
                        } else {
                            r = trainer.fit(trainPairs, realForRun);
                        }
                    } catch (TrainingDivergedException e) {
                        // one run's divergence is a result: record it, keep its checkpoint, go on with the others
                        RunLog log = RunLog.read(run.log());
                        String where = String.format(Locale.ROOT, "%s seed %d (at step %d of %d%s)", v, seed, e.step(), ran,
                                RunFolder.lastValidation(log));
                        AtomicFiles.write(run.diverged(),
                                o -> o.write((where + "\n" + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8)));
                        System.out.println(v + " seed " + seed + ": " + e.getMessage() + "; left out of the table, going on");
                        diverged.add(where);
                        curves.add(v, log, firstSeed);
                        continue;
                    }
                }
                double seconds = done ? before : before + (System.nanoTime() - t0) / 1e9;
                if (!done) {
                    r.save(run.restorer());
                    RunFolder.writeElapsed(elapsedFile, seconds);
                }
                RunLog log = done ? previous : RunLog.read(run.log()); // a finished run's log is as read above
                Path onnx = run.onnx();
                if (done && Files.exists(onnx)) {
                    System.out.println(v + ": ONNX model of the finished run, " + onnx);
                } else {
                    System.out.println(v + ": ONNX export " + OnnxExporter.export(r, onnx));
                }
                ImageSet rr = r.restoreAll(testReal);
                ImageSet rs = r.restoreAll(testSyn);
                double psnr = Metrics.meanPsnr(testClean, rr);
                double ssim = Metrics.meanSsim(testClean, rr);
                double synPsnr = Metrics.meanPsnr(testClean, rs);
                double shiftedPsnr = Metrics.meanPsnrAfterMeanShift(testClean, rr); // a diagnostic: see ResultsTable.meanShift
                // the exported model on the same whole test images, through ONNX Runtime, as a user would run it
                double onnxPsnr;
                try (OnnxRestorer o = OnnxRestorer.load(onnx)) {
                    onnxPsnr = Metrics.meanPsnr(testClean, o.restoreAll(testReal));
                }
                double bestStep = Double.NaN;
                double bestPsnr = Double.NaN;
                ImageSet shown = rr; // in the grid: the restorer a user keeps, the best validated one where there is one
                if (Files.exists(run.best())) {
                    shown = TrainedRestorer.load(run.best()).restoreAll(testReal);
                    bestPsnr = Metrics.meanPsnr(testClean, shown);
                    bestStep = log.bestStep("val_psnr");
                }
                rows.add(String.format(Locale.ROOT, "%s,%d,%d,%.4f,%.5f,%.4f,%.1f,%s,%s,%.4f,%.4f", v, seed, ran, psnr, ssim, synPsnr,
                        seconds, Double.isNaN(bestStep) ? "" : Long.toString((long) bestStep),
                        Double.isNaN(bestPsnr) ? "" : String.format(Locale.ROOT, "%.4f", bestPsnr), onnxPsnr, shiftedPsnr));
                perVariant.computeIfAbsent(v, k -> new ArrayList<>()).add(new double[] {psnr, ssim, synPsnr, seconds, seed, bestStep,
                    bestPsnr, onnxPsnr, shiftedPsnr});
                System.out.printf(Locale.ROOT, "%-9s seed %d: real %.2f dB / %.4f (ONNX Runtime %.2f dB)%s, synthetic %.2f dB, %.0f s%n",
                        v, seed, psnr, ssim, onnxPsnr, Double.isNaN(bestPsnr) ? ""
                                : String.format(Locale.ROOT, "; best validation at step %d: %.2f dB", (long) bestStep, bestPsnr),
                        synPsnr, seconds);
                curves.add(v, log, firstSeed);
                if (firstSeed) {
                    grid.add(shown.images());
                    gridNames.add(label(v));
                }
            }
        }
        Files.write(out.resolve("results.csv"), rows);
        double noisyPsnr = Metrics.meanPsnr(testClean, testReal);
        StringBuilder md = new StringBuilder(ResultsTable.table(perVariant, seeds, noisyPsnr, Metrics.meanSsim(testClean, testReal),
                Metrics.meanPsnr(testClean, testSyn), start));
        md.append(ResultsTable.meanShift(perVariant, noisyPsnr, Metrics.meanPsnrAfterMeanShift(testClean, testReal), start));
        if (!diverged.isEmpty()) {
            md.append(System.lineSeparator()).append("Diverged (a loss term or a gradient became NaN or infinite), left out of the "
                    + "table: ").append(String.join("; ", diverged)).append('.').append(System.lineSeparator());
        }
        if (!unfinished.isEmpty()) {
            md.append(System.lineSeparator()).append("Not finished, left out of the table: ").append(String.join("; ", unfinished))
                    .append('.').append(System.lineSeparator());
        }
        if (warm()) {
            md.append(System.lineSeparator()).append("Every run starts from the pretrained restorer (" + initOption() + "): vanilla is "
                    + "continued vanilla, the same start fine-tuned on the synthetic pairs alone for the same steps, the fair baseline "
                    + "of the adaptation; the oracle is the same start fine-tuned on real pairs.").append(System.lineSeparator());
        }
        Files.writeString(out.resolve("results.md"), md.toString());
        curves.writeCharts(out, seeds);
        if (startImages != null) {
            grid.add(0, startImages);
            gridNames.add(0, "pretrained");
        }
        Grid.writeComparison(out.resolve("grid.png"), testReal, grid, gridNames, testClean, GRID_ROWS);
        System.out.println();
        System.out.print(md);
        System.out.println();
        System.out.println("wrote " + out + ": results.csv, results.md, real_psnr.png"
                + (seeds.size() > 1 ? ", real_psnr_mean.png" : "") + ", real_psnr_raw_vs_ema.png, losses.png, grad_norms.png, grid.png (rows: the held-out crops; columns: noisy | "
                + String.join(" | ", gridNames) + " | clean; each trained restorer at its best validation step), and per variant plan.json, "
                + "log.csv, restorer.dna, restorer-best.dna, restorer.onnx");
        return 0;
    }

    /**
     * Checks the options against each other and fills in what they leave to defaults (run folder, mode, real data set,
     * steps); returns which option reuses an existing run folder ({@code --resume}, {@code --report}), or null.
     */
    String settle() throws IOException {
        if (resume && report) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--resume trains and --report does not: give one of them");
        }
        String reuse = resume ? "--resume" : report ? "--report" : null;
        if (reuse != null && out == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), reuse + " needs --out, the run folder to "
                    + (resume ? "continue" : "tabulate"));
        }
        if (out == null) {
            out = Path.of("runs", (task.equals("denoise") ? "denoising" : task) + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        if (reuse != null && !Files.isDirectory(out)) {
            throw new CommandLine.ParameterException(new CommandLine(this), reuse + ": no run folder " + out);
        }
        if (exportDir == null) {
            Files.createDirectories(out);
        }
        if (fullMode) {
            variants = List.of("vanilla", "diffusion", "shuffle", "full", "oracle");
            seeds = List.of(0L, 1L, 2L);
        }
        if ((polyUOption != null ? 1 : 0) + (siddOption != null ? 1 : 0) + (simulated ? 1 : 0) > 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--polyu, --sidd and --simulated name different real "
                    + "domains: give one");
        }
        String realOption = polyUOption != null ? polyUOption : siddOption;
        realSet = polyUOption != null ? RealNoise.POLYU : siddOption != null ? RealNoise.SIDD : null;
        if (realSet != null && !task.equals("denoise")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--" + realSet.label().toLowerCase(Locale.ROOT)
                    + " is real camera noise: it needs --task denoise");
        }
        if (realSet != null) {
            RealNoise set = realSet;
            realDir = !realOption.isEmpty() ? Path.of(realOption) : set.find().orElseThrow(() ->
                    new CommandLine.ParameterException(new CommandLine(this), "--" + set.label().toLowerCase(Locale.ROOT) + ": no "
                            + set.label() + " folder found (neither $" + set.env() + " nor " + set.relative() + " above the "
                            + "working directory): name it"));
        }
        if (warm() && !task.equals("denoise")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--task " + task + " has no pretrained restorer: give "
                    + "--init none (from scratch) or --init FILE");
        }
        if (fullMode && !warm()) { // from scratch, the paper's protocol at our scale; from the pretrained start, the recipe's steps
            steps = 10_000;
            validateEvery = 500;
        }
        if (steps == null) {
            steps = warm() ? Recipes.FINE_TUNE_STEPS : realDir != null ? POLYU_STEPS : SIMULATED_STEPS;
        }
        if (validateEvery == null) {
            validateEvery = Math.max(1, steps / 12);
        }
        return reuse;
    }

    /** How a variant is called in the grid and the tables: from a pretrained start, vanilla is continued vanilla. */
    String label(String v) {
        return !warm() ? v : switch (v) {
            case "vanilla" -> "continued vanilla";
            case "full" -> "adapted (full)";
            default -> v;
        };
    }

    /** The trainer of one run, logging to and checkpointing in its folder; its checkpoints record the seconds trained. */
    private SameDiffTrainer trainer(AdaptationPlan plan, String v, long seed, long ran, RunFolder run, ImageSet valReal,
            ImageSet valClean, double before, long t0) {
        SameDiffTrainer trainer = SameDiffTrainer.create(plan)
                .named(v + (seeds.size() > 1 ? " s" + seed : ""))
                .progressBar(!noProgress)
                .stopAfter(ran)
                .logCsv(run.log())
                .validateEvery(validateEvery, valReal, valClean)
                .listener(new TrainingListener() {
                    @Override
                    public void onCheckpoint(long step, Path file) {
                        try {
                            RunFolder.writeElapsed(run.elapsedFile(), before + (System.nanoTime() - t0) / 1e9);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
        if (parameterLog) {
            trainer = trainer.logParameters(run.parameterLog());
        }
        if (acceptOtherOptimizer) {
            trainer = trainer.acceptOtherOptimizer(true);
        }
        if (warm()) {
            trainer = trainer.startFrom(initRestorer());
        }
        return checkpointEvery > 0 ? trainer.checkpointEvery(checkpointEvery, run.checkpoint()) : trainer;
    }






    /** The plan of variant {@code v}: an ablation of {@code full}; the oracle is the vanilla plan (trained on real pairs). */
    static AdaptationPlan variantPlan(AdaptationPlan full, String v) {
        return full.ablation(v.equals("oracle") ? Ablation.VANILLA : Ablation.valueOf(v.toUpperCase(Locale.ROOT)));
    }





    /** Side of the central crops of PolyU's validation images: a quarter of the pixels, validated often. */
    static final int VAL_CROP = 256;
}
