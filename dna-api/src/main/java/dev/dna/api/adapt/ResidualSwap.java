package dev.dna.api.adapt;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.image.ImageBatch;

/**
 * The residual swap that builds the negative pair, reference semantics for the engines.
 *
 * <p>With restorer residuals {@code R_s = ŷ_s - x_s} and {@code R_r = ŷ_r - x_r}, the positive pair is
 * {@code (ŷ_s, ŷ_r) = (x_s + R_s, x_r + R_r)} and the negative pair is
 * {@code (x_s + R_r, x_r + R_s)}: each input keeps its own degraded image but receives the other
 * domain's residual. Swapping twice gives back the positive pair; the swap preserves the sum of the two
 * conditions; when {@code R_s = R_r} it changes nothing.
 */
public final class ResidualSwap {
    private ResidualSwap() {}

    /**
     * The negative pair from inputs and residuals, all of shape [N, 3, H, W].
     *
     * @param xs the synthetic inputs
     * @param xr the real inputs
     * @param rs the restorer's residuals on {@code xs}
     * @param rr the restorer's residuals on {@code xr}
     * @return {@code (x_s + R_r, x_r + R_s)}
     */
    public static Pair fromResiduals(ImageBatch xs, ImageBatch xr, ImageBatch rs, ImageBatch rr) {
        checkShapes(xs, xr, rs, rr);
        return new Pair(xs.plus(rr), xr.plus(rs));
    }

    /**
     * The residual swap of a restored pair {@code (ys, yr)} of inputs {@code (xs, xr)}:
     * {@code (xs + (yr - xr), xr + (ys - xs))}.
     *
     * @param xs the synthetic inputs
     * @param xr the real inputs
     * @param ys the restorations of {@code xs}
     * @param yr the restorations of {@code xr}
     * @return the swapped pair
     */
    public static Pair swap(ImageBatch xs, ImageBatch xr, ImageBatch ys, ImageBatch yr) {
        checkShapes(xs, xr, ys, yr);
        return new Pair(xs.plus(yr.minus(xr)), xr.plus(ys.minus(xs)));
    }

    private static void checkShapes(ImageBatch... b) {
        for (ImageBatch x : b) {
            checkArgument(x.sameShape(b[0]), "residual swap needs equal shapes, got %s and %s", x.shapeString(),
                    b[0].shapeString());
        }
    }

    /** A (synthetic-slot, real-slot) pair of conditions. */
    public record Pair(ImageBatch synthetic, ImageBatch real) {}
}
