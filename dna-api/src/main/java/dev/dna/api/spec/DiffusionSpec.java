package dev.dna.api.spec;

import com.google.errorprone.annotations.CheckReturnValue;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.Ints;
import java.util.List;

/**
 * The conditional diffusion noise predictor EpsNet, a guided-diffusion UNet, and its noise schedule.
 *
 * <p>EpsNet maps {@code concat[x_t, c1, c2]} of shape [N, 9, H, W] and the continuous noise level
 * {@code g} of shape [N] to a noise estimate of shape [N, 3, H, W]. Level {@code i} of the encoder has
 * {@code width * multipliers[i]} channels and {@code resBlocks} residual blocks (GroupNorm with
 * {@code groups} groups, SiLU, 3x3 convolution, scale-shift conditioning on an MLP of a sinusoidal
 * embedding of g: {@code width -> 4 width -> 4 width}); {@code middleAttention} adds self-attention in
 * the middle block; {@code dropout} is applied inside each residual block. H and W must be multiples of
 * {@code 2^(multipliers.size() - 1)}.
 *
 * <p>Between levels, {@code resblockUpdown} (the authors' {@code resblock_updown=True}) halves and doubles
 * the resolution with time-conditioned residual blocks that average-pool (down) or nearest-upsample (up) both
 * their input and their branch after the first GroupNorm and SiLU; without it, a stride-2 3x3 convolution
 * (down) and nearest upsampling followed by a 3x3 convolution (up), guided-diffusion's {@code conv_resample}.
 *
 * <p>Initialization is Kaiming-normal (fan-in) with zero biases on every convolution and dense layer: the
 * authors' {@code init_weights} runs over the whole network after it is built, and so overwrites
 * guided-diffusion's {@code zero_module} layers (each residual block's second convolution, the attention's
 * output projection and the output convolution). {@code zeroInitOutputs} starts those layers at zero instead,
 * as guided-diffusion alone would.
 *
 * <p>Reference (the authors' {@code Denoising/configs/options_train.json}): width 64, multipliers 1/2/4/8, 2
 * res blocks, 32 groups, middle attention, dropout 0.2, resblock up/down, Kaiming everywhere: 62,643,075
 * parameters, as in their code; schedule {@link NoiseScheduleSpec#reference()}.
 */
