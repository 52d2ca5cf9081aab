package dev.dna.api.spec;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What restorer G to build. G maps a degraded image {@code x} of shape [N, 3, H, W] to a residual
 * {@code R} of the same shape; the restored image is {@code y = x + R} when {@link #residual()} is
 * true (the method's form), else {@code y = G(x)}.
 *
 * <p>Built-in kinds come from {@link dev.dna.api.Restorers}. The engine modules turn a spec into a
 * network; a {@link CustomRestorerSpec} names a user-registered builder; an {@link OnnxRestorerSpec} an ONNX file.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = UNetRestorerSpec.class, name = "unet"),
    @JsonSubTypes.Type(value = DnCnnRestorerSpec.class, name = "dncnn"),
    @JsonSubTypes.Type(value = CustomRestorerSpec.class, name = "custom"),
    @JsonSubTypes.Type(value = OnnxRestorerSpec.class, name = "onnx")
})
public sealed interface RestorerSpec permits UNetRestorerSpec, DnCnnRestorerSpec, CustomRestorerSpec, OnnxRestorerSpec {

    /** Image channels in and out of every restorer: RGB. */
    int IMAGE_CHANNELS = 3;

    /**
     * H and W of the input must be multiples of this; inference pads (replicate) up to it and crops
     * back. 1 for networks that keep the resolution.
     *
     * @return the factor, at least 1
     */
    int downsamplingFactor();

    /** {@return whether the output is added to the input: {@code y = x + G(x)}} */
    boolean residual();

    /** {@return a short human-readable description, e.g. {@code unet(width=32, depth=3, LEAKY_RELU)}} */
    String describe();

    /**
     * The trained values of the network (weights and biases), where the spec alone tells them: a restorer file is
     * checked against it before a graph of that size is built, so that a file of a few megabytes cannot make dna
     * allocate a network of billions of values.
     *
     * @return the count; empty for a network known only once built (imported from ONNX, custom)
     */
    default java.util.OptionalLong parameterCount() {
        return java.util.OptionalLong.empty();
    }
}
