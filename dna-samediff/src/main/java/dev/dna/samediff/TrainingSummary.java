package dev.dna.samediff;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a training run ended: its spikes, and where it validated, its last validation beside its best.
 *
 * @param lastStep the last step taken
 * @param spikes every spike the guard met, in order
 * @param finalPsnr the returned weights' validation PSNR at the last step; NaN without validation
 * @param bestPsnr the best validation PSNR of the returned weights over the run; NaN without validation
 * @param bestStep the step of {@code bestPsnr}; 0 without validation
 */
public record TrainingSummary(long lastStep, List<SpikeEvent> spikes, double finalPsnr, double bestPsnr, long bestStep) {
    /** How far below its best validation a run may end before {@link #warning} calls it collapsed, in dB. */
    public static final double COLLAPSE_MARGIN_DB = 1.0;

    /** Checks the components (an exception names any missing or out of range) and copies the lists. */
    public TrainingSummary {
        spikes = ImmutableList.copyOf(spikes);
    }

    /** {@return whether the last validation is more than {@link #COLLAPSE_MARGIN_DB} below the best} */
    public boolean collapsed() {
        return Double.isFinite(bestPsnr) && !(finalPsnr >= bestPsnr - COLLAPSE_MARGIN_DB);
    }

    /**
     * What a user must know about the restorer returned, if anything: that it ended far below its best validated
     * checkpoint (use that one), or that spikes were met.
     *
     * @return one line, or empty when the run ended well
     */
    public Optional<String> warning() {
        if (collapsed()) {
            return Optional.of(String.format(Locale.ROOT, "the final restorer validates at %.2f dB, %.2f dB below the best "
                    + "checkpoint (%.2f dB at step %d): use the best one (restorer-best)%s", finalPsnr, bestPsnr - finalPsnr,
                    bestPsnr, bestStep, spikes.isEmpty() ? "" : "; " + spikes.size() + " spike(s) met"));
        }
        return Optional.empty();
    }
}