@CheckReturnValue
public record DiffusionSpec(int width, List<Integer> multipliers, int resBlocks, int groups, boolean middleAttention,
        double dropout, boolean resblockUpdown, boolean zeroInitOutputs, NoiseScheduleSpec schedule) {

    /** Checks the components (an exception names any missing or out of range) and copies the lists. */
    public DiffusionSpec {
        checkArgument(width >= 1 && width <= 1024, "diffusion.width must be in [1, 1024], got %s", width);
        checkNotNull(multipliers, "diffusion.multipliers");
        multipliers = ImmutableList.copyOf(multipliers);
        checkArgument(!multipliers.isEmpty() && multipliers.size() <= 6,
                "diffusion.multipliers must have 1 to 6 entries, got %s", multipliers);
        for (int m : multipliers) {
            checkArgument(m >= 1 && m <= 32, "diffusion.multipliers entries must be in [1, 32], got %s", multipliers);
        }
        checkArgument(resBlocks >= 1 && resBlocks <= 8, "diffusion.resBlocks must be in [1, 8], got %s", resBlocks);
        checkArgument(groups >= 1, "diffusion.groups must be positive, got %s", groups);
        for (int m : multipliers) {
            checkArgument((width * m) % groups == 0,
                    "diffusion.groups (%s) must divide every level's channels width*multiplier (%s*%s)", groups, width, m);
        }
        checkArgument(dropout >= 0 && dropout < 1, "diffusion.dropout must be in [0, 1), got %s", dropout);
        checkNotNull(schedule, "diffusion.schedule");
    }

    /** {@return the reference EpsNet and schedule} */
    public static DiffusionSpec reference() {
        return new DiffusionSpec(64, List.of(1, 2, 4, 8), 2, 32, true, 0.2, true, false, NoiseScheduleSpec.reference());
    }

    /** {@return the factor that H and W of the network input must be multiples of} */
    public int downsamplingFactor() {
        return 1 << (multipliers.size() - 1);
    }

    /**
     * A copy with {@code width} channels at the first level.
     *
     * @param width channels, 1 to 1024
     * @return the copy
     */
    public DiffusionSpec width(int width) {
        return new DiffusionSpec(width, multipliers, resBlocks, groups, middleAttention, dropout, resblockUpdown, zeroInitOutputs, schedule);
    }

    /**
     * A copy whose levels have {@code width * multipliers[i]} channels (one level per multiplier).
     *
     * @param multipliers one to six, each 1 to 32
     * @return the copy
     */
    public DiffusionSpec multipliers(int... multipliers) {
        return new DiffusionSpec(width, Ints.asList(multipliers), resBlocks, groups, middleAttention, dropout, resblockUpdown, zeroInitOutputs, schedule);
    }

    /**
     * A copy with {@code resBlocks} residual blocks per level.
     *
     * @param resBlocks 1 to 8
     * @return the copy
     */
    public DiffusionSpec resBlocks(int resBlocks) {
        return new DiffusionSpec(width, multipliers, resBlocks, groups, middleAttention, dropout, resblockUpdown, zeroInitOutputs, schedule);
    }

    /**
     * A copy with {@code groups} GroupNorm groups (dividing every level's channels).
     *
     * @param groups at least 1, dividing every level's channels
     * @return the copy
     */
    public DiffusionSpec groups(int groups) {
        return new DiffusionSpec(width, multipliers, resBlocks, groups, middleAttention, dropout, resblockUpdown, zeroInitOutputs, schedule);
    }

    /**
     * A copy with or without self-attention in the middle block.
     *
     * @param middleAttention whether the middle block has self-attention
     * @return the copy
     */
    public DiffusionSpec middleAttention(boolean middleAttention) {
        return new DiffusionSpec(width, multipliers, resBlocks, groups, middleAttention, dropout, resblockUpdown, zeroInitOutputs, schedule);
    }

    /**
     * A copy with dropout {@code dropout} inside each residual block.
     *
     * @param dropout the probability, in [0, 1)
     * @return the copy
     */
    public DiffusionSpec dropout(double dropout) {
        return new DiffusionSpec(width, multipliers, resBlocks, groups, middleAttention, dropout, resblockUpdown, zeroInitOutputs, schedule);
    }

    /**
     * Residual blocks with average pooling / nearest upsampling between levels (true, the authors'), or convolutions.
     *
     * @param resblockUpdown true for residual blocks between levels, false for convolutions
     * @return a copy with it set
     */
    public DiffusionSpec resblockUpdown(boolean resblockUpdown) {
        return new DiffusionSpec(width, multipliers, resBlocks, groups, middleAttention, dropout, resblockUpdown,
                zeroInitOutputs, schedule);
    }

    /**
     * Whether guided-diffusion's zero-initialized layers start at zero (false: Kaiming, the authors').
     *
     * @param zeroInitOutputs true to start those layers at zero
     * @return a copy with it set
     */
    public DiffusionSpec zeroInitOutputs(boolean zeroInitOutputs) {
        return new DiffusionSpec(width, multipliers, resBlocks, groups, middleAttention, dropout, resblockUpdown,
                zeroInitOutputs, schedule);
    }

    /**
     * A copy with another forward process (betas, timesteps, level draw).
     *
     * @param schedule the forward process
     * @return the copy
     */
    public DiffusionSpec schedule(NoiseScheduleSpec schedule) {
        return new DiffusionSpec(width, multipliers, resBlocks, groups, middleAttention, dropout, resblockUpdown, zeroInitOutputs, schedule);
    }

    /**
     * Same betas over {@code timesteps} steps; t is drawn from [1, timesteps - 1].
     *
     * @param timesteps 2 to 100,000
     * @return a copy with it set
     */
    public DiffusionSpec timesteps(int timesteps) {
        return schedule(schedule.withTimesteps(timesteps));
    }

    /**
     * A copy whose linear betas run from {@code betaStart} to {@code betaEnd}.
     *
     * @param betaStart the first beta, in (0, 1)
     * @param betaEnd the last beta, in [betaStart, 1)
     * @return the copy
     */
    public DiffusionSpec betas(double betaStart, double betaEnd) {
        return schedule(schedule.withBetas(betaStart, betaEnd));
    }

    /**
     * A copy drawing the level {@code g} from U(abar[t], abar[t-1]) (true, the authors') or setting it to abar[t].
     *
     * @param continuousLevel true to draw the level, false to take abar[t]
     * @return the copy
     */
    public DiffusionSpec continuousLevel(boolean continuousLevel) {
        return schedule(schedule.withContinuousLevel(continuousLevel));
    }

    /** {@return a short description, as plans and logs print it} */
    public String describe() {
        return "eps-unet(width=" + width + ", mult=" + multipliers + ", res=" + resBlocks + ", groups=" + groups
                + (middleAttention ? ", attention" : "") + ", dropout=" + dropout + (resblockUpdown ? ", resblock up/down" : ", conv up/down")
                + (zeroInitOutputs ? ", zero-init outputs" : "") + ", T=" + schedule.timesteps() + ")";
    }
}
