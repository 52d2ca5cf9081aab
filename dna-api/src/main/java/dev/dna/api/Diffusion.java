package dev.dna.api;

import dev.dna.api.spec.DiffusionSpec;
import dev.dna.api.spec.NoiseScheduleSpec;
import java.util.List;

/** Static factories for {@link DiffusionSpec}s. */
public final class Diffusion {
    private Diffusion() {}

    /**
     * The reference EpsNet layout (multipliers 1/2/4/8, 2 res blocks, middle attention, dropout 0.2, resblock
     * up/down, Kaiming init everywhere, reference schedule) at {@code width} base channels, with
     * {@code min(32, width)} GroupNorm groups.
     *
     * @param width base channels, at least 1
     * @return the spec; change its schedule with {@code .timesteps(n)} and friends
     */
    public static DiffusionSpec unet(int width) {
        return new DiffusionSpec(width, List.of(1, 2, 4, 8), 2, Math.min(32, width), true, 0.2, true, false,
                NoiseScheduleSpec.reference());
    }

    /** {@return the authors' EpsNet: 64 channels, 62,643,075 parameters} */
    public static DiffusionSpec reference() {
        return DiffusionSpec.reference();
    }
}
