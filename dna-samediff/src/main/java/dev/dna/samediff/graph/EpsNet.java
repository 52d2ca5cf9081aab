package dev.dna.samediff.graph;

import dev.dna.api.spec.DiffusionSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The conditional noise predictor, a guided-diffusion UNet as in the reference (Palette's
 * {@code guided_diffusion_modules/unet.py}) at the spec's size, on static shapes (it only runs in
 * training, at the patch size):
 * <pre>
 *   emb  = Dense(4w) . SiLU . Dense(4w) (gamma_embedding(g, w))    gamma_embedding = [cos(g f), sin(g f)],
 *                                                                  f_i = exp(-ln(10000) i / (w/2))
 *   h    = Conv3x3(9 -> w)(x)
 *   encoder: per level, resBlocks ResBlocks (to w*mult), then (not after the last) a down-ResBlock
 *            (resblockUpdown, the authors') or a stride-2 Conv3x3
 *   middle:  ResBlock, [self-attention, 32 channels per head], ResBlock
 *   decoder: per level, resBlocks+1 ResBlocks on concat(h, skip), then (not at level 0) an up-ResBlock
 *            (resblockUpdown) or nearest x2 + Conv3x3
 *   out  = Conv3x3(w -> 3) . SiLU . GroupNorm
 *   ResBlock(x, emb) = skip(R(x)) + Conv3x3(Dropout(SiLU(GN(h) * (1 + scale) + shift))),
 *                      h = Conv3x3(R(SiLU(GN(x)))), [scale, shift] = Dense(SiLU(emb)),
 *                      R = identity, 2x2 average pooling (down) or nearest x2 (up)
 * </pre>
 * Every convolution and dense layer starts Kaiming-normal (fan-in) with zero bias, as after the authors'
 * {@code init_weights}, which overwrites guided-diffusion's {@code zero_module}; with {@code zeroInitOutputs}
 * the output convolution, each ResBlock's second convolution and the attention projection start at zero
 * instead (guided-diffusion's own initialization).
 * Dropout multiplies by masks fed as placeholders ({@link #dropoutMasks()}), drawn in Java, with the
 * inverted-dropout scale 1/(1-p) folded into the mask.
 */
public final class EpsNet {
    private final Layers l;
    private final DiffusionSpec spec;
    private final long n;
    private final List<DropoutMask> masks = new ArrayList<>();
    private int blocks;

    /** A dropout placeholder: its name and shape [n, C, H, W]. */
    public record DropoutMask(String name, long[] shape) {}

    private EpsNet(Layers l, DiffusionSpec spec, long n) {
        this.l = l;
        this.spec = spec;
        this.n = n;
    }

    /**
     * Builds EpsNet on {@code x} [n, 9, s, s] and levels {@code g} [n].
     *
     * @return the net, whose {@link #output} is the noise estimate [n, 3, s, s]
     */
    static EpsNet build(Layers l, DiffusionSpec spec, SDVariable x, SDVariable g, long n, long size) {
        EpsNet net = new EpsNet(l, spec, n);
        net.output = net.forward(x, g, size);
        return net;
    }

    SDVariable output;

    List<DropoutMask> dropoutMasks() {
        return masks;
    }

    private SDVariable forward(SDVariable x, SDVariable g, long size) {
        SameDiff sd = l.sameDiff();
        int w = spec.width();
        int embDim = 4 * w;
        int half = w / 2;
        double[] freqs = new double[half];
        for (int i = 0; i < half; i++) {
            freqs[i] = Math.exp(-Math.log(10000.0) * i / half);
        }
        SDVariable f = l.constant("freqs", Nd4j.create(freqs, new long[] {1, half}, DataType.DOUBLE));
        SDVariable args = sd.reshape(g, n, 1).mul(f);
        SDVariable gammaEmb = sd.concat(1, sd.math().cos(args), sd.math().sin(args));
        if (w % 2 == 1) {
            gammaEmb = sd.concat(1, gammaEmb, sd.zerosLike(sd.reshape(g, n, 1)));
        }
        SDVariable emb = l.dense("emb1", gammaEmb, w, embDim, false);
        emb = l.dense("emb2", l.silu(emb), embDim, embDim, false);

        Deque<SDVariable> skips = new ArrayDeque<>();
        Deque<Integer> skipCh = new ArrayDeque<>();
        SDVariable h = l.conv("in", x, 9, w, 3);
        int ch = w;
        long s = size;
        skips.push(h);
        skipCh.push(ch);
        List<Integer> mult = spec.multipliers();
        for (int level = 0; level < mult.size(); level++) {
            for (int r = 0; r < spec.resBlocks(); r++) {
                int out = w * mult.get(level);
                h = resBlock(h, emb, ch, out, s);
                ch = out;
                skips.push(h);
                skipCh.push(ch);
            }
            if (level < mult.size() - 1) {
                h = spec.resblockUpdown() ? resBlock(h, emb, ch, ch, s, Resample.DOWN)
                        : l.conv("down" + level, h, ch, ch, 3, 2, false);
                s /= 2;
                skips.push(h);
                skipCh.push(ch);
            }
        }
        h = resBlock(h, emb, ch, ch, s);
        if (spec.middleAttention()) {
            h = attention(h, ch, s);
        }
        h = resBlock(h, emb, ch, ch, s);
        for (int level = mult.size() - 1; level >= 0; level--) {
            for (int r = 0; r <= spec.resBlocks(); r++) {
                int skip = skipCh.pop();
                h = sd.concat(1, h, skips.pop());
                int out = w * mult.get(level);
                h = resBlock(h, emb, ch + skip, out, s);
                ch = out;
            }
            if (level > 0) {
                h = spec.resblockUpdown() ? resBlock(h, emb, ch, ch, s, Resample.UP)
                        : l.conv("up" + level, sd.cnn().upsampling2d(h, 2, 2, true), ch, ch, 3);
                s *= 2;
            }
        }
        h = l.silu(l.groupNorm("out_gn", h, n, ch, spec.groups(), s, s));
        return l.conv("out", h, ch, 3, 3, 1, spec.zeroInitOutputs());
    }

    /** Whether a ResBlock also halves or doubles the resolution (guided-diffusion's {@code down=} / {@code up=}). */
    private enum Resample { NONE, DOWN, UP }

    private SDVariable resBlock(SDVariable x, SDVariable emb, int in, int out, long s) {
        return resBlock(x, emb, in, out, s, Resample.NONE);
    }

    /**
     * A time-conditioned ResBlock on [n, in, s, s]. With {@code DOWN} / {@code UP} both paths are resampled after
     * the first GroupNorm and SiLU (2x2 average pooling / nearest x2, as guided-diffusion's {@code ResBlock(...,
     * down=True / up=True)}), so the output is [n, out, s/2, s/2] / [n, out, 2s, 2s].
     */
    private SDVariable resBlock(SDVariable x, SDVariable emb, int in, int out, long s, Resample resample) {
        SameDiff sd = l.sameDiff();
        String name = "res" + (blocks++);
        SDVariable h = l.silu(l.groupNorm(name + "/gn1", x, n, in, spec.groups(), s, s));
        if (resample == Resample.DOWN) {
            h = l.avgPool2(h);
            x = l.avgPool2(x);
            s /= 2;
        } else if (resample == Resample.UP) {
            h = sd.cnn().upsampling2d(h, 2, 2, true);
            x = sd.cnn().upsampling2d(x, 2, 2, true);
            s *= 2;
        }
        h = l.conv(name + "/conv1", h, in, out, 3);
        SDVariable ss = l.dense(name + "/emb", l.silu(emb), 4 * spec.width(), 2 * out, false);
        SDVariable scale = sd.reshape(sd.slice(ss, new int[] {0, 0}, (int) n, out), n, out, 1, 1);
        SDVariable shift = sd.reshape(sd.slice(ss, new int[] {0, out}, (int) n, out), n, out, 1, 1);
        h = l.mulBroadcast(l.groupNorm(name + "/gn2", h, n, out, spec.groups(), s, s), scale.add(1.0), n, out, s, s).add(shift);
        h = l.silu(h);
        if (spec.dropout() > 0) {
            String mask = l.prefix() + name + "/dropout";
            long[] shape = {n, out, s, s};
            masks.add(new DropoutMask(mask, shape));
            h = h.mul(sd.placeHolder(mask, l.dataType(), shape));
        }
        h = l.conv(name + "/conv2", h, out, out, 3, 1, spec.zeroInitOutputs());
        SDVariable skip = in == out ? x : l.conv(name + "/skip", x, in, out, 1);
        return skip.add(h);
    }

    /** Multi-head self-attention over the H*W positions, 32 channels per head. */
    private SDVariable attention(SDVariable x, int ch, long s) {
        SameDiff sd = l.sameDiff();
        int heads = Math.max(1, ch / 32);
        int d = ch / heads;
        long hw = s * s;
        SDVariable h = l.groupNorm("attn/gn", x, n, ch, spec.groups(), s, s);
        SDVariable qkv = sd.reshape(l.conv("attn/qkv", h, ch, 3 * ch, 1), n * heads, 3 * d, hw);
        int b = (int) (n * heads);
        SDVariable q = sd.slice(qkv, new int[] {0, 0, 0}, b, d, (int) hw);
        SDVariable k = sd.slice(qkv, new int[] {0, d, 0}, b, d, (int) hw);
        SDVariable v = sd.slice(qkv, new int[] {0, 2 * d, 0}, b, d, (int) hw);
        // weights[b, t, u] = softmax_u(q[b, :, t] . k[b, :, u] / sqrt(d))
        SDVariable logits = sd.mmul(sd.permute(q, 0, 2, 1), k).mul(1.0 / Math.sqrt(d));
        SDVariable wts = sd.nn().softmax(logits, 2);
        SDVariable a = sd.mmul(v, sd.permute(wts, 0, 2, 1));
        SDVariable out = l.conv("attn/proj", sd.reshape(a, n, ch, s, s), ch, ch, 1, 1, spec.zeroInitOutputs());
        return x.add(out);
    }
}
