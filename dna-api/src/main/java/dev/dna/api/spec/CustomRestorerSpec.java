package dev.dna.api.spec;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Map;

/**
 * A user-defined restorer, identified by {@code name}: the engine looks up a builder registered under
 * that name and passes it {@code options}. Being data only, it survives the plan's JSON round trip;
 * the builder itself is code and must be registered again in the process that loads the plan.
 *
 * @param name registry key, letters, digits, '-', '_' and '.'
 * @param downsamplingFactor what H and W must be multiples of, in [1, 256]
 * @param residual whether {@code y = x + G(x)}
 * @param options free-form settings for the builder, kept sorted
 */
public record CustomRestorerSpec(String name, int downsamplingFactor, boolean residual, Map<String, String> options)
        implements RestorerSpec {

    /** Checks the components (an exception names any missing or out of range) and copies the lists. */
    public CustomRestorerSpec {
        checkNotNull(name, "restorer.name");
        checkArgument(name.matches("[A-Za-z0-9._-]+"),
                "restorer.name must be letters, digits, '.', '_' or '-', got '%s'", name);
        checkArgument(downsamplingFactor >= 1 && downsamplingFactor <= 256,
                "restorer.downsamplingFactor must be in [1, 256], got %s", downsamplingFactor);
        options = ImmutableSortedMap.copyOf(options == null ? Map.of() : options);
    }

    @Override
    public String describe() {
        return "custom(" + name + (options.isEmpty() ? "" : ", " + options) + (residual ? ", residual)" : ")");
    }
}
