package dev.dna.api.degrade;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.dna.api.image.Image;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.rng.UniformRandomProvider;

/** Degradations applied in order, each drawing from the same generator. */
public record Chain(List<Degradation> steps) implements Degradation {

    /** Checks the components (an exception names any missing or out of range) and copies the lists. */
    public Chain {
        checkArgument(steps != null && !steps.isEmpty(), "a chain needs at least one degradation");
        steps = ImmutableList.copyOf(steps);
    }

    /**
     * A flat chain of {@code steps} (nested chains are inlined).
     *
     * @param steps applied in order, at least one
     * @return the chain
     */
    public static Chain of(Degradation... steps) {
        List<Degradation> flat = new ArrayList<>();
        for (Degradation d : steps) {
            if (d instanceof Chain c) {
                flat.addAll(c.steps());
            } else {
                flat.add(d);
            }
        }
        return new Chain(flat);
    }

    @Override
    public Image apply(Image clean, UniformRandomProvider rng) {
        Image x = clean;
        for (Degradation d : steps) {
            x = d.apply(x, rng);
        }
        return x;
    }

    @Override
    public String describe() {
        return steps.stream().map(Degradation::describe).collect(Collectors.joining(" -> "));
    }
}
