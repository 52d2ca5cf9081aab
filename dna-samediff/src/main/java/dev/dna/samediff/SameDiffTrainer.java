package dev.dna.samediff;

import com.google.errorprone.annotations.CheckReturnValue;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.data.ImageSet;
import dev.dna.api.data.PatchDataset;
import dev.dna.api.image.Image;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.io.AtomicFiles;
import dev.dna.api.metrics.Metrics;
import dev.dna.samediff.engine.GradientReplay;
import dev.dna.samediff.engine.NonFiniteOrigin;
import dev.dna.samediff.engine.SessionMemory;
import dev.dna.samediff.graph.JointGraph;
import dev.dna.samediff.training.Checkpoints;
import dev.dna.samediff.training.Feeder;
import dev.dna.samediff.training.FlatParameters;
import dev.dna.samediff.training.GradientStep;
import dev.dna.samediff.training.SpikeGuard;
import dev.dna.samediff.training.TrainingStreams;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipFile;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
    static final String CHECKPOINT_FORMAT = "dna-checkpoint/1";

    private final AdaptationPlan plan;
    private final ImmutableList<TrainingListener> listeners;
    private final boolean progressBar;
    private final int checkpointEvery;
    private final Path checkpointFile;
    private final Path csvFile;
    private final int validateEvery;
    private final ImageSet valDegraded;
    private final ImageSet valClean;
    private final long stopAfter;
    private final String name;
    private final boolean replayOps;
    private final Path bestFile;
    private final boolean acceptOtherData;
    /** The restorer weights {@link #fit} starts from (warm start); null: the plan's initialization. */
    private final TrainedRestorer init;

    private SameDiffTrainer(AdaptationPlan plan, List<TrainingListener> listeners, boolean progressBar, int checkpointEvery,
            Path checkpointFile, Path csvFile, int validateEvery, ImageSet valDegraded, ImageSet valClean, long stopAfter,
            String name, boolean replayOps, Path bestFile, boolean acceptOtherData, TrainedRestorer init) {
        this.plan = plan;
        this.listeners = ImmutableList.copyOf(listeners);
        this.progressBar = progressBar;
        this.checkpointEvery = checkpointEvery;
        this.checkpointFile = checkpointFile;
        this.csvFile = csvFile;
        this.validateEvery = validateEvery;
        this.valDegraded = valDegraded;
        this.valClean = valClean;
        this.stopAfter = stopAfter;
        this.name = name;
        this.replayOps = replayOps;
        this.bestFile = bestFile;
        this.acceptOtherData = acceptOtherData;
        this.init = init;
    }

    /** A trainer for {@code plan}: progress bar on, no checkpoints, no validation, no CSV. */
    public static SameDiffTrainer create(AdaptationPlan plan) {
        checkNotNull(plan, "plan");
        return new SameDiffTrainer(plan, List.of(), true, 0, null, null, 0, null, null, plan.steps(),
                plan.variant() == null ? "train" : plan.variant().id(), true, null, false, null);
    }

    public AdaptationPlan plan() {
        return plan;
    }

    /** Adds a listener. */
    public SameDiffTrainer listener(TrainingListener l) {
        List<TrainingListener> ls = new ArrayList<>(listeners);
        ls.add(checkNotNull(l, "listener"));
        return new SameDiffTrainer(plan, ls, progressBar, checkpointEvery, checkpointFile, csvFile, validateEvery,
                valDegraded, valClean, stopAfter, name, replayOps, bestFile, acceptOtherData, init);
    }

    /** Shows (default) or hides the console progress bar (loss terms and iterations per second). */
    public SameDiffTrainer progressBar(boolean show) {
        return new SameDiffTrainer(plan, listeners, show, checkpointEvery, checkpointFile, csvFile, validateEvery,
                valDegraded, valClean, stopAfter, name, replayOps, bestFile, acceptOtherData, init);
    }

    /** Name shown on the progress bar. */
    public SameDiffTrainer named(String label) {
        return new SameDiffTrainer(plan, listeners, progressBar, checkpointEvery, checkpointFile, csvFile, validateEvery,
                valDegraded, valClean, stopAfter, checkNotNull(label, "label"), replayOps, bestFile, acceptOtherData, init);
    }

    /** Writes a checkpoint to {@code file} every {@code every} steps and at the last step (atomically replaced). */
    public SameDiffTrainer checkpointEvery(int every, Path file) {
        checkArgument(every >= 1, "checkpoint interval must be >= 1, got %s", every);
        return new SameDiffTrainer(plan, listeners, progressBar, every, checkNotNull(file, "file"), csvFile, validateEvery,
                valDegraded, valClean, stopAfter, name, replayOps, bestFile, acceptOtherData, init);
    }

    /**
     * Appends every step's figures (and validation, when measured) to a CSV file: {@code step, lambda}, the loss terms of
     * {@link StepReport#losses}, {@code seconds, val_psnr, val_ssim, grad_res, grad_noise, val_psnr_raw, val_ssim_raw, lr, grad_norm, spike} ({@code lr}
     * the step's learning rate, {@code grad_norm} the global gradient norm before clipping, {@code spike} what the spike
     * guard did at the step, empty when nothing: {@code skip:SIGNAL} or {@code rollback:SIGNAL:STEP}).
     * A fresh run replaces the file; a resumed one keeps its rows up to the checkpoint's step (a log of an older version,
     * without the {@code hinge} column, is widened with that column empty; one of other columns is refused).
     */
    public SameDiffTrainer logCsv(Path file) {
        return new SameDiffTrainer(plan, listeners, progressBar, checkpointEvery, checkpointFile, checkNotNull(file, "file"),
                validateEvery, valDegraded, valClean, stopAfter, name, replayOps, bestFile, acceptOtherData, init);
    }

    /**
     * Measures PSNR/SSIM on aligned held-out pairs every {@code every} steps and at the last step, of the EMA
     * restorer (what {@link #fit} returns) and of the raw weights (what the authors validate); see
     * {@link ValidationReport}. The CSV gets both ({@code val_psnr, val_ssim} and {@code val_psnr_raw,
     * val_ssim_raw}).
     */
    public SameDiffTrainer validateEvery(int every, ImageSet degraded, ImageSet clean) {
        checkArgument(every >= 1, "validation interval must be >= 1, got %s", every);
        checkArgument(degraded.size() == clean.size() && degraded.size() > 0,
                "validation needs aligned pairs: %s degraded, %s clean", degraded.size(), clean.size());
        return new SameDiffTrainer(plan, listeners, progressBar, checkpointEvery, checkpointFile, csvFile, every, degraded,
                clean, stopAfter, name, replayOps, bestFile, acceptOtherData, init);
    }

    /**
     * Keeps the best restorer seen by validation: whenever the returned (EMA) weights' validation PSNR beats every
     * earlier validation of the run (strictly; the first one always), saves that restorer to {@code file} (as
     * {@link TrainedRestorer#save}, atomically replaced). Checkpoints record the best PSNR and step so far, so a
     * resumed run keeps the same file as the uninterrupted run. Needs {@link #validateEvery}: choose the best on a
     * validation split, never on the test images. The step is the log's first maximum of {@code val_psnr}.
     */
    public SameDiffTrainer keepBest(Path file) {
        return new SameDiffTrainer(plan, listeners, progressBar, checkpointEvery, checkpointFile, csvFile, validateEvery,
                valDegraded, valClean, stopAfter, name, replayOps, checkNotNull(file, "file"), acceptOtherData, init);
    }

    /**
     * Lets {@link #resume} continue on other data than the checkpoint records (by default refused: the checkpoint names
     * the images, with a digest, the degradation and the patches it was trained on), e.g. a folder that gained images.
     * The run is then no longer the uninterrupted one.
     */
    public SameDiffTrainer acceptOtherData(boolean accept) {
        return new SameDiffTrainer(plan, listeners, progressBar, checkpointEvery, checkpointFile, csvFile, validateEvery,
                valDegraded, valClean, stopAfter, name, replayOps, bestFile, accept, init);
    }

    /**
     * Warm start: {@link #fit} starts the restorer (and its EMA) from {@code restorer}'s weights instead of the
     * plan's initialization, e.g. a vanilla-trained {@code restorer.dna} ({@link TrainedRestorer#load}) to adapt
     * with the method. The noise predictor and Adam's moments start fresh, and the lambda ramp from step 0. The
     * restorer must have the plan's restorer and value range ({@code Adaptation.from(plan).restorer(r.spec())}).
     * {@link #resume} ignores it: a checkpoint holds the weights it reached. (A restorer imported from ONNX needs no
     * warm start: {@link dev.dna.api.Restorers#fromOnnx} already starts from the file's weights.)
     *
     * @throws IllegalArgumentException if the restorer is another network, or has another value range, than the plan's
     */
    public SameDiffTrainer startFrom(TrainedRestorer restorer) {
        checkNotNull(restorer, "restorer");
        checkArgument(restorer.spec().equals(plan.restorer()), "cannot start from a restorer %s: the plan trains %s "
                + "(Adaptation.from(plan).restorer(restorer.spec()) makes a plan for it)", restorer.spec().describe(),
                plan.restorer().describe());
        checkArgument(restorer.valueRange() == plan.valueRange(), "cannot start from a restorer trained in %s: the plan "
                + "trains in %s", restorer.valueRange(), plan.valueRange());
        return new SameDiffTrainer(plan, listeners, progressBar, checkpointEvery, checkpointFile, csvFile, validateEvery,
                valDegraded, valClean, stopAfter, name, replayOps, bestFile, acceptOtherData, restorer);
    }

    /** Stops after step {@code step} (at most {@code plan.steps()}) as if interrupted there, e.g. to resume later. */
    public SameDiffTrainer stopAfter(long step) {
        checkArgument(step >= 1 && step <= plan.steps(), "stopAfter must be in [1, %s], got %s", plan.steps(), step);
        return new SameDiffTrainer(plan, listeners, progressBar, checkpointEvery, checkpointFile, csvFile, validateEvery,
                valDegraded, valClean, step, name, replayOps, bestFile, acceptOtherData, init);
    }

    /**
     * Replays the recorded ops of the gradient computation (default) instead of running each step through
     * SameDiff's session. Both compute the same numbers; replay skips the session's bookkeeping of about
     * 400 us per op and reuses its arrays (see {@code GradientReplay}). Off is for comparison and for graphs
     * that replay does not support, which fall back to the session by themselves.
     */
    public SameDiffTrainer replayOps(boolean replay) {
        return new SameDiffTrainer(plan, listeners, progressBar, checkpointEvery, checkpointFile, csvFile, validateEvery,
                valDegraded, valClean, stopAfter, name, replay, bestFile, acceptOtherData, init);
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
        Run r = new Run(plan);
        if (init != null) {
            r.startFrom(init.weights());
        }
        return run(r, synthetic, real);
    }

    /** {@link #fit(PatchDataset, PatchDataset)} with one more listener, e.g. for progress. */
    public TrainedRestorer fit(PatchDataset synthetic, PatchDataset real, TrainingListener progress) {
        return listener(progress).fit(synthetic, real);
    }

    /**
     * Continues a run from a checkpoint written by this plan.
     *
     * @throws IOException if the checkpoint is missing, corrupt, or was written for another plan
     */
    public TrainedRestorer resume(Path checkpoint, PatchDataset synthetic, PatchDataset real) throws IOException {
        try (java.util.zip.ZipFile zip = Checkpoints.open(checkpoint)) { // an imported restorer's model, before the graph
            Checkpoints.registerImportedModels(zip, checkpoint);
        }
        Run r = new Run(plan);
        r.load(checkpoint);
        String now = data(synthetic, real);
        if (!acceptOtherData && r.data != null && synthetic != null && !r.data.equals(now)) {
            throw new IOException("checkpoint " + checkpoint + " was trained on other data: " + r.data + "; now given: " + now
                    + " (resume with the same data, start a new run, or accept other data: acceptOtherData)");
        }
        return run(r, synthetic, real);
    }

    /** The data a run trains on, as its checkpoints record it. */
    private String data(PatchDataset synthetic, PatchDataset real) {
        return (synthetic == null ? "?" : synthetic.describe()) + (plan.usesDiffusion() && real != null ? "; real: " + real.describe() : "");
    }

    private TrainedRestorer run(Run r, PatchDataset synthetic, PatchDataset real) {
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
        r.data = data(synthetic, real);
        Feeder feeder = new Feeder(r.graph, DataType.FLOAT);
        GradientStep gradients = new GradientStep(r.graph.sd, r.graph.lossTerms, r.params, replayOps, r.flat.gradientViews());
        checkArgument(bestFile == null || validateEvery > 0, "keepBest needs validateEvery: the best is chosen by validation");
        TrainedRestorer validator = validateEvery > 0 ? TrainedRestorer.of(plan, r.resultWeights()) : null;
        double inputPsnr = validator == null ? Double.NaN : inputPsnr();
        long last = Math.min(stopAfter, plan.steps());
        try (gradients; BufferedWriter csv = csvWriter(r.graph.lossTerms, r.step);
                ProgressBar pb = progressBar && r.step < last && terminal() ? bar(r.step, last) : null) {
            LineProgress lines = progressBar && r.step < last && pb == null ? new LineProgress(name, r.step, last, System.err) : null;
            while (r.step < last) {
                long step = r.step + 1;
                long t0 = System.nanoTime();
                PatchDataset.Batch syn = synthetic.next(plan.batchSize(), r.streams.get(TrainingStreams.SYNTHETIC_DATA));
                ImageBatch xr = plan.usesDiffusion()
                        ? real.next(plan.batchSize(), r.streams.get(TrainingStreams.REAL_DATA)).degraded() : null;
                long dataNanos = System.nanoTime() - t0;
                double lambda = plan.usesDiffusion() ? plan.loss().noiseWeightAt(step - 1, plan.steps()) : 0.0;
                Map<String, INDArray> feed = feeder.feed(syn.degraded(), syn.cleanOrNull(), xr, r.streams, lambda);
                OutAndGrad og = gradients.run(feed);
                Map<String, Double> losses = new LinkedHashMap<>();
                for (String t : r.graph.lossTerms) {
                    losses.put(t, og.getOutputs().get(t).getDouble(0));
                }
                for (var e : losses.entrySet()) {
                    if (!Double.isFinite(e.getValue())) {
                        throw TrainingDivergedException.loss(step, e.getKey(), e.getValue(), losses.toString(),
                                nonFiniteOrigin(r, feed));
                    }
                }
                r.flat.gather(og.getGradients());
                String badGradient = r.flat.firstNonFiniteGradient();
                if (badGradient != null) {
                    throw TrainingDivergedException.gradient(step, badGradient, losses.toString(), nonFiniteOrigin(r, feed));
                }
                double gradNorm = r.flat.gradientNorm();
                double lr = plan.optimizer().learningRateAt(step, plan.steps());
                SpikeEvent spike = guardedUpdate(r, step, losses.get(JointGraph.L_RES), gradNorm, lr);
                // outputs and gradients are consumed; the feed is read again by the validation's gradient norms
                gradients.release(feed.values());
                StepReport report = new StepReport(step, plan.steps(), lambda, losses, (System.nanoTime() - t0) / 1e9,
                        dataNanos / 1e9, lr, gradNorm);
                if (spike != null) {
                    r.spikes.add(spike);
                    System.err.println(name + ": spike at " + spike.describe());
                    listeners.forEach(l -> l.onSpike(spike));
                    if (r.guard.exhausted()) {
                        throw TrainingDivergedException.spikes(step, r.spikes.size(), spike.describe());
                    }
                }
                listeners.forEach(l -> l.onStep(report));
                ValidationReport val = null;
                if (validator != null && (step % validateEvery == 0 || step == last)) {
                    double[] norms = restorerGradNorms(r, gradients, feed, lambda);
                    val = validate(validator, r, step, inputPsnr, norms);
                    r.lastPsnr = val.psnr();
                    ValidationReport v = val;
                    listeners.forEach(l -> l.onValidation(v));
                    if (bestFile != null && val.psnr() > r.bestPsnr) { // a NaN never wins; the first finite one does
                        r.bestPsnr = val.psnr();
                        r.bestStep = step;
                        validator.setWeights(r.resultWeights());
                        validator.save(bestFile);
                    }
                }
                SessionMemory.close(feed.values());
                if (csv != null) {
                    writeCsv(csv, report, val, spike);
                }
                if (lines != null) {
                    lines.step(step, progressMessage(report, val), val != null);
                }
                if (pb != null) {
                    pb.stepTo(step);
                    pb.setExtraMessage(progressMessage(report, val));
                }
                if (checkpointFile != null && (step % checkpointEvery == 0 || step == last)) {
                    r.save(checkpointFile);
                    listeners.forEach(l -> l.onCheckpoint(step, checkpointFile));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TrainingSummary summary = new TrainingSummary(r.step, r.spikes, r.lastPsnr, validator == null ? Double.NaN : r.bestPsnr,
                r.bestStep);
        summary.warning().ifPresent(w -> System.err.println(name + ": WARNING: " + w));
        listeners.forEach(l -> l.onFinish(summary));
        return TrainedRestorer.of(plan, r.resultWeights());
    }

    /**
     * Applies step {@code step}'s gathered gradient unless the spike guard objects: clipped to the plan's norm, at rate
     * {@code lr}, then the EMA. Returns the guard's event (the update skipped, or the run rolled back) or null.
     */
    private SpikeEvent guardedUpdate(Run r, long step, Double lossRes, double gradNorm, double lr) {
        double restorerGrad = r.guard.enabled() ? r.flat.leadingGradientNorm() : Double.NaN;
        double lres = lossRes == null ? Double.NaN : lossRes;
        SpikeEvent spike = r.guard.judge(step, lres, restorerGrad);
        if (spike == null) {
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
    private static String nonFiniteOrigin(Run r, Map<String, INDArray> feed) {
        try {
            return NonFiniteOrigin.describe(r.graph.sd, feed, r.graph.lossTerms, r.params);
        } catch (RuntimeException e) {
            return "not found (" + e + ")";
        }
    }

    private ProgressBar bar(long start, long last) {
        return new ProgressBarBuilder().setTaskName(name).setInitialMax(last).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(1000).showSpeed().startsFrom(start, java.time.Duration.ZERO)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
    }

    /** Whether standard error goes to a terminal (then a progress bar; else {@link LineProgress}). */
    private static boolean terminal() {
        return System.console() != null;
    }

    /**
     * Progress for logs and pipes, where a redrawn bar would be cut to 80 columns: one whole line at most every
     * {@value #PERIOD_SECONDS} seconds, at every validation and at the last step ({@code name step/last, rate, ETA,
     * losses, validation}).
     */
    static final class LineProgress {
        static final int PERIOD_SECONDS = 30;
        private final String name;
        private final long first;
        private final long last;
        private final java.io.PrintStream out;
        private final long t0 = System.nanoTime();
        private long printed = System.nanoTime();

        LineProgress(String name, long first, long last, java.io.PrintStream out) {
            this.name = name;
            this.first = first;
            this.last = last;
            this.out = out;
        }

        void step(long step, String message, boolean validated) {
            long now = System.nanoTime();
            if (!validated && step != last && now - printed < PERIOD_SECONDS * 1_000_000_000L) {
                return;
            }
            printed = now;
            double seconds = (now - t0) / 1e9;
            double rate = (step - first) / Math.max(seconds, 1e-9);
            out.printf(Locale.ROOT, "%s %d/%d (%d%%), %.2f it/s, ETA %s: %s%n", name, step, last, 100 * step / last, rate,
                    eta((last - step) / Math.max(rate, 1e-9)), message);
        }

        private static String eta(double s) {
            long t = Math.round(s);
            return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
        }
    }

    private static String progressMessage(StepReport r, ValidationReport v) {
        StringBuilder sb = new StringBuilder();
        r.losses().forEach((k, x) -> sb.append(k).append(' ').append(String.format(Locale.ROOT, "%.4f", x)).append(' '));
        if (v != null) {
            sb.append(String.format(Locale.ROOT, "val %.2f dB (raw %.2f)", v.psnr(), v.rawPsnr()));
        }
        return sb.toString().trim();
    }

    private double inputPsnr() {
        return Metrics.meanPsnr(valClean, valDegraded.map(Image::clip));
    }

    /**
     * The L2 norms of the gradients that {@code L_res} and {@code lambda L_noise} each send into the
     * restorer, on this step's batch: two more gradient passes with the loss weights set to (1, 0) and
     * (0, lambda). Nothing random is drawn, so the training run is the same with or without them.
     */
    private static double[] restorerGradNorms(Run r, GradientStep gradients, Map<String, INDArray> feed, double lambda) {
        double res = restorerGradNorm(r, gradients, feed, 1.0, 0.0);
        double noise = r.plan.usesDiffusion() ? restorerGradNorm(r, gradients, feed, 0.0, lambda) : Double.NaN;
        return new double[] {res, noise};
    }

    private static double restorerGradNorm(Run r, GradientStep gradients, Map<String, INDArray> feed, double resWeight,
            double lambda) {
        Map<String, INDArray> f = new LinkedHashMap<>(feed);
        if (r.plan.usesDiffusion()) {
            f.put(JointGraph.RES_WEIGHT, Nd4j.scalar(DataType.DOUBLE, resWeight).castTo(DataType.FLOAT));
            f.put(JointGraph.LAMBDA, Nd4j.scalar(DataType.DOUBLE, lambda).castTo(DataType.FLOAT));
        }
        Map<String, INDArray> grads = gradients.run(f).getGradients();
        double sq = 0;
        for (String p : r.restorerParams) {
            INDArray g = grads.get(p);
            double n = g == null ? 0 : g.norm2Number().doubleValue();
            sq += n * n;
        }
        gradients.release(f.values()); // the gradients are consumed; the feed is the step's
        if (r.plan.usesDiffusion()) {
            SessionMemory.close(List.of(f.get(JointGraph.RES_WEIGHT), f.get(JointGraph.LAMBDA)));
        }
        return Math.sqrt(sq);
    }

    /** Validates the returned (EMA) weights and, when they differ, the raw weights of the step. */
    private ValidationReport validate(TrainedRestorer validator, Run r, long step, double inputPsnr, double[] gradNorms) {
        validator.setWeights(r.resultWeights());
        double[] ema = quality(validator);
        double[] raw = ema;
        if (plan.emaDecay() > 0) {
            validator.setWeights(r.rawWeights());
            raw = quality(validator);
        }
        return new ValidationReport(step, ema[0], ema[1], raw[0], raw[1], inputPsnr, gradNorms[0], gradNorms[1]);
    }

    /** Mean PSNR and SSIM of {@code restorer} on the validation pairs. */
    private double[] quality(TrainedRestorer restorer) {
        ImageSet restored = restorer.restoreAll(valDegraded);
        return new double[] {Metrics.meanPsnr(valClean, restored), Metrics.meanSsim(valClean, restored)};
    }

    /**
     * The CSV log, opened to append the steps after {@code startStep}: rows of later steps (written after the checkpoint a
     * run resumes from, or by an earlier run of a fresh start) are dropped first, so that every step has one row.
     */
    private BufferedWriter csvWriter(List<String> terms, long startStep) throws IOException {
        if (csvFile == null) {
            return null;
        }
        if (csvFile.toAbsolutePath().getParent() != null) {
            Files.createDirectories(csvFile.toAbsolutePath().getParent());
        }
        String header = "step,lambda," + String.join(",", terms) + ",seconds,val_psnr,val_ssim,grad_res,grad_noise,val_psnr_raw,val_ssim_raw,lr,grad_norm,spike";
        if (startStep == 0 && Files.exists(csvFile)) {
            // a fresh start drops every row of an earlier run, and its header with them (it may name other columns)
            AtomicFiles.write(csvFile, out -> out.write((header + "\n").getBytes(StandardCharsets.UTF_8)));
        } else if (Files.exists(csvFile) && Files.size(csvFile) > 0) {
            String old;
            try (BufferedReader in = Files.newBufferedReader(csvFile, StandardCharsets.UTF_8)) {
                old = in.readLine();
            }
            if (!header.equals(old)) {
                widenLog(csvFile, header);
            }
        }
        truncateLog(csvFile, startStep);
        boolean fresh = !Files.exists(csvFile) || Files.size(csvFile) == 0;
        BufferedWriter w = Files.newBufferedWriter(csvFile, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        if (fresh) {
            w.write(header + "\n");
        }
        return w;
    }

    private static void writeCsv(BufferedWriter w, StepReport r, ValidationReport v, SpikeEvent spike) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(r.step()).append(',').append(fmt(r.lambda()));
        r.losses().values().forEach(x -> sb.append(',').append(fmt(x)));
        sb.append(',').append(String.format(Locale.ROOT, "%.4f", r.seconds()));
        sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.4f", v.psnr()));
        sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.5f", v.ssim()));
        sb.append(',').append(v == null ? "" : fmt(v.restorationGradNorm()));
        sb.append(',').append(v == null || Double.isNaN(v.noiseGradNorm()) ? "" : fmt(v.noiseGradNorm()));
        sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.4f", v.rawPsnr()));
        sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.5f", v.rawSsim()));
        sb.append(',').append(fmt(r.learningRate())).append(',').append(fmt(r.gradNorm()));
        sb.append(',').append(spike == null ? "" : spike.action() == SpikeEvent.Action.SKIP ? "skip:" + spike.signal()
                : "rollback:" + spike.signal() + ":" + spike.restoredStep());
        w.write(sb.append('\n').toString());
        w.flush();
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.8g", x);
    }

    /**
     * Rewrites a log of an older version under {@code header}, atomically: its columns must be {@code header}'s in the same
     * order with some left out (e.g. {@code hinge}, logged since 2026-12-04), and those are left empty in its rows.
     *
     * @throws IllegalStateException naming both headers if the log has a column {@code header} lacks, its columns in
     *     another order, or a row (but a torn last one) whose cells do not match its header; the log is then left as it is
     */
    static void widenLog(Path csv, String header) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> oldCols = List.of(lines.get(0).split(",", -1));
        List<String> newCols = List.of(header.split(",", -1));
        int[] at = new int[newCols.size()]; // at[i]: the old column of new column i, -1 where it is new
        int next = 0;
        for (int i = 0; i < newCols.size(); i++) {
            at[i] = next < oldCols.size() && oldCols.get(next).equals(newCols.get(i)) ? next++ : -1;
        }
        checkState(next == oldCols.size(), "cannot append to %s: its columns are %s, this run writes %s (a log of another "
                + "plan; move it away to resume)", csv, lines.get(0), header);
        List<String> out = new java.util.ArrayList<>(List.of(header));
        for (int r = 1; r < lines.size(); r++) {
            String line = lines.get(r);
            String[] c = line.split(",", -1);
            if (r == lines.size() - 1 && c.length < oldCols.size()) {
                break; // the torn last row of an interrupted write (truncateLog drops it too)
            }
            checkState(c.length == oldCols.size(), "cannot append to %s: a row has %s cells under a header of %s: %s", csv,
                    c.length, oldCols.size(), line);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < at.length; i++) {
                sb.append(i == 0 ? "" : ",").append(at[i] < 0 ? "" : c[at[i]]);
            }
            out.add(sb.toString());
        }
        AtomicFiles.write(csv, o -> o.write((String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8)));
        List<String> added = newCols.stream().filter(col -> !oldCols.contains(col)).toList();
        System.err.println(csv + ": a log of an older version; added the columns " + added + ", empty in its "
                + (out.size() - 1) + " rows");
    }

    /**
     * Drops the rows of {@code csv} whose step (first cell) is after {@code lastKept}, and a torn last row (fewer cells than
     * the header: an interrupted write); the file is rewritten atomically.
     *
     * @throws IllegalStateException naming the file and the row if a row has another number of cells than the header
     *     (more, or fewer before the last row) or no step in its first cell: a damaged log, whose rows are not dropped
     *     unseen; the log is then left as it is
     */
    static void truncateLog(Path csv, long lastKept) throws IOException {
        if (!Files.exists(csv) || Files.size(csv) == 0) {
            return;
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> kept = new java.util.ArrayList<>(lines.subList(0, 1));
        int cells = lines.get(0).split(",", -1).length;
        for (int r = 1; r < lines.size(); r++) {
            String line = lines.get(r);
            String[] c = line.split(",", -1);
            long step = c.length == cells ? parseStep(c[0]) : -1;
            if (r == lines.size() - 1 && c.length < cells) {
                break; // the torn last row of an interrupted write
            }
            checkState(c.length == cells, "cannot resume the log %s: its row %s has %s cells under a header of %s: %s (a "
                    + "damaged log; repair it or move it away to resume)", csv, r, c.length, cells, line);
            checkState(step >= 0, "cannot resume the log %s: its row %s has no step in its first cell: %s (a damaged log; "
                    + "repair it or move it away to resume)", csv, r, line);
            if (step <= lastKept) {
                kept.add(line);
            }
        }
        if (kept.size() < lines.size()) {
            AtomicFiles.write(csv, out -> out.write((String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** The step of a log row's first cell, or -1 if it is not a non-negative whole number. */
    private static long parseStep(String cell) {
        try {
            long step = Long.parseLong(cell);
            return step >= 0 ? step : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The mutable state of one run: graph weights, Adam moments, EMA, random streams, step. */
    private static final class Run {
        final AdaptationPlan plan;
        final JointGraph graph;
        final List<String> params;
        final List<String> restorerParams;
        final Map<String, INDArray> adamM = new LinkedHashMap<>();
        final Map<String, INDArray> adamV = new LinkedHashMap<>();
        final Map<String, INDArray> ema = new LinkedHashMap<>();
        final TrainingStreams streams;
        long step;
        /** The best validation PSNR of the returned weights so far and its step ({@link #keepBest}); -inf, 0 before any. */
        double bestPsnr = Double.NEGATIVE_INFINITY;
        long bestStep;
        /** The data trained on ({@link PatchDataset#describe}, with digests), as checkpoints record it; null if unknown. */
        String data;
        /** The returned weights' last validation PSNR; NaN before any. */
        double lastPsnr = Double.NaN;
        /** The spike guard and the events it met (those since a resume: the checkpoint keeps their count). */
        final SpikeGuard<INDArray[]> guard;
        final List<SpikeEvent> spikes = new ArrayList<>();

        /** Parameters that get a gradient, restorer first, in flat buffers; Adam and the EMA run once over them. */
        final FlatParameters flat;
        /** The EMA of the restorer's parameters in {@code flat}, laid out as {@code flat}'s leading part. */
        final INDArray emaFlat;

        Run(AdaptationPlan plan) {
            this.plan = plan;
            this.graph = JointGraph.build(plan, DataType.FLOAT);
            this.params = graph.parameterNames();
            this.restorerParams = graph.restorerParameterNames();
            List<String> trained = new ArrayList<>();
            int restorerTrained = 0;
            for (String p : restorerParams) {
                if (graph.sd.getVariable(p).getGradient() != null) {
                    trained.add(p);
                    restorerTrained++;
                }
            }
            for (String p : params) {
                if (!p.startsWith(JointGraph.RESTORER_PREFIX) && graph.sd.getVariable(p).getGradient() != null) {
                    trained.add(p);
                }
            }
            this.flat = new FlatParameters(graph.sd, trained, restorerTrained, DataType.FLOAT);
            this.emaFlat = flat.leadingLength() > 0 ? flat.leading(flat.w).dup() : null;
            for (String p : params) {
                if (flat.contains(p)) {
                    adamM.put(p, flat.firstMoment(p));
                    adamV.put(p, flat.secondMoment(p));
                } else { // no gradient: Adam never touches it; the checkpoint still lists its (zero) moments
                    INDArray w = graph.sd.getVariable(p).getArr();
                    adamM.put(p, Nd4j.zerosLike(w));
                    adamV.put(p, Nd4j.zerosLike(w));
                }
            }
            for (String p : restorerParams) {
                ema.put(p, flat.contains(p) ? flat.viewOf(emaFlat, p) : graph.sd.getVariable(p).getArr().dup());
            }
            this.streams = new TrainingStreams(plan.seed());
            this.guard = new SpikeGuard<>(plan.spikeGuard());
        }

        /** A copy of what a rollback restores: weights, Adam's moments, the EMA. */
        INDArray[] snapshot() {
            INDArray[] f = flat.copyState();
            return new INDArray[] {f[0], f[1], f[2], emaFlat == null ? null : emaFlat.dup()};
        }

        /** Puts back a {@link #snapshot}. */
        void restore(INDArray[] state) {
            flat.restore(new INDArray[] {state[0], state[1], state[2]});
            if (emaFlat != null) {
                emaFlat.assign(state[3]);
            }
        }

        /** Sets the restorer's weights and their EMA to {@code weights} (every restorer parameter, shapes checked). */
        void startFrom(Map<String, INDArray> weights) {
            for (String p : restorerParams) {
                INDArray w = weights.get(p);
                checkArgument(w != null, "the restorer to start from has no weight %s", p);
                INDArray mine = graph.sd.getVariable(p).getArr();
                checkArgument(java.util.Arrays.equals(w.shape(), mine.shape()), "weight %s has shape %s, the plan's restorer "
                        + "needs %s", p, java.util.Arrays.toString(w.shape()), java.util.Arrays.toString(mine.shape()));
                mine.assign(w);
                ema.get(p).assign(w);
            }
            flat.pullWeights();
        }

        /** One optimizer step at rate {@code lr} from the gradients already gathered into {@code flat.g}, then the EMA. */
        void apply(double lr) {
            step++;
            flat.adam(plan.optimizer(), lr, step);
            if (plan.emaDecay() > 0) {
                double d = Math.min(plan.emaDecay(), (1.0 + step) / (10.0 + step));
                if (emaFlat != null) {
                    emaFlat.muli(d).addi(flat.leading(flat.scratch).assign(flat.leading(flat.w)).muli(1 - d));
                }
                for (String p : restorerParams) {
                    if (!flat.contains(p)) {
                        INDArray w = graph.sd.getVariable(p).getArr();
                        ema.get(p).muli(d).addi(w.mul(1 - d));
                    }
                }
            }
        }

        /** The restorer's current (raw) weights, views of the graph's arrays. */
        Map<String, INDArray> rawWeights() {
            Map<String, INDArray> out = new LinkedHashMap<>();
            for (String p : restorerParams) {
                out.put(p, graph.sd.getVariable(p).getArr());
            }
            return out;
        }

        /** The weights training returns: the EMA (keyed like {@link #rawWeights}), or the raw weights when EMA is off. */
        Map<String, INDArray> resultWeights() {
            return plan.emaDecay() > 0 ? java.util.Collections.unmodifiableMap(ema) : rawWeights();
        }

        void save(Path file) throws IOException {
            ObjectMapper om = new ObjectMapper();
            ObjectNode meta = om.createObjectNode();
            meta.put("format", CHECKPOINT_FORMAT);
            meta.put("step", step);
            meta.put("plan", plan.toJson());
            if (data != null) {
                meta.put("data", data);
            }
            if (bestStep > 0) {
                meta.put("best_step", bestStep);
                meta.put("best_psnr", bestPsnr);
            }
            if (guard.enabled()) {
                ObjectNode g = meta.putObject("spike_guard");
                g.put("events", guard.events());
                double[][] w = guard.windows();
                g.putPOJO("l_res", w[0]);
                g.putPOJO("grad_restorer", w[1]);
            }
            ObjectNode st = meta.putObject("streams");
            streams.save().forEach((k, v) -> st.put(k, Base64.getEncoder().encodeToString(v)));
            meta.putPOJO("parameters", params);
            meta.putPOJO("ema", restorerParams);
            Checkpoints.writeAtomically(file, out -> {
                Checkpoints.putText(out, "meta.json", om.writerWithDefaultPrettyPrinter().writeValueAsString(meta));
                Checkpoints.putImportedModel(out, plan.restorer());
                for (int i = 0; i < params.size(); i++) {
                    String p = params.get(i);
                    Checkpoints.putArray(out, "param/" + i, graph.sd.getVariable(p).getArr());
                    Checkpoints.putArray(out, "adam_m/" + i, adamM.get(p));
                    Checkpoints.putArray(out, "adam_v/" + i, adamV.get(p));
                }
                for (int i = 0; i < restorerParams.size(); i++) {
                    Checkpoints.putArray(out, "ema/" + i, ema.get(restorerParams.get(i)));
                }
            });
        }

        /** Reads everything first and assigns only when the whole checkpoint is valid. */
        void load(Path file) throws IOException {
            try (ZipFile zip = Checkpoints.open(file)) {
                JsonNode meta = Checkpoints.meta(zip, file, CHECKPOINT_FORMAT);
                String theirs = meta.path("plan").asText();
                String ours = plan.toJson();
                if (!theirs.equals(ours)) {
                    String extension = extensionProblem(theirs, meta.path("step").asLong());
                    if (extension != null) {
                        throw new IOException("checkpoint " + file + " was written for a different plan; first difference: "
                                + firstDifference(theirs, ours) + extension);
                    }
                }
                List<String> names = new ArrayList<>();
                meta.path("parameters").forEach(n -> names.add(n.asText()));
                if (!names.equals(params)) {
                    throw new IOException("checkpoint " + file + " has parameters " + names.size()
                            + " that do not match this graph's " + params.size());
                }
                Map<String, INDArray[]> read = new LinkedHashMap<>();
                for (int i = 0; i < params.size(); i++) {
                    String p = params.get(i);
                    INDArray[] a = {Checkpoints.getArray(zip, file, "param/" + i), Checkpoints.getArray(zip, file, "adam_m/" + i),
                        Checkpoints.getArray(zip, file, "adam_v/" + i)};
                    long[] want = graph.sd.getVariable(p).getArr().shape();
                    for (INDArray x : a) {
                        if (!java.util.Arrays.equals(want, x.shape())) {
                            throw new IOException("checkpoint " + file + ": " + p + " has shape "
                                    + java.util.Arrays.toString(x.shape()) + ", expected " + java.util.Arrays.toString(want));
                        }
                    }
                    read.put(p, a);
                }
                List<INDArray> emaRead = new ArrayList<>();
                for (int i = 0; i < restorerParams.size(); i++) {
                    emaRead.add(Checkpoints.getArray(zip, file, "ema/" + i));
                }
                Map<String, byte[]> states = new LinkedHashMap<>();
                meta.path("streams").fields().forEachRemaining(e -> states.put(e.getKey(),
                        Base64.getDecoder().decode(e.getValue().asText())));
                streams.restore(states);
                read.forEach((p, a) -> {
                    graph.sd.getVariable(p).getArr().assign(a[0]);
                    adamM.get(p).assign(a[1]);
                    adamV.get(p).assign(a[2]);
                });
                for (int i = 0; i < restorerParams.size(); i++) {
                    ema.get(restorerParams.get(i)).assign(emaRead.get(i));
                }
                flat.pullWeights();
                step = meta.path("step").asLong();
                data = meta.has("data") ? meta.path("data").asText() : null;
                if (meta.has("best_step")) {
                    bestStep = meta.path("best_step").asLong();
                    bestPsnr = meta.path("best_psnr").asDouble();
                }
                JsonNode g = meta.path("spike_guard");
                if (g.isObject()) {
                    guard.restore(new double[][] {doubles(g.path("l_res")), doubles(g.path("grad_restorer"))},
                            g.path("events").asInt());
                }
                guard.startFrom(step, snapshot());
            } catch (IllegalArgumentException e) {
                throw new IOException("checkpoint " + file + " is inconsistent: " + e.getMessage(), e);
            }
        }

        /**
         * Null when this plan extends (or shortens) the checkpoint's run: the same plan but for {@code steps}, no fewer
         * steps than the checkpoint has done, and the same lambda at every step done (a ramp set by {@code rampSteps},
         * not by the run's length); else why not ("" when the plans differ in more than the steps).
         */
        private String extensionProblem(String theirsJson, long done) {
            AdaptationPlan theirs;
            try {
                theirs = AdaptationPlan.fromJson(theirsJson);
            } catch (IllegalArgumentException e) {
                return "";
            }
            if (!dev.dna.api.Adaptation.from(theirs).steps(plan.steps()).build().equals(plan)) {
                return "";
            }
            if (plan.steps() < done) {
                return " (the checkpoint has done " + done + " steps, more than the " + plan.steps() + " asked for)";
            }
            if (plan.usesDiffusion()) {
                for (long s = 0; s < done; s++) {
                    if (theirs.loss().noiseWeightAt(s, theirs.steps()) != plan.loss().noiseWeightAt(s, plan.steps())) {
                        return " (more steps would change lambda at step " + (s + 1) + ": its ramp spans the whole run; set "
                                + "rampSteps to extend a run)";
                    }
                }
            }
            return null;
        }

        private static double[] doubles(JsonNode array) {
            double[] out = new double[array.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = array.get(i).asDouble();
            }
            return out;
        }

        private static String firstDifference(String a, String b) {
            String[] x = a.split("\n");
            String[] y = b.split("\n");
            for (int i = 0; i < Math.min(x.length, y.length); i++) {
                if (!x[i].equals(y[i])) {
                    return "checkpoint has `" + x[i].trim() + "`, this plan has `" + y[i].trim() + "`";
                }
            }
            return "lengths differ";
        }
    }
}
