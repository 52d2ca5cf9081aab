package dev.dna.api;

import dev.dna.api.spec.Activation;
import dev.dna.api.spec.CustomRestorerSpec;
import dev.dna.api.spec.DnCnnRestorerSpec;
import dev.dna.api.spec.RestorerSpec;
import dev.dna.api.spec.UNetRestorerSpec;
import dev.dna.api.spec.Upsampling;
import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spi.OnnxModelReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;

/** Static factories for {@link RestorerSpec}s. */
public final class Restorers {
    private Restorers() {}

    /**
     * A residual UNet of {@code width} base channels and {@code depth} 2x downsamplings, laid out as the
     * authors' {@code RestorationNet}: LeakyReLU(0.2), average pooling, bilinear upsampling with
     * {@code align_corners=True}, a 3x3 {@code conv_up} before each concatenation, a 3x3 last convolution
     * (see {@link UNetRestorerSpec}); tune it further with the spec's {@code with*} methods.
     *
     * @param width channels of the first level, doubled at each level below, 1 to 1024
     * @param depth downsamplings, 1 to 6; H and W must be multiples of {@code 2^depth}
     * @return the spec
     */
    public static UNetRestorerSpec unet(int width, int depth) {
        return new UNetRestorerSpec(width, depth, Activation.LEAKY_RELU, Upsampling.BILINEAR_ALIGN_CORNERS, true, true, 3);
    }

    /**
     * The authors' restorer: {@code unet(64, 3)}, levels of 64, 128, 256 and 512 channels (their "depth 4"
     * counts the bottleneck level; {@code depth} here counts 2x downsamplings): 8,559,171 parameters, as in
     * their code.
     *
     * @return the spec
     */
    public static UNetRestorerSpec referenceUnet() {
        return unet(64, 3);
    }

    /**
     * A residual DnCNN without BatchNorm: {@code layers} 3x3 convolutions of {@code width} channels, ReLU.
     *
     * @param layers convolutions, 2 to 64
     * @param width channels of the hidden layers, 1 to 1024
     * @return the spec
     */
    public static DnCnnRestorerSpec dncnn(int layers, int width) {
        return new DnCnnRestorerSpec(layers, width, Activation.RELU, true);
    }

    /**
     * A user-defined residual restorer whose builder is registered under {@code name} in the engine.
     *
     * @param name the name its builder is registered under ({@code RestorerNets.register} in dna-samediff)
     * @param downsamplingFactor what the input's H and W must be multiples of
     * @return the spec
     */
    public static CustomRestorerSpec custom(String name, int downsamplingFactor) {
        return new CustomRestorerSpec(name, downsamplingFactor, true, Map.of());
    }

    /**
     * As {@link #custom(String, int)}, with options passed to the builder.
     *
     * @param name the name its builder is registered under ({@code RestorerNets.register} in dna-samediff)
     * @param downsamplingFactor what the input's H and W must be multiples of
     * @param options read by the builder, recorded in the plan
     * @return the spec
     */
    public static CustomRestorerSpec custom(String name, int downsamplingFactor, Map<String, String> options) {
        return new CustomRestorerSpec(name, downsamplingFactor, true, options);
    }

    /**
     * A restorer trained elsewhere, read from an ONNX file (opsets 11-18, as {@code torch.onnx.export} writes them;
     * dynamic or fixed H and W): its graph becomes trainable ops, its initializers the starting weights. By default
     * it is read as predicting the restored image in [0, 1]; say otherwise with
     * {@link OnnxRestorerSpec#withPredicts} and {@link OnnxRestorerSpec#withValueRange}. Needs dna-onnx on the
     * class path.
     *
     * @param file an ONNX restorer, e.g. one exported from PyTorch
     * @return the spec (the file, its digest and interface); a plan on it starts from the model's weights
     * @throws UncheckedIOException naming the file if it is unreadable or not a supported restorer (an op outside
     *     the supported set is named with its node)
     * @throws IllegalStateException if dna-onnx is not on the class path
     */
    public static OnnxRestorerSpec fromOnnx(Path file) {
        OnnxModelReader reader = ServiceLoader.load(OnnxModelReader.class).findFirst().orElseThrow(() ->
                new IllegalStateException("Restorers.fromOnnx needs dna-onnx on the class path (dev.dna:dna-onnx)"));
        try {
            return reader.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
