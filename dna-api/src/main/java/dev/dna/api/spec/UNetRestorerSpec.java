package dev.dna.api.spec;

import com.google.errorprone.annotations.CheckReturnValue;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A plain UNet restorer, the authors' G ({@code models/net/UNet.py}, {@code RestorationNet}): at each of
 * {@code depth} levels two 3x3 convolutions with {@code activation}, then 2x2 average pooling; channels
 * {@code width * 2^level}; a bottleneck of two 3x3 convolutions; a decoder that, per level, upsamples
 * ({@code upsampling}), applies a 3x3 convolution {@code conv_up} to the level's channels when {@code upConv}
 * (no activation after it), concatenates the skip and applies two 3x3 convolutions; a final
 * {@code outKernel x outKernel} convolution to 3 channels (no activation).
 * <pre>
 *   decoder level i (out = width 2^i, h has 2 out channels):
 *     upConv:   h = conv3x3(2 out -> out)(up(h)); h = concat(h, skip_i)            [N, 2 out, .., ..]
 *     !upConv:  h = concat(up(h), skip_i)                                          [N, 3 out, .., ..]
 *     h = act(conv3x3(-> out)(act(conv3x3(-> out)(h))))
 * </pre>
 *
 * <p>Reference values ({@code Restorers.unet}): LEAKY_RELU (0.2), BILINEAR_ALIGN_CORNERS, upConv, outKernel 3,
 * residual; the authors' configuration is width 64 with four levels (64 to 512 channels), which is
 * {@code depth = 3} here ({@code depth} counts the 2x downsamplings; the bottleneck has {@code width * 2^depth}
 * channels): 8,559,171 parameters, as in their code. The layout of dna before it followed the authors
 * ({@code upConv = false, outKernel = 1, BILINEAR}) has 7.78 M.
 *
 * @param width channels of the first level, in [1, 1024]
 * @param depth number of 2x downsamplings, in [1, 6]; the input side must be a multiple of 2^depth
 * @param activation nonlinearity after each 3x3 convolution of the levels
 * @param upsampling how the decoder doubles the resolution
 * @param residual whether {@code y = x + G(x)}
 * @param upConv whether the decoder convolves the upsampled features before the concatenation (the authors')
 * @param outKernel side of the last convolution's kernel, 1 or 3 (the authors': 3)
 */
@CheckReturnValue
public record UNetRestorerSpec(int width, int depth, Activation activation, Upsampling upsampling, boolean residual,
        boolean upConv, int outKernel) implements RestorerSpec {

    /** Checks the components: an exception names any that is missing or out of range. */
    public UNetRestorerSpec {
        checkArgument(width >= 1 && width <= 1024, "restorer.width must be in [1, 1024], got %s", width);
        checkArgument(depth >= 1 && depth <= 6, "restorer.depth must be in [1, 6], got %s", depth);
        checkNotNull(activation, "restorer.activation");
        checkNotNull(upsampling, "restorer.upsampling");
        checkArgument(outKernel == 1 || outKernel == 3, "restorer.outKernel must be 1 or 3, got %s", outKernel);
    }

    /**
     * A copy with another {@code depth} ({@link #depth()}).
     *
     * @param depth downsamplings, 1 to 6
     * @return the copy
     */
    public UNetRestorerSpec withDepth(int depth) {
        return new UNetRestorerSpec(width, depth, activation, upsampling, residual, upConv, outKernel);
    }

    /**
     * A copy with another {@code width} ({@link #width()}).
     *
     * @param width the first level's channels, 1 to 1024
     * @return the copy
     */
    public UNetRestorerSpec withWidth(int width) {
        return new UNetRestorerSpec(width, depth, activation, upsampling, residual, upConv, outKernel);
    }

    /**
     * A copy with another {@code activation} ({@link #activation()}).
     *
     * @param activation the nonlinearity after each convolution
     * @return the copy
     */
    public UNetRestorerSpec withActivation(Activation activation) {
        return new UNetRestorerSpec(width, depth, activation, upsampling, residual, upConv, outKernel);
    }

    /**
     * A copy with another {@code upsampling} ({@link #upsampling()}).
     *
     * @param upsampling how the decoder upsamples
     * @return the copy
     */
    public UNetRestorerSpec withUpsampling(Upsampling upsampling) {
        return new UNetRestorerSpec(width, depth, activation, upsampling, residual, upConv, outKernel);
    }

    /**
     * A copy with another {@code residual} ({@link #residual()}).
     *
     * @param residual whether the network's output is added to its input
     * @return the copy
     */
    public UNetRestorerSpec withResidual(boolean residual) {
        return new UNetRestorerSpec(width, depth, activation, upsampling, residual, upConv, outKernel);
    }

    /**
     * A copy with another {@code upConv} ({@link #upConv()}).
     *
     * @param upConv whether a 3x3 convolution follows each upsampling
     * @return the copy
     */
    public UNetRestorerSpec withUpConv(boolean upConv) {
        return new UNetRestorerSpec(width, depth, activation, upsampling, residual, upConv, outKernel);
    }

    /**
     * A copy with another {@code outKernel} ({@link #outKernel()}).
     *
     * @param outKernel the last convolution's kernel, 1 or 3
     * @return the copy
     */
    public UNetRestorerSpec withOutKernel(int outKernel) {
        return new UNetRestorerSpec(width, depth, activation, upsampling, residual, upConv, outKernel);
    }

    @Override
    public int downsamplingFactor() {
        return 1 << depth;
    }

    /**
     * {@inheritDoc} Every 3x3 convolution of the levels, the middle and the decoder (with the convolution before each
     * concatenation when {@link #upConv}, a 2x2 transposed convolution for {@link Upsampling#TRANSPOSED_CONV}) and the
     * output convolution, each {@code k * k * in * out + out} ({@code ParameterCountTest} checks it against the
     * built graph).
     */
    @Override
    public java.util.OptionalLong parameterCount() {
        long n = 0;
        long in = IMAGE_CHANNELS;
        for (int i = 0; i < depth; i++) {
            long c = (long) width << i;
            n += conv(in, c, 3) + conv(c, c, 3);
            in = c;
        }
        long ch = (long) width << depth;
        n += conv(in, ch, 3) + conv(ch, ch, 3);
        for (int i = depth - 1; i >= 0; i--) {
            long out = (long) width << i;
            if (upsampling == Upsampling.TRANSPOSED_CONV) {
                n += conv(ch, ch, 2);
            }
            long concatenated = ch + out;
            if (upConv) {
                n += conv(ch, out, 3);
                concatenated = 2 * out;
            }
            n += conv(concatenated, out, 3) + conv(out, out, 3);
            ch = out;
        }
        return java.util.OptionalLong.of(n + conv(ch, IMAGE_CHANNELS, outKernel));
    }

    /** The weights and biases of a {@code k x k} convolution from {@code in} to {@code out} channels. */
    static long conv(long in, long out, int k) {
        return (long) k * k * in * out + out;
    }

    @Override
    public String describe() {
        return "unet(width=" + width + ", depth=" + depth + ", " + activation + ", " + upsampling
                + (upConv ? ", conv_up" : "") + ", out " + outKernel + "x" + outKernel + (residual ? ", residual)" : ")");
    }
}
