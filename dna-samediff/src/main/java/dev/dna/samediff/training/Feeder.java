package dev.dna.samediff.training;

import dev.dna.api.adapt.ChannelShuffle;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.random.Rngs;
import dev.dna.api.schedule.NoiseSchedule;
import dev.dna.api.spec.ValueRange;
import dev.dna.samediff.engine.NdArrays;
import dev.dna.samediff.graph.EpsNet;
import dev.dna.samediff.graph.JointGraph;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fills a joint graph's placeholders for one step. Images arrive in [0, 1] and are mapped into the
 * plan's value range; the noise, levels, shuffle masks and dropout masks are drawn here, in Java, from
 * the run's streams (draw order per step: eps in [B, 3, S, S] order; t then g per sample; keep1 then keep2;
 * each dropout mask in graph order).
 */
public final class Feeder {
    private final JointGraph graph;
    private final NoiseSchedule schedule;
    private final DataType dt;
    private final ValueRange range;

    /**
     * A feeder for {@code graph}'s placeholders, in data type {@code dt}.
     *
     * @param graph the joint graph
     * @param dt its floating-point type
     */
    public Feeder(JointGraph graph, DataType dt) {
        this.graph = graph;
        this.dt = dt;
        this.range = graph.plan.valueRange();
        this.schedule = graph.plan.diffusion().map(d -> NoiseSchedule.of(d.schedule())).orElse(null);
    }

    /**
     * Converts [0, 1] images into a network-range tensor of the graph's type.
     *
     * @param b images in [0, 1]
     * @param range the networks' range
     * @param dt the tensor's type
     * @return the tensor [N, C, H, W]
     */
    public static INDArray tensor(ImageBatch b, ValueRange range, DataType dt) {
        float[] v = range.fromUnit(b.toArray());
        return NdArrays.of(v, new long[] {b.size(), b.channels(), b.height(), b.width()}, dt);
    }

    /**
     * One step's placeholder values: the synthetic inputs {@code xs} and targets {@code ys} and the real inputs {@code xr}
     * (each [B, 3, S, S] in [0, 1]), then, with a noise predictor, the noise, levels and masks drawn from {@code rs}
     * and the step's {@code lambda}.
     *
     * @param xs the synthetic degraded patches
     * @param ys their clean patches
     * @param xr the real degraded patches
     * @param rs the run's random streams
     * @param lambda the diffusion loss's weight at this step
     * @return every placeholder's value, by name
     */
    public Map<String, INDArray> feed(ImageBatch xs, ImageBatch ys, ImageBatch xr, TrainingStreams rs, double lambda) {
        Map<String, INDArray> m = new HashMap<>();
        m.put(JointGraph.XS, tensor(xs, range, dt));
        m.put(JointGraph.YS, tensor(ys, range, dt));
        if (schedule == null) {
            return m;
        }
        int b = graph.batch;
        int s = graph.size;
        m.put(JointGraph.XR, tensor(xr, range, dt));
        m.put(JointGraph.EPS, gaussian(rs.get(TrainingStreams.NOISE), b, 3, s, s));
        NoiseSchedule.LevelDraw d = schedule.draw(b, rs.get(TrainingStreams.LEVELS));
        m.put(JointGraph.LEVEL, Nd4j.create(d.levels(), new long[] {b}, DataType.DOUBLE).castTo(dt));
        m.put(JointGraph.LAMBDA, Nd4j.scalar(DataType.DOUBLE, lambda).castTo(dt));
        m.put(JointGraph.RES_WEIGHT, Nd4j.scalar(DataType.DOUBLE, 1.0).castTo(dt));
        if (graph.plan.channelShuffle()) {
            UniformRandomProvider r = rs.get(TrainingStreams.MASKS);
            m.put(JointGraph.KEEP1, keep(ChannelShuffle.drawMask(b, r)));
            if (graph.plan.residualSwap()) {
                m.put(JointGraph.KEEP2, keep(ChannelShuffle.drawMask(b, r)));
            }
        }
        double p = graph.plan.diffusion().orElseThrow().dropout();
        UniformRandomProvider dr = rs.get(TrainingStreams.DROPOUT);
        for (EpsNet.DropoutMask mask : graph.dropoutMasks) {
            m.put(mask.name(), dropout(dr, p, mask.shape()));
        }
        return m;
    }

    private INDArray keep(boolean[] swapped) {
        float[] k = ChannelShuffle.keepMask(swapped);
        return NdArrays.of(k, new long[] {k.length, 1, 1, 1}, dt);
    }

    private INDArray gaussian(UniformRandomProvider r, long... shape) {
        ZigguratSampler.NormalizedGaussian g = Rngs.gaussian(r);
        float[] v = new float[Math.toIntExact(shape[0] * shape[1] * shape[2] * shape[3])];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) g.sample();
        }
        return NdArrays.of(v, shape, dt);
    }

    private INDArray dropout(UniformRandomProvider r, double p, long[] shape) {
        long n = 1;
        for (long x : shape) {
            n *= x;
        }
        float keepValue = (float) (1.0 / (1.0 - p));
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() < p ? 0f : keepValue;
        }
        return NdArrays.of(v, shape, dt);
    }
}
