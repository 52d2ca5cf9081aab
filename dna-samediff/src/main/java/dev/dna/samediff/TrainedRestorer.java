package dev.dna.samediff;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.image.Image;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.random.Rngs;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.ValueRange;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained restorer on its own (no diffusion net): {@code y = x + G(x)} on images of any size.
 *
 * <p>Inference pads the input by edge replication to a multiple of the restorer's downsampling factor
 * and crops back; images larger than the tile size (default 512) are processed in tiles overlapping by
 * twice the overlap (default 32), whose outer overlap/2 pixels at interior edges are dropped and the
 * rest blended with linear ramps, so memory is bounded by the tile. Images are RGB [3, H, W] in [0, 1]; the plan's value
 * range is applied on the way in and out. By default the weights are the EMA weights of training.
 *
 * <p>The graph has one placeholder {@value #INPUT} [N, 3, H, W] and one output {@value #OUTPUT}, both in
 * the network's value range; {@link #sameDiff()} exposes it to exporters.
 */
public final class TrainedRestorer {
    public static final String INPUT = "input";
    public static final String OUTPUT = "restored";
    static final String FORMAT = "dna-restorer/1";

    private final RestorerSpec spec;
    private final ValueRange range;
    private final String planJson;
    private final SameDiff sd;
    private final int tile;
    private final int overlap;

    private TrainedRestorer(RestorerSpec spec, ValueRange range, String planJson, SameDiff sd, int tile, int overlap) {
        this.spec = spec;
        this.range = range;
        this.planJson = planJson;
        this.sd = sd;
        this.tile = tile;
        this.overlap = overlap;
    }

    /** The restorer-only graph for {@code spec} with weights {@code weights} (by variable name). */
    static TrainedRestorer of(AdaptationPlan plan, Map<String, INDArray> weights) {
        SameDiff sd = graph(plan.restorer(), plan.seed());
        List<String> missing = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
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
        return new TrainedRestorer(plan.restorer(), plan.valueRange(), plan.toJson(), sd, defaultTile(plan.restorer()), 32);
    }

    /** The restorer with its initial (untrained, seeded) weights. */
    static TrainedRestorer untrained(AdaptationPlan plan) {
        SameDiff sd = graph(plan.restorer(), plan.seed());
        return new TrainedRestorer(plan.restorer(), plan.valueRange(), plan.toJson(), sd, defaultTile(plan.restorer()), 32);
    }

    private static int defaultTile(RestorerSpec spec) {
        int f = spec.downsamplingFactor();
        return Math.max(f, (512 / f) * f);
    }

    /** The inference graph: placeholder [-1, 3, -1, -1], output = input + G(input). */
    static SameDiff graph(RestorerSpec spec, long seed) {
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.FLOAT, Rngs.stream(seed, "init/restorer"), JointGraph.RESTORER_PREFIX);
        SDVariable x = sd.placeHolder(INPUT, DataType.FLOAT, -1, 3, -1, -1);
        SDVariable r = RestorerNets.build(l, x, spec);
        sd.identity(OUTPUT, spec.residual() ? x.add(r) : r);
        return sd;
    }

    public RestorerSpec spec() {
        return spec;
    }

    public ValueRange valueRange() {
        return range;
    }

    /** The plan this restorer was trained with, as JSON. */
    public String planJson() {
        return planJson;
    }

    /** The restorer graph ({@value #INPUT} to {@value #OUTPUT}), for exporters; do not modify it. */
    public SameDiff sameDiff() {
        return sd;
    }

    /** The same restorer with another tile size (a multiple of the downsampling factor) and overlap. */
    public TrainedRestorer withTiling(int tileSize, int tileOverlap) {
        int f = spec.downsamplingFactor();
        checkArgument(tileSize >= f && tileSize % f == 0, "tile size must be a positive multiple of %s, got %s", f, tileSize);
        checkArgument(tileOverlap >= 0 && 2 * tileOverlap < tileSize, "tile overlap must be in [0, tile/2), got %s", tileOverlap);
        return new TrainedRestorer(spec, range, planJson, sd, tileSize, tileOverlap);
    }

    /** Weights by variable name (copies). */
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
        w.forEach((k, v) -> sd.getVariable(k).getArr().assign(v));
    }

    /**
     * Restores one RGB image of any size.
     *
     * @param degraded [3, H, W] in [0, 1]
     * @return [3, H, W], clipped to [0, 1]
     */
    public Image restore(Image degraded) {
        checkNotNull(degraded, "degraded");
        checkArgument(degraded.channels() == 3, "the restorer takes RGB images with 3 channels, got %s (%s)",
                degraded.channels(), degraded.shapeString());
        int h = degraded.height();
        int w = degraded.width();
        if (h <= tile && w <= tile) {
            return run(degraded).clip();
        }
        float[] acc = new float[3 * h * w];
        float[] wsum = new float[h * w];
        int th = Math.min(tile, h);
        int tw = Math.min(tile, w);
        for (int top : origins(h, th)) {
            for (int left : origins(w, tw)) {
                Image out = run(degraded.crop(top, left, th, tw));
                float[] o = out.toArray();
                for (int y = 0; y < th; y++) {
                    float wy = ramp(y, th, top == 0, top + th == h);
                    for (int x = 0; x < tw; x++) {
                        float wt = wy * ramp(x, tw, left == 0, left + tw == w);
                        int p = (top + y) * w + left + x;
                        wsum[p] += wt;
                        for (int c = 0; c < 3; c++) {
                            acc[c * h * w + p] += wt * o[(c * th + y) * tw + x];
                        }
                    }
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < h * w; p++) {
                acc[c * h * w + p] /= wsum[p];
            }
        }
        return Image.of(3, h, w, acc).clip();
    }

    private int[] origins(int len, int t) {
        if (len <= t) {
            return new int[] {0};
        }
        int step = Math.max(1, t - 2 * overlap);
        List<Integer> o = new ArrayList<>();
        for (int p = 0; ; p += step) {
            if (p + t >= len) {
                o.add(len - t);
                break;
            }
            o.add(p);
        }
        return o.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Weight of position i in a tile of length n: 0 within overlap/2 of an interior edge (where the
     * tile's zero padding differs from the image's context), then a linear ramp to 1. Tiles overlap by
     * 2 * overlap, so every pixel keeps a positive total weight; a network whose receptive radius is at
     * most overlap/2 gives exactly the untiled result.
     */
    private float ramp(int i, int n, boolean atStart, boolean atEnd) {
        float r = 1f;
        if (!atStart) {
            r = Math.min(r, edgeWeight(i));
        }
        if (!atEnd) {
            r = Math.min(r, edgeWeight(n - 1 - i));
        }
        return r;
    }

    private float edgeWeight(int d) {
        int margin = overlap / 2;
        return d < margin ? 0f : Math.min(1f, (d - margin + 1f) / (overlap + 1f));
    }

    /** One pass: pad to the factor, run, crop; values back in [0, 1] (not clipped). */
    private Image run(Image x) {
        int f = spec.downsamplingFactor();
        int h = x.height();
        int w = x.width();
        int ph = (h + f - 1) / f * f;
        int pw = (w + f - 1) / f * f;
        Image padded = ph == h && pw == w ? x : replicatePad(x, ph, pw);
        ImageBatch out = predict(ImageBatch.stack(padded));
        Image y = out.image(0);
        return ph == h && pw == w ? y : y.crop(0, 0, h, w);
    }

    /**
     * The network on a batch whose H and W are multiples of the downsampling factor: [N, 3, H, W] in [0, 1]
     * to [N, 3, H, W] in [0, 1] (unclipped). No padding or tiling.
     */
    public ImageBatch predict(ImageBatch x) {
        checkArgument(x.channels() == 3, "the restorer takes 3 channels, got %s", x.channels());
        int f = spec.downsamplingFactor();
        checkArgument(x.height() % f == 0 && x.width() % f == 0,
                "predict needs H and W that are multiples of %s, got %sx%s (restore() pads for you)", f, x.height(), x.width());
        INDArray in = Feeder.tensor(x, range, DataType.FLOAT);
        INDArray out = sd.output(Map.of(INPUT, in), OUTPUT).get(OUTPUT);
        float[] v = out.castTo(DataType.FLOAT).dup('c').data().asFloat();
        if (range != ValueRange.ZERO_ONE) {
            for (int i = 0; i < v.length; i++) {
                v[i] = range.toUnit(v[i]);
            }
        }
        return ImageBatch.of(x.size(), 3, x.height(), x.width(), v);
    }

    static Image replicatePad(Image x, int ph, int pw) {
        int h = x.height();
        int w = x.width();
        float[] src = x.toArray();
        float[] out = new float[x.channels() * ph * pw];
        for (int c = 0; c < x.channels(); c++) {
            for (int y = 0; y < ph; y++) {
                int sy = Math.min(y, h - 1);
                for (int xx = 0; xx < pw; xx++) {
                    out[(c * ph + y) * pw + xx] = src[(c * h + sy) * w + Math.min(xx, w - 1)];
                }
            }
        }
        return Image.of(x.channels(), ph, pw, out);
    }

    /** Saves the restorer alone (spec, plan, weights) as a zip; written to a temp file, then moved. */
    public void save(Path file) throws IOException {
        ObjectNode meta = new ObjectMapper().createObjectNode();
        meta.put("format", FORMAT);
        meta.put("plan", planJson);
        Map<String, INDArray> w = weights();
        meta.putPOJO("weights", new ArrayList<>(w.keySet()));
        Checkpoints.writeAtomically(file, out -> {
            Checkpoints.putText(out, "meta.json", new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(meta));
            int i = 0;
            for (INDArray a : w.values()) {
                Checkpoints.putArray(out, "weights/" + (i++), a);
            }
        });
    }

    /**
     * Loads a restorer written by {@link #save}.
     *
     * @throws IOException naming the file if it is missing, not a dna restorer, corrupt or inconsistent
     */
    public static TrainedRestorer load(Path file) throws IOException {
        try (ZipFile zip = Checkpoints.open(file)) {
            JsonNode meta = Checkpoints.meta(zip, file, FORMAT);
            AdaptationPlan plan = AdaptationPlan.fromJson(meta.get("plan").asText());
            Map<String, INDArray> w = new LinkedHashMap<>();
            int i = 0;
            for (JsonNode n : meta.get("weights")) {
                w.put(n.asText(), Checkpoints.getArray(zip, file, "weights/" + (i++)));
            }
            try {
                return of(plan, w);
            } catch (IllegalArgumentException e) {
                throw new IOException("restorer file " + file + " does not match its own plan: " + e.getMessage(), e);
            }
        }
    }
}
