package dev.dna.api.spec;

/**
 * How a UNet decoder doubles the spatial size.
 *
 * <p>The reference restorer upsamples bilinearly (PyTorch {@code align_corners=False}).
 * {@link #BILINEAR} reproduces that as a fixed, untrained depthwise transposed convolution;
 * {@link #NEAREST} repeats pixels; {@link #TRANSPOSED_CONV} learns a 2x2 stride-2 transposed
 * convolution.
 */
public enum Upsampling {
    BILINEAR,
    NEAREST,
    TRANSPOSED_CONV
}
