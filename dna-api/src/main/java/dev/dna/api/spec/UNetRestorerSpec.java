package dev.dna.api.spec;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A plain UNet restorer, the reference's G: at each of {@code depth} levels two 3x3 convolutions
 * with {@code activation}, then 2x2 average pooling; channels {@code width * 2^level}; a bottleneck;
 * a decoder that upsamples ({@code upsampling}), concatenates the skip and applies two 3x3
 * convolutions; a final 1x1 convolution to 3 channels.
 *
 * <p>Reference values: width 64, LEAKY_RELU (0.2), BILINEAR, residual, and four levels (64 to 512
 * channels), which is {@code depth = 3} here: {@code depth} counts the 2x downsamplings, the bottleneck
 * has {@code width * 2^depth} channels. {@code unet(64, 3)} has 7.78 M parameters (the reference 8.56 M);
 * {@code unet(64, 4)} has 31.4 M.
 *
 * @param depth number of 2x downsamplings, in [1, 6]; the input side must be a multiple of 2^depth
 * @param width channels of the first level, in [1, 1024]
 * @param activation nonlinearity after each 3x3 convolution
 * @param upsampling how the decoder doubles the resolution
 * @param residual whether {@code y = x + G(x)}
 */
public record UNetRestorerSpec(int depth, int width, Activation activation, Upsampling upsampling, boolean residual)
        implements RestorerSpec {

    public UNetRestorerSpec {
        checkArgument(depth >= 1 && depth <= 6, "restorer.depth must be in [1, 6], got %s", depth);
        checkArgument(width >= 1 && width <= 1024, "restorer.width must be in [1, 1024], got %s", width);
        checkNotNull(activation, "restorer.activation");
        checkNotNull(upsampling, "restorer.upsampling");
    }

    public UNetRestorerSpec withDepth(int depth) {
        return new UNetRestorerSpec(depth, width, activation, upsampling, residual);
    }

    public UNetRestorerSpec withWidth(int width) {
        return new UNetRestorerSpec(depth, width, activation, upsampling, residual);
    }

    public UNetRestorerSpec withActivation(Activation activation) {
        return new UNetRestorerSpec(depth, width, activation, upsampling, residual);
    }

    public UNetRestorerSpec withUpsampling(Upsampling upsampling) {
        return new UNetRestorerSpec(depth, width, activation, upsampling, residual);
    }

    public UNetRestorerSpec withResidual(boolean residual) {
        return new UNetRestorerSpec(depth, width, activation, upsampling, residual);
    }

    @Override
    public int downsamplingFactor() {
        return 1 << depth;
    }

    @Override
    public String describe() {
        return "unet(width=" + width + ", depth=" + depth + ", " + activation + ", " + upsampling
                + (residual ? ", residual)" : ")");
    }
}
