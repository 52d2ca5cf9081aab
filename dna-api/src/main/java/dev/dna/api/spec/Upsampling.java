package dev.dna.api.spec;

/**
 * How a UNet decoder doubles the spatial size.
 *
 * <p>The authors' restorer upsamples bilinearly with PyTorch's {@code align_corners=True}
 * ({@code models/net/UNet.py}: {@code nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True)}):
 * {@link #BILINEAR_ALIGN_CORNERS}, the default of {@code Restorers.unet}. Output pixel {@code i} of a side
 * of {@code n} samples the input at {@code i (n - 1) / (2n - 1)}, so the weights vary along the image; in
 * training (static patch size) it is a product with two fixed interpolation matrices, at inference a resize.
 * {@link #BILINEAR} is PyTorch's default {@code align_corners=False} (half-pixel centres: a fixed
 * [1/4, 3/4] stencil), {@link #NEAREST} repeats pixels, {@link #TRANSPOSED_CONV} learns a 2x2 stride-2
 * transposed convolution.
 */
public enum Upsampling {
    /** {@code align_corners=False}: half-pixel centres. */
    BILINEAR,
    /** Each pixel repeated 2x2. */
    NEAREST,
    /** A learned 2x2 stride-2 transposed convolution. */
    TRANSPOSED_CONV,
    /** {@code align_corners=True}: the corners of input and output coincide (the authors'). */
    BILINEAR_ALIGN_CORNERS
}
