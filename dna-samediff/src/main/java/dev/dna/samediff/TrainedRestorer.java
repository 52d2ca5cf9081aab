package dev.dna.samediff;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.ImageRestorer;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.image.TiledInference;
import dev.dna.api.random.Rngs;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.ValueRange;
import dev.dna.samediff.engine.NdArrays;
import dev.dna.samediff.graph.JointGraph;
import dev.dna.samediff.graph.Layers;
import dev.dna.samediff.graph.RestorerNets;
import dev.dna.samediff.training.Checkpoints;
import dev.dna.samediff.training.Feeder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained restorer on its own (no diffusion net): {@code y = x + G(x)} on images of any size.
 *
 * <p>Inference pads and tiles with {@link TiledInference} (edge replication to a multiple of the
 * restorer's downsampling factor, tiles of 1024 overlapping by 64 by default), so memory is bounded by
 * the tile. Images are RGB [3, H, W] in [0, 1]; the plan's value
 * range is applied on the way in and out. By default the weights are the EMA weights of training.
 *
 * <p>dna's own UNet and DnCNN restore through a second graph of the same weights built channels-last (NHWC), where
 * M2.1's convolution takes half its NCHW time on photographs; {@link #sameDiff()} stays NCHW (the exporters' graph), and
 * the two agree to float rounding.
 *
 * <p>Thread-safe: calls from several threads give the results of one thread; they take turns on the one graph (for
 * parallel inference, export to ONNX and use {@code OnnxRestorer}, whose sessions run concurrently).
 *
 * <p>The graph has one placeholder {@value #INPUT} [N, 3, H, W] and one output {@value #OUTPUT}, both in
 * the network's value range; {@link #sameDiff()} exposes it to exporters.
 */
public final class TrainedRestorer implements ImageRestorer {
    /** The inference graph's placeholder: degraded images [N, 3, H, W] in the plan's value range. */
    public static final String INPUT = "input";
    /** The inference graph's output: restored images [N, 3, H, W]. */
    public static final String OUTPUT = "restored";
    static final String FORMAT = "dna-restorer/1";

    private final RestorerSpec spec;
    private final ValueRange range;
    private final String planJson;
    private final SameDiff sd;
    /** The same restorer in NHWC ({@link Layers#channelsLast}), what {@link #predict} runs; absent for other restorers. */
    private final java.util.Optional<SameDiff> channelsLast;
    private final int tile;
    private final int overlap;

    private TrainedRestorer(RestorerSpec spec, ValueRange range, String planJson, SameDiff sd,
            java.util.Optional<SameDiff> channelsLast, int tile, int overlap) {
        this.spec = spec;
        this.range = range;
        this.planJson = planJson;
        this.sd = sd;
        this.channelsLast = channelsLast;
        this.tile = tile;
        this.overlap = overlap;
    }

    /** The plan's restorer with {@code weights} (by variable name; every one needed, shapes checked). */
    static TrainedRestorer of(AdaptationPlan plan, Map<String, INDArray> weights) {
        TrainedRestorer r = build(plan);
        List<String> missing = new ArrayList<>();
        for (SDVariable v : r.sd.variables()) {
            if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                INDArray w = weights.get(v.name());
                if (w == null) {
                    missing.add(v.name());
                } else {
                    checkArgument(java.util.Arrays.equals(w.shape(), v.getArr().shape()),
                            "weight %s has shape %s, the restorer needs %s", v.name(),
                            java.util.Arrays.toString(w.shape()), java.util.Arrays.toString(v.getArr().shape()));
                    v.getArr().assign(w);
                }
            }
        }
        checkArgument(missing.isEmpty(), "weights missing for %s", missing);
        r.copyWeightsToChannelsLast();
        return r;
    }

    /**
     * The plan's restorer with its initial, untrained weights (seeded from the plan): a baseline, and a
     * quick way to exercise inference or export without training.
     *
     * @param plan the plan whose restorer and seed to use
     * @return the untrained restorer
     */
    public static TrainedRestorer initial(AdaptationPlan plan) {
        TrainedRestorer r = build(plan);
        r.copyWeightsToChannelsLast();
        return r;
    }

    /** The plan's graphs with freshly drawn weights, the NHWC one not yet given the NCHW one's weights. */
    private static TrainedRestorer build(AdaptationPlan plan) {
        int f = plan.restorer().downsamplingFactor();
        int tile = TiledInference.defaultTile(f);
        int overlap = TiledInference.DEFAULT_OVERLAP;
        if (plan.restorer() instanceof dev.dna.api.spec.OnnxRestorerSpec o && o.fixedHeight() > 0) {
            tile = (int) o.fixedHeight(); // a fixed-size model restores in tiles of its size (the plan checks H == W)
            overlap = Math.min(overlap, tile / 4 / f * f);
        }
        SameDiff sd = graph(plan.restorer(), plan.valueRange(), plan.seed());
        java.util.Optional<SameDiff> fast = RestorerNets.buildsChannelsLast(plan.restorer())
                ? java.util.Optional.of(channelsLastGraph(plan.restorer(), plan.valueRange()))
                : java.util.Optional.empty();
        return new TrainedRestorer(plan.restorer(), plan.valueRange(), plan.toJson(), sd, fast, tile, overlap);
    }

    /**
     * The inference graph in NHWC: the same placeholder [-1, 3, -1, -1] and output, one transpose on the way in and one
     * on the way out, the network in between channels-last; its weights are copied from the NCHW graph.
     */
    static SameDiff channelsLastGraph(RestorerSpec spec, ValueRange range) {
        SameDiff g = SameDiff.create();
        Layers l = Layers.channelsLast(g, DataType.FLOAT, Rngs.stream(0, "init/restorer"), JointGraph.RESTORER_PREFIX);
        SDVariable x = g.placeHolder(INPUT, DataType.FLOAT, -1, 3, -1, -1);
        SDVariable r = g.permute(RestorerNets.build(l, g.permute(x, 0, 2, 3, 1), spec, range, -1, -1, -1), 0, 3, 1, 2);
        g.identity(OUTPUT, spec.residual() ? x.add(r) : r);
        return g;
    }

    /** Copies every weight of the NCHW graph into the NHWC one (they share names and shapes). */
    private void copyWeightsToChannelsLast() {
        channelsLast.ifPresent(this::copyWeightsInto);
    }

    /** Gives every parameter of {@code g} the value of the parameter of this restorer's graph that has its name. */
    private void copyWeightsInto(SameDiff g) {
        for (SDVariable v : g.variables()) {
            if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                v.getArr().assign(sd.getVariable(v.name()).getArr());
            }
        }
    }

    /** The inference graph: placeholder [-1, 3, -1, -1], output = input + G(input). */
    static SameDiff graph(RestorerSpec spec, ValueRange range, long seed) {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.FLOAT, Rngs.stream(seed, "init/restorer"), JointGraph.RESTORER_PREFIX);
        SDVariable x = sd.placeHolder(INPUT, DataType.FLOAT, -1, 3, -1, -1);
        SDVariable r = RestorerNets.build(l, x, spec, range, -1, -1, -1);
        sd.identity(OUTPUT, spec.residual() ? x.add(r) : r);
        return sd;
    }

    /** {@return the restorer's architecture} */
    public RestorerSpec spec() {
        return spec;
    }

    /** {@return the range of the values it takes and returns} */
    public ValueRange valueRange() {
        return range;
    }

    /** {@return the plan this restorer was trained with, as JSON} */
    public String planJson() {
        return planJson;
    }

    /** {@return the restorer graph ({@value #INPUT} to {@value #OUTPUT}), for exporters; do not modify it} */
    public SameDiff sameDiff() {
        return sd;
    }

    /**
     * For a restorer imported from ONNX ({@link dev.dna.api.spec.OnnxRestorerSpec}), its graph in the imported
     * model's own interface, with these weights: placeholder {@value #INPUT} [N, 3, H, W] in the model's value
     * range, output {@value #OUTPUT} what the model predicts in that range (the restored image {@code y}, the
     * residual {@code y - x} or the noise {@code x - y}), so that an export drops into the pipeline the model
     * came from. Empty for dna's own restorers, whose interface is {@link #sameDiff()}'s.
     *
     * @return a new graph, or empty
     */
    public java.util.Optional<SameDiff> importedInterfaceGraph() {
        if (!(spec instanceof dev.dna.api.spec.OnnxRestorerSpec o)) {
            return java.util.Optional.empty();
        }
        SameDiff g = SameDiff.create();
        Layers l = new Layers(g, DataType.FLOAT, Rngs.stream(0, "init/restorer"), JointGraph.RESTORER_PREFIX);
        SDVariable x = g.placeHolder(INPUT, DataType.FLOAT, -1, 3, -1, -1);
        // in the model's own range the importer adds no affine map: R is the output (restored or residual) or -noise
        SDVariable r = RestorerNets.build(l, x, o, o.valueRange(), -1, -1, -1);
        g.identity(OUTPUT, o.predicts() == dev.dna.api.spec.Prediction.NOISE ? r.mul(-1) : r);
        copyWeightsInto(g);
        return java.util.Optional.of(g);
    }

    /**
     * The same restorer with another tile size (a multiple of the downsampling factor) and overlap.
     *
     * @param tileSize the tiles' side in pixels, a multiple of {@link #downsamplingFactor()}
     * @param tileOverlap pixels shared by neighbouring tiles, less than half the tile
     * @return a restorer sharing these weights
     */
    public TrainedRestorer withTiling(int tileSize, int tileOverlap) {
        new TiledInference(this::predict, spec.downsamplingFactor(), tileSize, tileOverlap); // checks the arguments
        return new TrainedRestorer(spec, range, planJson, sd, channelsLast, tileSize, tileOverlap);
    }

    /** {@return the weights by variable name (copies)} */
    public Map<String, INDArray> weights() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
                m.put(v.name(), v.getArr().dup());
            }
        }
        return m;
    }

    void setWeights(Map<String, INDArray> w) {
        synchronized (sd) {
            w.forEach((k, v) -> sd.getVariable(k).getArr().assign(v));
            copyWeightsToChannelsLast();
        }
    }

    @Override
    public int downsamplingFactor() {
        return spec.downsamplingFactor();
    }

    @Override
    public TiledInference tiling() {
        return new TiledInference(this::predict, spec.downsamplingFactor(), tile, overlap);
    }

    @Override
    public ImageBatch predict(ImageBatch x) {
        ImageRestorer.checkBatch(x, spec.downsamplingFactor());
        INDArray in = Feeder.tensor(x, range, DataType.FLOAT);
        float[] v;
        synchronized (sd) { // SameDiff's session is not thread-safe: concurrent callers take turns (withTiling shares sd)
            INDArray out = channelsLast.orElse(sd).output(Map.of(INPUT, in), OUTPUT).get(OUTPUT);
            v = range.toUnit(NdArrays.toFloats(out));
        }
        return ImageBatch.of(x.size(), 3, x.height(), x.width(), v);
    }

    /**
     * Saves the restorer alone (spec, plan, weights; an imported restorer's ONNX model too, so that the file loads
     * where the original is gone) as a zip; written to a temp file, then moved.
     *
     * @param file where to write, usually {@code restorer.dna}; an existing file is replaced only once the new one is
     *     whole
     * @throws IOException if the file cannot be written (an existing file is then left as it was)
     */
    public void save(Path file) throws IOException {
        ObjectNode meta = new ObjectMapper().createObjectNode();
        meta.put("format", FORMAT);
        meta.put("plan", planJson);
        Map<String, INDArray> w = weights();
        meta.putPOJO("weights", new ArrayList<>(w.keySet()));
        Checkpoints.writeAtomically(file, out -> {
            Checkpoints.putText(out, "meta.json", new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(meta));
            Checkpoints.putImportedModel(out, spec);
            int i = 0;
            for (INDArray a : w.values()) {
                Checkpoints.putArray(out, "weights/" + (i++), a);
            }
        });
    }

    /**
     * Loads a restorer written by {@link #save}, or takes the restorer out of a training checkpoint
     * ({@link SameDiffTrainer#checkpointEvery}): the weights training would return at that step (the EMA, or the
     * raw weights when the plan has no EMA).
     *
     * @param file a {@code .dna} restorer or training checkpoint
     * @return the restorer
     * @throws IOException naming the file if it is missing, not a dna restorer or checkpoint, corrupt or inconsistent
     */
    public static TrainedRestorer load(Path file) throws IOException {
        try (ZipFile zip = Checkpoints.open(file)) {
            JsonNode meta = Checkpoints.meta(zip, file, null);
            Checkpoints.registerImportedModels(zip, file);
            if (meta != null && SameDiffTrainer.CHECKPOINT_FORMAT.equals(meta.path("format").asText())) {
                return fromCheckpoint(zip, file, meta);
            }
            Checkpoints.checkFormat(meta, file, FORMAT);
            AdaptationPlan plan;
            try {
                plan = AdaptationPlan.fromJson(meta.path("plan").asText(""));
            } catch (IllegalArgumentException e) {
                throw new IOException("restorer file " + file + " holds a plan that cannot be read: " + e.getMessage(), e);
            }
            if (!meta.path("weights").isArray() || meta.path("weights").size() == 0) {
                throw new IOException("restorer file " + file + " is corrupt: its meta.json lists no weights");
            }
            Map<String, INDArray> w = new LinkedHashMap<>();
            int i = 0;
            for (JsonNode n : meta.path("weights")) {
                w.put(n.asText(), readWeight(zip, file, "weights/" + (i++), plan, w));
            }
            checkCount(plan, w, "restorer file " + file);
            try {
                return of(plan, w);
            } catch (IllegalArgumentException e) {
                throw new IOException("restorer file " + file + " does not match its own plan: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Reads one weight entry, inflated no further than what the plan's network has left to fill after {@code read}
     * (as far as any array may, where the plan cannot tell: an imported or custom network).
     */
    private static INDArray readWeight(ZipFile zip, Path file, String entry, AdaptationPlan plan, Map<String, INDArray> read)
            throws IOException {
        java.util.OptionalLong need = plan.restorer().parameterCount();
        long left = need.isPresent() ? need.getAsLong() - read.values().stream().mapToLong(INDArray::length).sum()
                : dev.dna.samediff.training.ArrayBytes.MAX_ELEMENTS;
        return Checkpoints.getArray(zip, file, entry, left);
    }

    /**
     * Refuses weights that do not fill the plan's network, before a graph of the plan's size is built: a file's plan
     * could otherwise ask for billions of values ({@code unet(1024, 6)}) that its few megabytes of weights never fill.
     */
    private static void checkCount(AdaptationPlan plan, Map<String, INDArray> weights, String what) throws IOException {
        java.util.OptionalLong need = plan.restorer().parameterCount();
        long have = weights.values().stream().mapToLong(INDArray::length).sum();
        if (need.isPresent() && need.getAsLong() != have) {
            throw new IOException(String.format(java.util.Locale.ROOT, "%s is corrupt: its plan's network, %s, has %,d "
                    + "parameters, its weights hold %,d values", what, plan.restorer().describe(), need.getAsLong(), have));
        }
    }

    /** The restorer of a checkpoint: its EMA entries ({@code ema/i}, named by {@code ema}), or its raw parameters without EMA. */
    private static TrainedRestorer fromCheckpoint(ZipFile zip, Path file, JsonNode meta) throws IOException {
        AdaptationPlan plan;
        try {
            plan = AdaptationPlan.fromJson(meta.path("plan").asText());
        } catch (IllegalArgumentException e) {
            throw new IOException("checkpoint " + file + " holds a plan that cannot be read: " + e.getMessage(), e);
        }
        Map<String, INDArray> w = new LinkedHashMap<>();
        if (plan.emaDecay() > 0) {
            int i = 0;
            for (JsonNode n : meta.path("ema")) {
                w.put(n.asText(), readWeight(zip, file, "ema/" + (i++), plan, w));
            }
        } else {
            int i = 0;
            for (JsonNode n : meta.path("parameters")) {
                String name = n.asText();
                if (name.startsWith(JointGraph.RESTORER_PREFIX)) {
                    w.put(name, readWeight(zip, file, "param/" + i, plan, w));
                }
                i++;
            }
        }
        checkCount(plan, w, "checkpoint " + file);
        try {
            return of(plan, w);
        } catch (IllegalArgumentException e) {
            throw new IOException("checkpoint " + file + " does not match its own plan: " + e.getMessage(), e);
        }
    }
}
