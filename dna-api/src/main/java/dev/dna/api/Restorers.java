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
     * A residual UNet of {@code width} base channels and {@code depth} 2x downsamplings, laid out as the
     * authors' {@code RestorationNet}: LeakyReLU(0.2), average pooling, bilinear upsampling with
     * {@code align_corners=True}, a 3x3 {@code conv_up} before each concatenation, a 3x3 last convolution
     * (see {@link UNetRestorerSpec}); tune it further with the spec's {@code with*} methods.
     */
    public static UNetRestorerSpec unet(int width, int depth) {
        return new UNetRestorerSpec(depth, width, Activation.LEAKY_RELU, Upsampling.BILINEAR_ALIGN_CORNERS, true, true, 3);
    }

    /**
     * The authors' restorer: {@code unet(64, 3)}, levels of 64, 128, 256 and 512 channels (their "depth 4"
     * counts the bottleneck level; {@code depth} here counts 2x downsamplings): 8,559,171 parameters, as in
     * their code.
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
