package dev.dna.samediff;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.spec.CustomRestorerSpec;
import dev.dna.api.spec.DnCnnRestorerSpec;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.UNetRestorerSpec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
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

    /** Makes {@code Restorers.custom(name, ...)} plans buildable in this JVM. Replaces an earlier one. */
    public static void register(String name, RestorerFactory factory) {
        checkNotNull(name, "name");
        checkNotNull(factory, "factory");
        CUSTOM.put(name, factory);
    }

    /** The network output G(x) (not yet added to x). */
    static SDVariable build(Layers l, SDVariable x, RestorerSpec spec) {
        if (spec instanceof UNetRestorerSpec u) {
            return unet(l, x, u);
        }
        if (spec instanceof DnCnnRestorerSpec d) {
            return dncnn(l, x, d);
        }
        CustomRestorerSpec c = (CustomRestorerSpec) spec;
        RestorerFactory f = CUSTOM.get(c.name());
        checkArgument(f != null, "no restorer builder registered under '%s': call RestorerNets.register(\"%s\", ...) "
                + "before building a plan that uses it (registered: %s)", c.name(), c.name(), CUSTOM.keySet());
        return f.build(l, x, c);
    }

    private static SDVariable unet(Layers l, SDVariable x, UNetRestorerSpec s) {
        Deque<SDVariable> skips = new ArrayDeque<>();
        SDVariable h = x;
        int in = 3;
        for (int i = 0; i < s.depth(); i++) {
            int ch = s.width() << i;
            h = l.activation(l.conv("enc" + i + "a", h, in, ch, 3), s.activation());
            h = l.activation(l.conv("enc" + i + "b", h, ch, ch, 3), s.activation());
            skips.push(h);
            h = l.avgPool2(h);
            in = ch;
        }
        int ch = s.width() << s.depth();
        h = l.activation(l.conv("mid_a", h, in, ch, 3), s.activation());
        h = l.activation(l.conv("mid_b", h, ch, ch, 3), s.activation());
        for (int i = s.depth() - 1; i >= 0; i--) {
            int out = s.width() << i;
            h = l.upsample2("up" + i, h, ch, s.upsampling());
            h = l.sameDiff().concat(1, h, skips.pop());
            h = l.activation(l.conv("dec" + i + "a", h, ch + out, out, 3), s.activation());
            h = l.activation(l.conv("dec" + i + "b", h, out, out, 3), s.activation());
            ch = out;
        }
        return l.conv("out", h, ch, 3, 1);
    }

    private static SDVariable dncnn(Layers l, SDVariable x, DnCnnRestorerSpec s) {
        SDVariable h = l.activation(l.conv("conv0", x, 3, s.width(), 3), s.activation());
        for (int i = 1; i < s.layers() - 1; i++) {
            h = l.activation(l.conv("conv" + i, h, s.width(), s.width(), 3), s.activation());
        }
        return l.conv("conv" + (s.layers() - 1), h, s.width(), 3, 3);
    }
}
