package dev.dna.samediff;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.annotations.CheckReturnValue;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.data.ImageSet;
import dev.dna.api.data.PatchDataset;
import dev.dna.api.image.ImageBatch;
import dev.dna.samediff.engine.NonFiniteOrigin;
import dev.dna.samediff.engine.SessionMemory;
import dev.dna.samediff.graph.JointGraph;
import dev.dna.samediff.training.Checkpoints;
import dev.dna.samediff.training.ConsoleProgress;
import dev.dna.samediff.training.CsvLog;
import dev.dna.samediff.training.Feeder;
import dev.dna.samediff.training.GradientStep;
import dev.dna.samediff.training.ParameterLog;
import dev.dna.samediff.training.RunState;
import dev.dna.samediff.training.TrainingStreams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains an {@link AdaptationPlan} on SameDiff: the joint graph of {@link JointGraph}, Adam over both
 * networks (PyTorch's formulation: bias-corrected moments, epsilon added to the corrected root; weight
 * decay, if any, added to the gradient), an EMA of the restorer's weights, and the plan's lambda ramp.
 *
 * <p>Every random draw comes from the plan's seed (see {@link Feeder}), so two runs of one plan give
 * identical losses, and a run resumed from a checkpoint continues exactly as the uninterrupted run.
 * The EMA uses the warm-up {@code d_t = min(decay, (1 + t) / (10 + t))} so that short runs get a
 * useful average; for long runs it is the reference's plain decay.
 *
 * <p>Immutable: every {@code with}-style method returns a new trainer.
 */
@CheckReturnValue
public final class SameDiffTrainer {
    static final String CHECKPOINT_FORMAT = RunState.FORMAT;

    /** How a trainer runs, beside its plan: one value, copied and changed by the {@code with}-style methods. */
    private static final class Options implements Cloneable {
        ImmutableList<TrainingListener> listeners = ImmutableList.of();
        boolean progressBar = true;
        int checkpointEvery;
        Path checkpointFile;
        Path csvFile;
        Path parameterFile;
        int validateEvery;
        ImageSet valDegraded;
        ImageSet valClean;
        long stopAfter;
        String name;
        boolean replayOps = true;
        Path bestFile;
        boolean acceptOtherData;
        boolean acceptOtherOptimizer;
        /** The restorer weights {@link #fit} starts from (warm start); null: the plan's initialization. */
        TrainedRestorer init;

