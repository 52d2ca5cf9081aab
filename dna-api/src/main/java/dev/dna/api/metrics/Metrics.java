package dev.dna.api.metrics;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.data.ImageSet;
import dev.dna.api.image.Image;

/**
 * Full-reference image quality: PSNR and SSIM, on all channels (RGB) or on luma Y.
 *
 * <p>Conventions, chosen to equal scikit-image 0.19 ({@code skimage.metrics}) and the restoration
 * literature:
 * <ul>
 *   <li>values are used as given, in double precision (quantize to 8 bits first to match 8-bit
 *       benchmarks); {@code dataRange} is the span of valid values (1 for [0, 1] images);
 *   <li>PSNR = {@code 10 log10(dataRange^2 / MSE)} over all values; identical images give +infinity;
 *   <li>SSIM (Wang et al. 2004): Gaussian window sigma 1.5 truncated at 3.5 sigma (11x11), population
 *       covariance, K1 = 0.01, K2 = 0.03, the SSIM map averaged after cropping 5 pixels at each border,
 *       then averaged over channels; equals {@code structural_similarity(a, b, channel_axis=-1,
 *       gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=dataRange)};
 *   <li>Y is ITU-R BT.601 luma in the studio range, {@code Y = (16 + 65.481 R + 128.553 G + 24.966 B)
 *       / 255} for R, G, B in [0, 1] (MATLAB's and scikit-image's {@code rgb2ycbcr} divided by 255).
 * </ul>
 */
public final class Metrics {
    private static final double K1 = 0.01;
    private static final double K2 = 0.03;
    private static final double SIGMA = 1.5;
    private static final double[] WINDOW = gaussianKernel(SIGMA, 3.5);
    private static final int RADIUS = WINDOW.length / 2;

    private Metrics() {}

    /**
     * PSNR over all channels, for images in [0, 1].
     *
     * @param a an image in [0, 1]
     * @param b an image of the same shape in [0, 1]
     * @return PSNR in dB (infinite for equal images)
     */
    public static double psnr(Image a, Image b) {
        return psnr(a, b, 1.0);
    }

