package dev.dna.api;

import dev.dna.api.spec.Activation;
import dev.dna.api.spec.CustomRestorerSpec;
import dev.dna.api.spec.DnCnnRestorerSpec;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.UNetRestorerSpec;
import dev.dna.api.spec.Upsampling;
import java.util.Map;

/** Static factories for {@link RestorerSpec}s. */
public final class Restorers {
    private Restorers() {}

    /**
     * A residual UNet of {@code width} base channels and {@code depth} levels with the reference's
     * LeakyReLU(0.2) and bilinear upsampling; tune it further with the spec's {@code with*} methods.
     */
    public static UNetRestorerSpec unet(int width, int depth) {
        return new UNetRestorerSpec(depth, width, Activation.LEAKY_RELU, Upsampling.BILINEAR, true);
    }

    /**
     * The reference restorer's size: {@code unet(64, 3)}, levels of 64, 128, 256 and 512 channels (the
     * reference's "depth 4" counts the bottleneck level; {@code depth} here counts 2x downsamplings).
     * 7.78 M parameters here against the reference's 8.56 M: its decoder details are not reproduced.
     */
    public static UNetRestorerSpec referenceUnet() {
        return unet(64, 3);
    }

    /** A residual DnCNN without BatchNorm: {@code layers} 3x3 convolutions of {@code width} channels, ReLU. */
    public static DnCnnRestorerSpec dncnn(int layers, int width) {
        return new DnCnnRestorerSpec(layers, width, Activation.RELU, true);
    }

    /**
     * A user-defined residual restorer whose builder is registered under {@code name} in the engine.
     *
     * @param downsamplingFactor what the input's H and W must be multiples of
     */
    public static CustomRestorerSpec custom(String name, int downsamplingFactor) {
        return new CustomRestorerSpec(name, downsamplingFactor, true, Map.of());
    }

    /** As {@link #custom(String, int)}, with options passed to the builder. */
    public static CustomRestorerSpec custom(String name, int downsamplingFactor, Map<String, String> options) {
        return new CustomRestorerSpec(name, downsamplingFactor, true, options);
    }
}