        Options copy() {
            try {
                return (Options) clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private final AdaptationPlan plan;
    private final Options options;

    private SameDiffTrainer(AdaptationPlan plan, Options options) {
        this.plan = plan;
        this.options = options;
    }

    private SameDiffTrainer with(java.util.function.Consumer<Options> change) {
        Options o = options.copy();
        change.accept(o);
        return new SameDiffTrainer(plan, o);
    }

    /**
     * A trainer for {@code plan}: progress bar on, no checkpoints, no validation, no CSV.
     *
     * @param plan what to train (network, losses, optimizer, steps, seed)
     * @return the trainer; each option method returns a new one
     */
    public static SameDiffTrainer create(AdaptationPlan plan) {
        checkNotNull(plan, "plan");
        Options o = new Options();
        o.stopAfter = plan.steps();
        o.name = plan.variant() == null ? "train" : plan.variant().id();
        return new SameDiffTrainer(plan, o);
    }

    /**
     * The plan this trainer runs.
     *
     * @return the plan given to {@link #create}
     */
    public AdaptationPlan plan() {
        return plan;
    }

    /**
     * Adds a listener.
     *
     * @param l told of every step, validation, spike and the end
     * @return a trainer with the listener added
     */
    public SameDiffTrainer listener(TrainingListener l) {
        checkNotNull(l, "listener");
        return with(o -> o.listeners = ImmutableList.<TrainingListener>builder().addAll(o.listeners).add(l).build());
    }

    /**
     * Shows (default) or hides the console progress bar (loss terms and iterations per second).
     *
     * @param show whether to show it
     * @return a trainer with that setting
     */
    public SameDiffTrainer progressBar(boolean show) {
        return with(o -> o.progressBar = show);
    }

    /**
     * Name shown on the progress bar.
     *
     * @param label the name
     * @return a trainer with that name
     */
    public SameDiffTrainer named(String label) {
        checkNotNull(label, "label");
        return with(o -> o.name = label);
    }

    /**
     * Writes a checkpoint to {@code file} every {@code every} steps and at the last step (atomically replaced).
     *
     * @param every steps between checkpoints, {@code >= 1}
     * @param file the checkpoint ({@link #resume} reads it)
     * @return a trainer that writes checkpoints
     */
    public SameDiffTrainer checkpointEvery(int every, Path file) {
        checkArgument(every >= 1, "checkpoint interval must be >= 1, got %s", every);
        checkNotNull(file, "file");
        return with(o -> {
            o.checkpointEvery = every;
            o.checkpointFile = file;
        });
    }

    /**
     * Appends every step's figures to a CSV file ({@link CsvLog}: the step, lambda, the loss terms of
     * {@link StepReport#losses}, seconds, the validation when measured, the learning rate, the gradient norm and the spike
     * guard's action). A fresh run replaces the file; a resumed one keeps its rows up to the checkpoint's step (a log of an
     * older version, with fewer columns, is widened with those empty; one of other columns is refused).
     *
     * @param file the CSV file
     * @return a trainer that logs
     */
    public SameDiffTrainer logCsv(Path file) {
        checkNotNull(file, "file");
        return with(o -> o.csvFile = file);
    }

    /**
     * Also appends, every step, each trained parameter's gradient norm and weight norm to a CSV file
     * ({@link ParameterLog}): a diagnostic for a run under study (which layer a loss spike starts in), wide and slower
     * than {@link #logCsv}.
     *
     * @param file the CSV file
     * @return a trainer that logs the parameters
     */
    public SameDiffTrainer logParameters(Path file) {
        checkNotNull(file, "file");
        return with(o -> o.parameterFile = file);
    }

    /**
     * Measures PSNR/SSIM on aligned held-out pairs every {@code every} steps and at the last step, of the EMA
     * restorer (what {@link #fit} returns) and of the raw weights (what the authors validate); see
     * {@link ValidationReport}. The CSV gets both ({@code val_psnr, val_ssim} and {@code val_psnr_raw,
     * val_ssim_raw}).
     *
     * @param every steps between validations, {@code >= 1}
     * @param degraded the degraded validation images
     * @param clean their clean images, index by index
     * @return a trainer that validates
     */
    public SameDiffTrainer validateEvery(int every, ImageSet degraded, ImageSet clean) {
        checkArgument(every >= 1, "validation interval must be >= 1, got %s", every);
        checkArgument(degraded.size() == clean.size() && degraded.size() > 0,
                "validation needs aligned pairs: %s degraded, %s clean", degraded.size(), clean.size());
        return with(o -> {
            o.validateEvery = every;
            o.valDegraded = degraded;
            o.valClean = clean;
        });
    }

    /**
     * Keeps the best restorer seen by validation: whenever the returned (EMA) weights' validation PSNR beats every
     * earlier validation of the run (strictly; the first one always), saves that restorer to {@code file} (as
     * {@link TrainedRestorer#save}, atomically replaced). Checkpoints record the best PSNR and step so far, so a
     * resumed run keeps the same file as the uninterrupted run. Needs {@link #validateEvery}: choose the best on a
     * validation split, never on the test images. The step is the log's first maximum of {@code val_psnr}.
     *
     * @param file where the best restorer is saved
     * @return a trainer that keeps the best restorer
     */
    public SameDiffTrainer keepBest(Path file) {
        checkNotNull(file, "file");
        return with(o -> o.bestFile = file);
    }

    /**
     * Lets {@link #resume} continue on other data than the checkpoint records (by default refused: the checkpoint names
     * the images, with a digest, the degradation and the patches it was trained on), e.g. a folder that gained images.
     * The run is then no longer the uninterrupted one.
     *
     * @param accept whether to continue on other data
     * @return a trainer with that setting
     */
    public SameDiffTrainer acceptOtherData(boolean accept) {
        return with(o -> o.acceptOtherData = accept);
    }

    /**
     * Lets {@link #resume} continue a checkpoint of a plan that differs from this one in its optimizer as well (by
     * default refused), e.g. at a lower learning rate from a checkpoint before a loss spike, on the same data and random
     * draws. The run is then no longer the uninterrupted one.
     *
     * @param accept whether to continue under another optimizer
     * @return a trainer with that setting
     */
    public SameDiffTrainer acceptOtherOptimizer(boolean accept) {
        return with(o -> o.acceptOtherOptimizer = accept);
    }

    /**
     * Warm start: {@link #fit} starts the restorer (and its EMA) from {@code restorer}'s weights instead of the
     * plan's initialization, e.g. a vanilla-trained {@code restorer.dna} ({@link TrainedRestorer#load}) to adapt
     * with the method. The noise predictor and Adam's moments start fresh, and the lambda ramp from step 0. The
     * restorer must have the plan's restorer and value range ({@code Adaptation.from(plan).restorer(r.spec())}).
     * {@link #resume} ignores it: a checkpoint holds the weights it reached. (A restorer imported from ONNX needs no
     * warm start: {@link dev.dna.api.Restorers#fromOnnx} already starts from the file's weights.)
     *
     * @param restorer the weights to start from
     * @return a trainer that starts from them
     * @throws IllegalArgumentException if the restorer is another network, or has another value range, than the plan's
     */
    public SameDiffTrainer startFrom(TrainedRestorer restorer) {
        checkNotNull(restorer, "restorer");
        checkArgument(restorer.spec().equals(plan.restorer()), "cannot start from a restorer %s: the plan trains %s "
                + "(Adaptation.from(plan).restorer(restorer.spec()) makes a plan for it)", restorer.spec().describe(),
                plan.restorer().describe());
        checkArgument(restorer.valueRange() == plan.valueRange(), "cannot start from a restorer trained in %s: the plan "
                + "trains in %s", restorer.valueRange(), plan.valueRange());
        return with(o -> o.init = restorer);
    }

    /**
     * Stops after step {@code step} (at most {@code plan.steps()}) as if interrupted there, e.g. to resume later.
     *
     * @param step the last step to run, in [1, plan.steps()]
     * @return a trainer that stops there
     */
    public SameDiffTrainer stopAfter(long step) {
        checkArgument(step >= 1 && step <= plan.steps(), "stopAfter must be in [1, %s], got %s", plan.steps(), step);
        return with(o -> o.stopAfter = step);
    }

    /**
     * Replays the recorded ops of the gradient computation (default) instead of running each step through
     * SameDiff's session. Both compute the same numbers; replay skips the session's bookkeeping of about
     * 400 us per op and reuses its arrays (see {@code GradientReplay}). Off is for comparison and for graphs
     * that replay does not support, which fall back to the session by themselves.
     *
     * @param replay whether to replay the recorded ops
     * @return a trainer with that setting
     */
    public SameDiffTrainer replayOps(boolean replay) {
        return with(o -> o.replayOps = replay);
    }

    /**
     * Trains from scratch.
     *
     * @param synthetic pairs (degraded, clean) of the synthetic domain, patches of the plan's size
     * @param real degraded images of the real domain (their clean side, if any, is never used); may be
     *     null only for a vanilla plan
     * @return the restorer with EMA weights (raw weights when the plan's EMA decay is 0)
     */
    public TrainedRestorer fit(PatchDataset synthetic, PatchDataset real) {
        RunState r = new RunState(plan);
        if (options.init != null) {
            r.startFrom(options.init.weights());
        }
        return run(r, synthetic, real);
    }

    /**
     * {@link #fit(PatchDataset, PatchDataset)} with one more listener, e.g. for progress.
     *
     * @param synthetic pairs of the synthetic domain
     * @param real degraded images of the real domain
     * @param progress one more listener
     * @return the restorer, as {@link #fit(PatchDataset, PatchDataset)}
     */
    public TrainedRestorer fit(PatchDataset synthetic, PatchDataset real, TrainingListener progress) {
        return listener(progress).fit(synthetic, real);
    }

    /**
     * Continues a run from a checkpoint written by this plan.
     *
     * @param checkpoint the checkpoint to continue from
     * @param synthetic the synthetic pairs the run trained on
     * @param real the real images the run trained on
     * @return the restorer at the end of the plan (or of {@link #stopAfter})
     * @throws IOException if the checkpoint is missing, corrupt, or was written for another plan
     */
    public TrainedRestorer resume(Path checkpoint, PatchDataset synthetic, PatchDataset real) throws IOException {
        try (java.util.zip.ZipFile zip = Checkpoints.open(checkpoint)) { // an imported restorer's model, before the graph
            Checkpoints.registerImportedModels(zip, checkpoint);
        }
        RunState r = new RunState(plan);
        r.load(checkpoint, options.acceptOtherOptimizer);
        String now = data(synthetic, real);
        if (!options.acceptOtherData && r.data != null && synthetic != null && !r.data.equals(now)) {
            throw new IOException("checkpoint " + checkpoint + " was trained on other data: " + r.data + "; now given: " + now
                    + " (resume with the same data, start a new run, or accept other data: acceptOtherData)");
        }
        return run(r, synthetic, real);
    }

    /** The data a run trains on, as its checkpoints record it. */
    private String data(PatchDataset synthetic, PatchDataset real) {
        return (synthetic == null ? "?" : synthetic.describe()) + (plan.usesDiffusion() && real != null ? "; real: " + real.describe() : "");
    }

    private void checkData(PatchDataset synthetic, PatchDataset real) {
        checkNotNull(synthetic, "synthetic");
        checkArgument(synthetic.hasClean(), "the synthetic dataset must have clean images (pairs)");
        checkArgument(synthetic.sampler().size() == plan.patchSize(),
                "the synthetic dataset makes %s-pixel patches, the plan's patchSize is %s", synthetic.sampler().size(),
                plan.patchSize());
        if (plan.usesDiffusion()) {
            checkArgument(real != null, "plan %s trains with the diffusion loss: it needs real degraded images", plan.variant());
            checkArgument(real.sampler().size() == plan.patchSize(),
                    "the real dataset makes %s-pixel patches, the plan's patchSize is %s", real.sampler().size(),
                    plan.patchSize());
        }
        checkArgument(synthetic.sampler().augment() == plan.augment() && (real == null || real.sampler().augment() == plan.augment()),
                "the datasets' patch sampler %s dihedral flips, the plan's augment is %s (PatchSampler.of(plan) agrees with "
                + "the plan)", synthetic.sampler().augment() ? "applies" : "applies no", plan.augment());
        checkArgument(options.bestFile == null || options.validateEvery > 0,
                "keepBest needs validateEvery: the best is chosen by validation");
    }

    /**
     * The loop: each step draws its data, computes every loss and gradient in one pass, stops on a non-finite one, lets
     * the spike guard judge, applies Adam and the EMA, validates when due, reports to the listeners (the CSV log and the
     * progress among them) and checkpoints when due.
     */
    private TrainedRestorer run(RunState r, PatchDataset synthetic, PatchDataset real) {
        checkData(synthetic, real);
        r.data = data(synthetic, real);
        // the restorer returned, built first: a network that cannot be built for inference (or, imported, exported again)
        // fails here, before any step
        TrainedRestorer result = TrainedRestorer.of(plan, r.resultWeights());
        long last = Math.min(options.stopAfter, plan.steps());
        Feeder feeder = new Feeder(r.graph, DataType.FLOAT);
        Validation validation = options.validateEvery > 0 ? new Validation(plan, options.validateEvery, options.valDegraded,
                options.valClean, options.bestFile, r) : null;
        try (GradientStep gradients = new GradientStep(r.graph.sd, r.graph.lossTerms, r.params, options.replayOps,
                r.flat.gradientViews());
                CsvLog csv = options.csvFile == null ? null : CsvLog.open(options.csvFile, r.graph.lossTerms, r.step);
                ParameterLog parameterLog = options.parameterFile == null ? null
                        : ParameterLog.open(options.parameterFile, r.params, r.step);
                ConsoleProgress progress = options.progressBar && r.step < last ? ConsoleProgress.open(options.name, r.step,
                        last) : null) {
            List<TrainingListener> listeners = new ArrayList<>(options.listeners);
            if (csv != null) {
                listeners.add(csv);
            }
            if (progress != null) {
                listeners.add(progress);
            }
            while (r.step < last) {
                long step = r.step + 1;
                long t0 = System.nanoTime();
                PatchDataset.Batch syn = synthetic.next(plan.batchSize(), r.streams.get(TrainingStreams.SYNTHETIC_DATA));
                ImageBatch xr = plan.usesDiffusion()
                        ? real.next(plan.batchSize(), r.streams.get(TrainingStreams.REAL_DATA)).degraded() : null;
                long dataNanos = System.nanoTime() - t0;
                double lambda = plan.usesDiffusion() ? plan.loss().noiseWeightAt(step - 1, plan.steps()) : 0.0;
                Map<String, INDArray> feed = feeder.feed(syn.degraded(), syn.cleanOrNull(), xr, r.streams, lambda);
                Map<String, Double> losses = gradientsOf(r, gradients, feed, step);
                double gradNorm = r.flat.gradientNorm();
                if (parameterLog != null) {
                    parameterLog.write(step, r.flat);
                }
                double lr = plan.optimizer().learningRateAt(step, plan.steps());
                Optional<SpikeEvent> spike = Optional.ofNullable(guardedUpdate(r, step, losses.get(JointGraph.L_RES),
                        gradNorm, lr));
                gradients.release(feed.values()); // outputs and gradients consumed; the validation reads the feed again
                double seconds = (System.nanoTime() - t0) / 1e9; // the step proper, without its validation
                Optional<ValidationReport> val = Optional.empty();
                if (validation != null && validation.due(step, last)) {
                    val = Optional.of(validation.run(r, step, gradients, feed, lambda));
                }
                SessionMemory.close(feed.values());
                StepReport report = new StepReport(step, plan.steps(), lambda, losses, seconds, dataNanos / 1e9, lr, gradNorm,
                        val, spike);
                spike.ifPresent(e -> {
                    r.spikes.add(e);
                    System.err.println(options.name + ": spike at " + e.describe());
                    listeners.forEach(l -> l.onSpike(e));
                });
                val.ifPresent(v -> listeners.forEach(l -> l.onValidation(v)));
                listeners.forEach(l -> l.onStep(report));
                if (spike.isPresent() && r.guard.exhausted()) {
                    throw TrainingDivergedException.spikes(step, r.guard.events(), spike.get().describe());
                }
                if (options.checkpointFile != null && (step % options.checkpointEvery == 0 || step == last)) {
                    r.save(options.checkpointFile);
                    listeners.forEach(l -> l.onCheckpoint(step, options.checkpointFile));
                }
            }
            TrainingSummary summary = new TrainingSummary(r.step, r.spikes, r.lastPsnr,
                    validation == null ? Double.NaN : r.bestPsnr, r.bestStep);
            summary.warning().ifPresent(w -> System.err.println(options.name + ": WARNING: " + w));
            listeners.forEach(l -> l.onFinish(summary));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        result.setWeights(r.resultWeights());
        return result;
    }

    /**
     * Runs the step's forward and backward pass and gathers the gradients into the flat buffer; returns the loss terms.
     *
     * @throws TrainingDivergedException naming the term, or the parameter, and where the first NaN or infinity came from,
     *     if a loss term or a gradient is not finite (nothing of the step is applied)
     */
    private static Map<String, Double> gradientsOf(RunState r, GradientStep gradients, Map<String, INDArray> feed, long step) {
        OutAndGrad og = gradients.run(feed);
        Map<String, Double> losses = new LinkedHashMap<>();
        for (String t : r.graph.lossTerms) {
            losses.put(t, og.getOutputs().get(t).getDouble(0));
        }
        for (var e : losses.entrySet()) {
            if (!Double.isFinite(e.getValue())) {
                throw TrainingDivergedException.loss(step, e.getKey(), e.getValue(), losses.toString(), nonFiniteOrigin(r, feed));
            }
        }
        r.flat.gather(og.getGradients());
        String badGradient = r.flat.firstNonFiniteGradient();
        if (badGradient != null) {
            throw TrainingDivergedException.gradient(step, badGradient, losses.toString(), nonFiniteOrigin(r, feed));
        }
        return losses;
    }

    /**
     * Applies step {@code step}'s gathered gradient unless the spike guard objects: clipped by the guard on a gradient
     * spike, then to the plan's norm, at rate {@code lr}, then the EMA. Returns the guard's event (the gradient clipped,
     * the update skipped, or the run rolled back) or null.
     */
    private SpikeEvent guardedUpdate(RunState r, long step, Double lossRes, double gradNorm, double lr) {
        double restorerGrad = r.guard.enabled() ? r.flat.leadingGradientNorm() : Double.NaN;
        double lres = lossRes == null ? Double.NaN : lossRes;
        SpikeEvent spike = r.guard.judge(step, lres, restorerGrad);
        if (spike == null || spike.action() == SpikeEvent.Action.CLIP) {
            if (spike != null) { // the whole gradient scaled alike, so that the restorer's part has the guard's bound
                r.flat.scaleGradients(spike.clippedTo() / restorerGrad);
                gradNorm *= spike.clippedTo() / restorerGrad;
            }
            double clip = plan.optimizer().clipGradNorm();
            if (clip > 0 && gradNorm > clip) {
                r.flat.scaleGradients(clip / gradNorm);
            }
            r.apply(lr);
            r.guard.accepted(step, lres, restorerGrad, r::snapshot);
            return spike;
        }
        if (spike.action() == SpikeEvent.Action.ROLLBACK) {
            r.restore(r.guard.goodState());
        }
        r.step++; // the step is spent: the plan's budget counts it, and its random draws are not repeated
        return spike;
    }

    /** {@link NonFiniteOrigin#describe}, or why it could not tell. */
    private static String nonFiniteOrigin(RunState r, Map<String, INDArray> feed) {
        try {
            return NonFiniteOrigin.describe(r.graph.sd, feed, r.graph.lossTerms, r.params);
        } catch (RuntimeException e) {
            return "not found (" + e + ")";
        }
    }
}
