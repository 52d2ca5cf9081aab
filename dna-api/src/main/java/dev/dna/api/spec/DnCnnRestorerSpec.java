package dev.dna.api.spec;

import com.google.errorprone.annotations.CheckReturnValue;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A DnCNN-style restorer without BatchNorm: {@code layers} 3x3 convolutions of {@code width} channels
 * (the first and every hidden one followed by {@code activation}), the last mapping to 3 channels.
 * Keeps the resolution, so any H and W work.
 *
 * @param layers total convolution layers, in [2, 64] (DnCNN uses 17)
 * @param width hidden channels, in [1, 1024] (DnCNN uses 64)
 * @param activation hidden nonlinearity (DnCNN uses RELU)
 * @param residual whether {@code y = x + G(x)}
 */
@CheckReturnValue
public record DnCnnRestorerSpec(int layers, int width, Activation activation, boolean residual) implements RestorerSpec {

    /** Checks the components: an exception names any that is missing or out of range. */
    public DnCnnRestorerSpec {
        checkArgument(layers >= 2 && layers <= 64, "restorer.layers must be in [2, 64], got %s", layers);
        checkArgument(width >= 1 && width <= 1024, "restorer.width must be in [1, 1024], got %s", width);
        checkNotNull(activation, "restorer.activation");
    }

    /**
     * A copy with another {@code activation} ({@link #activation()}).
     *
     * @param activation the nonlinearity after each hidden convolution
     * @return the copy
     */
    public DnCnnRestorerSpec withActivation(Activation activation) {
        return new DnCnnRestorerSpec(layers, width, activation, residual);
    }

    /**
     * A copy with another {@code residual} ({@link #residual()}).
     *
     * @param residual whether the network's output is added to its input
     * @return the copy
     */
    public DnCnnRestorerSpec withResidual(boolean residual) {
        return new DnCnnRestorerSpec(layers, width, activation, residual);
    }

    /** {@inheritDoc} The first convolution from RGB, {@code layers - 2} from width to width, the last back to RGB. */
    @Override
    public java.util.OptionalLong parameterCount() {
        return java.util.OptionalLong.of(UNetRestorerSpec.conv(IMAGE_CHANNELS, width, 3)
                + (layers - 2L) * UNetRestorerSpec.conv(width, width, 3) + UNetRestorerSpec.conv(width, IMAGE_CHANNELS, 3));
    }

    @Override
    public int downsamplingFactor() {
        return 1;
    }

    @Override
    public String describe() {
        return "dncnn(layers=" + layers + ", width=" + width + ", " + activation + (residual ? ", residual)" : ")");
    }
}
