package dev.dna.api;

/**
 * The variants of the paper's ablation (Table 4). Each turns a full plan into a plan that differs only
 * in what this variant removes, so that the variants share restorer, seed and step budget.
 */
public enum Ablation {
    /** Restorer trained on synthetic pairs only: no diffusion loss (SIDD: 26.58 dB). */
    VANILLA(false, false, false),
    /** + diffusion loss, no channel shuffle, no residual swap (32.07 dB). */
    DIFFUSION(true, false, false),
    /** + channel shuffle (32.91 dB). */
    SHUFFLE(true, true, false),
    /** + channel shuffle + residual swap: the method (34.71 dB). */
    FULL(true, true, true);

    private final boolean diffusion;
    private final boolean channelShuffle;
    private final boolean residualSwap;

    Ablation(boolean diffusion, boolean channelShuffle, boolean residualSwap) {
        this.diffusion = diffusion;
        this.channelShuffle = channelShuffle;
        this.residualSwap = residualSwap;
    }

    /** {@return whether this variant trains with the diffusion loss} */
    public boolean usesDiffusion() {
        return diffusion;
    }

    /** {@return whether this variant shuffles the conditions' channels} */
    public boolean usesChannelShuffle() {
        return channelShuffle;
    }

    /** {@return whether this variant adds the residual-swap pass and the triplet loss} */
    public boolean usesResidualSwap() {
        return residualSwap;
    }

    /** {@return the lower-case name, as used in result files: vanilla, diffusion, shuffle, full} */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
