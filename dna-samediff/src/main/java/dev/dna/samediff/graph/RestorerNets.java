package dev.dna.samediff.graph;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.spec.CustomRestorerSpec;
import dev.dna.api.spec.DnCnnRestorerSpec;
import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.UNetRestorerSpec;
import dev.dna.api.spec.ValueRange;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Turns a {@link RestorerSpec} into SameDiff ops: {@code out = G(x)}, [N, 3, H, W] to [N, 3, H, W].
 * The residual addition {@code x + G(x)} is done by the caller, so that the joint graph can reuse the
 * residual for the swap. User-defined restorers are registered by name with {@link #register}.
 */
public final class RestorerNets {
    private static final Map<String, RestorerFactory> CUSTOM = new ConcurrentHashMap<>();

    private RestorerNets() {}

    /**
     * Makes {@code Restorers.custom(name, ...)} plans buildable in this JVM. Replaces an earlier one.
     *
     * @param name the name plans give {@code Restorers.custom}
     * @param factory builds the network into a graph
     */
    public static void register(String name, RestorerFactory factory) {
        checkNotNull(name, "name");
        checkNotNull(factory, "factory");
        CUSTOM.put(name, factory);
    }

    /**
     * The network output G(x) (not yet added to x) for x = [n, 3, h, w]; -1 for a size known only at run time
     * (the inference graph). Static sizes let a UNet's aligned-corner upsampling be differentiable. {@code range}
     * is the plan's value range, which x is in (an imported model maps it to its own).
     *
     * @param l the layer builder (NCHW, or NHWC for {@link #buildsChannelsLast} specs)
     * @param x the degraded input [N, 3, H, W]
     * @param spec the network
     * @param range the plan's value range
     * @param n N, or -1 when known only at run time
     * @param h H, or -1
     * @param w W, or -1
     * @return the network's output G(x) (the residual when {@code spec.residual()})
     */
    public static SDVariable build(Layers l, SDVariable x, RestorerSpec spec, ValueRange range, long n, long h, long w) {
        if (spec instanceof UNetRestorerSpec u) {
            return unet(l, x, u, n, h, w);
        }
        if (spec instanceof DnCnnRestorerSpec d) {
            return dncnn(l, x, d);
        }
        if (spec instanceof OnnxRestorerSpec o) {
            ImportedRestorerBuilder b = ServiceLoader.load(ImportedRestorerBuilder.class).findFirst().orElseThrow(() ->
                    new IllegalStateException("the plan's restorer is imported from ONNX (" + o.describe()
                            + "): building it needs dna-onnx on the class path"));
            return b.build(l, x, o, range, n, h, w);
        }
        CustomRestorerSpec c = (CustomRestorerSpec) spec;
        RestorerFactory f = CUSTOM.get(c.name());
        checkArgument(f != null, "no restorer builder registered under '%s': call RestorerNets.register(\"%s\", ...) "
                + "before building a plan that uses it (registered: %s)", c.name(), c.name(), CUSTOM.keySet());
        return f.build(l, x, c);
    }

    /**
     * Whether {@code spec} builds in NHWC too ({@link Layers#channelsLast}): dna's own UNet and DnCNN.
     *
     * @param spec a restorer
     * @return whether it does
     */
    public static boolean buildsChannelsLast(RestorerSpec spec) {
        return spec instanceof UNetRestorerSpec || spec instanceof DnCnnRestorerSpec;
    }

    private static SDVariable unet(Layers l, SDVariable x, UNetRestorerSpec s, long n, long h, long w) {
        Deque<SDVariable> skips = new ArrayDeque<>();
        SDVariable y = x;
        int in = 3;
        for (int i = 0; i < s.depth(); i++) {
            int ch = s.width() << i;
            y = l.activation(l.conv("enc" + i + "a", y, in, ch, 3), s.activation());
            y = l.activation(l.conv("enc" + i + "b", y, ch, ch, 3), s.activation());
            skips.push(y);
            y = l.avgPool2(y);
            in = ch;
        }
        int ch = s.width() << s.depth();
        y = l.activation(l.conv("mid_a", y, in, ch, 3), s.activation());
        y = l.activation(l.conv("mid_b", y, ch, ch, 3), s.activation());
        for (int i = s.depth() - 1; i >= 0; i--) {
            int out = s.width() << i;
            long side = 1L << (i + 1);
            y = l.upsample2("up" + i, y, s.upsampling(), n, ch, h > 0 ? h / side : -1, w > 0 ? w / side : -1);
            int concatenated = ch + out;
            if (s.upConv()) {
                y = l.conv("up" + i + "_conv", y, ch, out, 3);
                concatenated = 2 * out;
            }
            y = l.sameDiff().concat(l.channelAxis(), y, skips.pop());
            y = l.activation(l.conv("dec" + i + "a", y, concatenated, out, 3), s.activation());
            y = l.activation(l.conv("dec" + i + "b", y, out, out, 3), s.activation());
            ch = out;
        }
        return l.conv("out", y, ch, 3, s.outKernel());
    }

    private static SDVariable dncnn(Layers l, SDVariable x, DnCnnRestorerSpec s) {
        SDVariable h = l.activation(l.conv("conv0", x, 3, s.width(), 3), s.activation());
        for (int i = 1; i < s.layers() - 1; i++) {
            h = l.activation(l.conv("conv" + i, h, s.width(), s.width(), 3), s.activation());
        }
        return l.conv("conv" + (s.layers() - 1), h, s.width(), 3, 3);
    }
}