    /**
     * PSNR over all channels, {@code 10 log10(dataRange^2 / MSE)}, for images in [0, dataRange].
     *
     * @param a an image in [0, dataRange]
     * @param b an image of the same shape in [0, dataRange]
     * @param dataRange the span of the values, e.g. 1 or 255
     * @return PSNR in dB (infinite for equal images)
     */
    public static double psnr(Image a, Image b, double dataRange) {
        checkPair(a, b);
        checkArgument(dataRange > 0, "dataRange must be > 0, got %s", dataRange);
        float[] x = a.toArray();
        float[] y = b.toArray();
        double se = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) x[i] - y[i];
            se += d * d;
        }
        double mse = se / x.length;
        return 10.0 * Math.log10(dataRange * dataRange / mse);
    }

    /**
     * The mean over image pairs of {@link #psnr(Image, Image) PSNR} (each pair's own, then averaged, as restoration
     * benchmarks report), for sets in [0, 1] of the same length whose i-th images have the same shape.
     *
     * @param reference the clean images
     * @param test the restored images, index by index
     * @return the mean PSNR in dB
     */
    public static double meanPsnr(ImageSet reference, ImageSet test) {
        return mean(reference, test, Metrics::psnr);
    }

    /**
     * The mean over image pairs of {@link #ssim(Image, Image) SSIM}, as {@link #meanPsnr}.
     *
     * @param reference the clean images
     * @param test the restored images, index by index
     * @return the mean SSIM, at most 1
     */
    public static double meanSsim(ImageSet reference, ImageSet test) {
        return mean(reference, test, Metrics::ssim);
    }

    /**
     * PSNR after a per-channel offset: each channel c of {@code test} gets {@code mean(reference_c) - mean(test_c)} added,
     * then values are clipped to [0, 1]. A diagnostic, not a score (it uses the reference): the gain over {@link #psnr}
     * is how much of the error a global brightness or colour offset explains, as with SIDD, whose ground truth is a few
     * grey levels brighter than its noisy frames. For images in [0, 1] of the same shape.
     *
     * @param reference the clean image
     * @param test the restored image
     * @return PSNR in dB after {@code test}'s per-channel means are moved to {@code reference}'s
     */
    public static double psnrAfterMeanShift(Image reference, Image test) {
        checkPair(reference, test);
        float[] x = reference.toArray();
        float[] y = test.toArray();
        int plane = reference.height() * reference.width();
        for (int c = 0; c < reference.channels(); c++) {
            double shift = 0;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                shift += (double) x[i] - y[i];
            }
            shift /= plane;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                y[i] = (float) Math.min(1.0, Math.max(0.0, y[i] + shift));
            }
        }
        return psnr(reference, Image.of(test.channels(), test.height(), test.width(), y));
    }

    /**
     * The mean over image pairs of {@link #psnrAfterMeanShift}, as {@link #meanPsnr}.
     *
     * @param reference the clean images
     * @param test the restored images, index by index
     * @return the mean PSNR in dB after the mean shift
     */
    public static double meanPsnrAfterMeanShift(ImageSet reference, ImageSet test) {
        return mean(reference, test, Metrics::psnrAfterMeanShift);
    }

    private static double mean(ImageSet reference, ImageSet test, java.util.function.ToDoubleBiFunction<Image, Image> metric) {
        checkArgument(reference.size() == test.size(), "%s reference images but %s to compare", reference.size(), test.size());
        checkArgument(reference.size() > 0, "no images to compare");
        double s = 0;
        for (int i = 0; i < reference.size(); i++) {
            s += metric.applyAsDouble(reference.get(i), test.get(i));
        }
        return s / reference.size();
    }

    /**
     * SSIM averaged over channels, for images in [0, 1].
     *
     * @param a an image in [0, 1]
     * @param b an image of the same shape in [0, 1]
     * @return SSIM, at most 1
     */
    public static double ssim(Image a, Image b) {
        return ssim(a, b, 1.0);
    }

    /**
     * SSIM as the class comment says (scikit-image's settings), averaged over channels, for images in [0, dataRange].
     *
     * @param a an image in [0, dataRange]
     * @param b an image of the same shape in [0, dataRange]
     * @param dataRange the span of the values, e.g. 1 or 255
     * @return SSIM, at most 1
     */
    public static double ssim(Image a, Image b, double dataRange) {
        checkPair(a, b);
        checkArgument(dataRange > 0, "dataRange must be > 0, got %s", dataRange);
        checkArgument(a.height() > 2 * RADIUS && a.width() > 2 * RADIUS,
                "SSIM needs images larger than %sx%s, got %sx%s", 2 * RADIUS + 1, 2 * RADIUS + 1, a.height(), a.width());
        double sum = 0;
        int plane = a.height() * a.width();
        float[] x = a.toArray();
        float[] y = b.toArray();
        for (int c = 0; c < a.channels(); c++) {
            double[] xc = new double[plane];
            double[] yc = new double[plane];
            for (int i = 0; i < plane; i++) {
                xc[i] = x[c * plane + i];
                yc[i] = y[c * plane + i];
            }
            sum += ssimPlane(xc, yc, a.height(), a.width(), dataRange);
        }
        return sum / a.channels();
    }

    /**
     * PSNR on BT.601 luma; {@code a} and {@code b} are RGB in [0, 1].
     *
     * @param a an RGB image in [0, 1]
     * @param b an RGB image of the same shape in [0, 1]
     * @return PSNR in dB of their lumas, over [0, 1]
     */
    public static double psnrY(Image a, Image b) {
        return psnr(luma(a), luma(b), 1.0);
    }

    /**
     * SSIM on BT.601 luma; {@code a} and {@code b} are RGB in [0, 1].
     *
     * @param a an RGB image in [0, 1]
     * @param b an RGB image of the same shape in [0, 1]
     * @return SSIM of their lumas, over [0, 1]
     */
    public static double ssimY(Image a, Image b) {
        return ssim(luma(a), luma(b), 1.0);
    }

    /**
     * BT.601 studio-range luma of an RGB image, shape [1, H, W], values in [16/255, 235/255] for inputs in [0, 1].
     *
     * @param rgb an RGB image [3, H, W]
     * @return the luma [1, H, W]
     */
    public static Image luma(Image rgb) {
        checkArgument(rgb.channels() == 3, "luma needs an RGB image (3 channels), got %s", rgb.channels());
        int plane = rgb.height() * rgb.width();
        float[] v = rgb.toArray();
        float[] out = new float[plane];
        for (int i = 0; i < plane; i++) {
            double yv = 16.0 + 65.481 * v[i] + 128.553 * v[plane + i] + 24.966 * v[2 * plane + i];
            out[i] = (float) (yv / 255.0);
        }
        return Image.of(1, rgb.height(), rgb.width(), out);
    }

    private static void checkPair(Image a, Image b) {
        checkArgument(a.sameShape(b), "images differ in shape: %s vs %s", a.shapeString(), b.shapeString());
    }

    private static double ssimPlane(double[] x, double[] y, int h, int w, double range) {
        int n = h * w;
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] ux = blur(x, h, w);
        double[] uy = blur(y, h, w);
        double[] uxx = blur(xx, h, w);
        double[] uyy = blur(yy, h, w);
        double[] uxy = blur(xy, h, w);
        double c1 = (K1 * range) * (K1 * range);
        double c2 = (K2 * range) * (K2 * range);
        double sum = 0;
        for (int r = RADIUS; r < h - RADIUS; r++) {
            for (int c = RADIUS; c < w - RADIUS; c++) {
                int i = r * w + c;
                double vx = uxx[i] - ux[i] * ux[i];
                double vy = uyy[i] - uy[i] * uy[i];
                double vxy = uxy[i] - ux[i] * uy[i];
                double num = (2 * ux[i] * uy[i] + c1) * (2 * vxy + c2);
                double den = (ux[i] * ux[i] + uy[i] * uy[i] + c1) * (vx + vy + c2);
                sum += num / den;
            }
        }
        return sum / ((double) (h - 2 * RADIUS) * (w - 2 * RADIUS));
    }

    /** Separable Gaussian filter, half-sample symmetric ("reflect") borders as scipy.ndimage. */
    private static double[] blur(double[] src, int h, int w) {
        double[] tmp = new double[src.length];
        double[] out = new double[src.length];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double s = 0;
                for (int k = -RADIUS; k <= RADIUS; k++) {
                    s += WINDOW[k + RADIUS] * src[r * w + reflect(c + k, w)];
                }
                tmp[r * w + c] = s;
            }
        }
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double s = 0;
                for (int k = -RADIUS; k <= RADIUS; k++) {
                    s += WINDOW[k + RADIUS] * tmp[reflect(r + k, h) * w + c];
                }
                out[r * w + c] = s;
            }
        }
        return out;
    }

    private static int reflect(int i, int n) {
        while (i < 0 || i >= n) {
            i = i < 0 ? -i - 1 : 2 * n - i - 1;
        }
        return i;
    }

    /** Normalized Gaussian taps of radius {@code int(truncate * sigma + 0.5)}, as scipy.ndimage. */
    static double[] gaussianKernel(double sigma, double truncate) {
        int r = (int) (truncate * sigma + 0.5);
        double[] k = new double[2 * r + 1];
        double s = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
            s += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= s;
        }
        return k;
    }
}
