package dev.dna.samediff.training;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dna.api.AdaptationPlan;
import dev.dna.samediff.SpikeEvent;
import dev.dna.samediff.graph.JointGraph;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The mutable state of one training run: the joint graph and its weights (in {@link FlatParameters}), Adam's moments,
 * the restorer's EMA, the random streams, the step, the best validation so far and the spike guard; and its checkpoint
 * format ({@value #FORMAT}: a zip of {@code meta.json} and the arrays, written atomically; {@link #load} checks the plan,
 * the parameters and every shape before it assigns anything).
 */
public final class RunState {
    /** The format tag of a checkpoint's {@code meta.json}. */
    public static final String FORMAT = "dna-checkpoint/1";

    /** The plan the run executes. */
    public final AdaptationPlan plan;
    /** The joint graph of the restorer and the noise predictor, built from the plan. */
    public final JointGraph graph;
    /** Names of every trained parameter, restorer first. */
    public final List<String> params;
    /** Names of the restorer's parameters (the ones the EMA averages and a restorer file holds). */
    public final List<String> restorerParams;
    final Map<String, INDArray> adamM = new LinkedHashMap<>();
    final Map<String, INDArray> adamV = new LinkedHashMap<>();
    final Map<String, INDArray> ema = new LinkedHashMap<>();
    /** The run's random streams. */
    public final TrainingStreams streams;
    /** Steps done (0 before the first). */
    public long step;
    /** The best validation PSNR of the returned weights so far and its step (SameDiffTrainer#keepBest); -inf, 0 before any. */
    public double bestPsnr = Double.NEGATIVE_INFINITY;
    /** The step of {@link #bestPsnr}. */
    public long bestStep;
    /** The data trained on (PatchDataset#describe, with digests), as checkpoints record it; null if unknown. */
    public String data;
    /** The returned weights' last validation PSNR; NaN before any. */
    public double lastPsnr = Double.NaN;
    /** The spike guard and the events it met (those since a resume: the checkpoint keeps their count). */
    public final SpikeGuard<INDArray[]> guard;
    /** The spike events met since the run (or its resume) started, in order. */
    public final List<SpikeEvent> spikes = new ArrayList<>();

    /** Parameters that get a gradient, restorer first, in flat buffers; Adam and the EMA run once over them. */
    public final FlatParameters flat;
    /** The EMA of the restorer's parameters in {@code flat}, laid out as {@code flat}'s leading part. */
    final INDArray emaFlat;

    /**
     * A fresh run of {@code plan}: its graph built and initialised from the plan's seed, Adam's moments at zero.
     *
     * @param plan the run's plan
     */
    public RunState(AdaptationPlan plan) {
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

    /** {@return a copy of what a rollback restores: weights, Adam's moments, the EMA} */
    public INDArray[] snapshot() {
        INDArray[] f = flat.copyState();
        return new INDArray[] {f[0], f[1], f[2], emaFlat == null ? null : emaFlat.dup()};
    }

    /**
     * Puts back a {@link #snapshot}.
     *
     * @param state from {@link #snapshot}
     */
    public void restore(INDArray[] state) {
        flat.restore(new INDArray[] {state[0], state[1], state[2]});
        if (emaFlat != null) {
            emaFlat.assign(state[3]);
        }
    }

    /**
     * Sets the restorer's weights and their EMA to {@code weights} (every restorer parameter, shapes checked).
     *
     * @param weights a pretrained restorer's weights, by name
     */
    public void startFrom(Map<String, INDArray> weights) {
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

    /**
     * One optimizer step at rate {@code lr} from the gradients already gathered into {@code flat.g}, then the EMA.
     *
     * @param lr this step's learning rate
     */
    public void apply(double lr) {
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

    /** {@return the restorer's current (raw) weights, views of the graph's arrays} */
    public Map<String, INDArray> rawWeights() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String p : restorerParams) {
            out.put(p, graph.sd.getVariable(p).getArr());
        }
        return out;
    }

    /**
     * {@return the weights training returns: the EMA (keyed like {@link #rawWeights}), or the raw weights when EMA is
     *     off}
     */
    public Map<String, INDArray> resultWeights() {
        return plan.emaDecay() > 0 ? java.util.Collections.unmodifiableMap(ema) : rawWeights();
    }

    /**
     * Writes the whole state to {@code file} as a checkpoint ({@value #FORMAT}), atomically: temp file, then move.
     *
     * @param file the checkpoint to write or replace
     * @throws IOException if it cannot be written (an existing file is then left as it was)
     */
    public void save(Path file) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode meta = om.createObjectNode();
        meta.put("format", FORMAT);
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
            g.put("clips", guard.clips());
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

    /**
     * Reads everything first and assigns only when the whole checkpoint is valid; with {@code otherOptimizer}, the
     * checkpoint may come from a plan that differs in its optimizer too (a run continued at another learning rate: no
     * longer the uninterrupted run).
     *
     * @param file a checkpoint of this plan
     * @param otherOptimizer whether the checkpoint's optimizer may differ
     * @throws IOException naming the file when it is unreadable, corrupt or of another plan
     */
    public void load(Path file, boolean otherOptimizer) throws IOException {
        try (ZipFile zip = Checkpoints.open(file)) {
            JsonNode meta = Checkpoints.meta(zip, file, FORMAT);
            String theirs = meta.path("plan").asText();
            String ours = plan.toJson();
            if (!theirs.equals(ours)) {
                String extension = extensionProblem(theirs, meta.path("step").asLong(), otherOptimizer);
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
                long[] want = graph.sd.getVariable(p).getArr().shape();
                long size = graph.sd.getVariable(p).getArr().length(); // each entry inflated no further than its place
                INDArray[] a = {Checkpoints.getArray(zip, file, "param/" + i, size),
                    Checkpoints.getArray(zip, file, "adam_m/" + i, size), Checkpoints.getArray(zip, file, "adam_v/" + i, size)};
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
                long size = graph.sd.getVariable(restorerParams.get(i)).getArr().length();
                emaRead.add(Checkpoints.getArray(zip, file, "ema/" + i, size));
            }
            Map<String, byte[]> states = new LinkedHashMap<>();
            meta.path("streams").properties().forEach(e -> states.put(e.getKey(),
                    Base64.getDecoder().decode(e.getValue().asText())));
            long savedStep = meta.path("step").asLong(-1);
            if (savedStep < 0 || savedStep > plan.steps()) {
                throw new IOException("checkpoint " + file + " is inconsistent: its step " + meta.path("step")
                        + " is not one of this plan's 0 to " + plan.steps());
            }
            long savedBestStep = 0;
            double savedBestPsnr = Double.NEGATIVE_INFINITY;
            if (meta.has("best_step")) {
                savedBestStep = meta.path("best_step").asLong(-1);
                savedBestPsnr = meta.path("best_psnr").asDouble(Double.NaN);
                if (savedBestStep < 1 || savedBestStep > savedStep || Double.isNaN(savedBestPsnr)) {
                    throw new IOException("checkpoint " + file + " is inconsistent: its best validation is " + meta.path("best_psnr")
                            + " dB at step " + meta.path("best_step") + ", after " + savedStep + " steps");
                }
            }
            JsonNode g = meta.path("spike_guard");
            double[][] windows = g.isObject() ? new double[][] {doubles(g.path("l_res")), doubles(g.path("grad_restorer"))} : null;
            int events = g.path("events").asInt();
            int clips = g.path("clips").asInt(0);
            if (windows != null) {
                SpikeGuard.checkRestorable(windows, events, clips);
            }
            // everything read and checked (the streams' states by restore itself, before it changes any stream): the
            // run's state changes from here on, and only here
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
            step = savedStep;
            data = meta.has("data") ? meta.path("data").asText() : null;
            bestStep = savedBestStep;
            bestPsnr = savedBestPsnr;
            if (windows != null) {
                guard.restore(windows, events, clips);
            }
            guard.startFrom(step, snapshot());
        } catch (IllegalArgumentException e) {
            throw new IOException("checkpoint " + file + " is inconsistent: " + e.getMessage(), e);
        }
    }

    /**
     * Null when this plan continues the checkpoint's run: the same plan but for {@code steps} (no fewer than the
     * checkpoint has done, and the same lambda at every step done: a ramp set by {@code rampSteps}, not by the run's
     * length) and for the spike guard (it changes no step it does not judge a spike, so a run can be resumed with the
     * guard switched on, off or retuned; its running medians start empty when the checkpoint had it off); else why not
     * ("" when the plans differ in more than these).
     */
    private String extensionProblem(String theirsJson, long done, boolean otherOptimizer) {
        AdaptationPlan theirs;
        try {
            theirs = AdaptationPlan.fromJson(theirsJson);
        } catch (IllegalArgumentException e) {
            return "";
        }
        var same = dev.dna.api.Adaptation.from(theirs).steps(plan.steps()).spikeGuard(plan.spikeGuard());
        if (otherOptimizer) {
            same = same.optimizer(plan.optimizer());
        }
        if (!same.build().equals(plan)) {
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
