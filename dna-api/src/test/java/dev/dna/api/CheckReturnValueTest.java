package dev.dna.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.annotations.CheckReturnValue;
import dev.dna.api.spec.DiffusionSpec;
import dev.dna.api.spec.DnCnnRestorerSpec;
import dev.dna.api.spec.LossSpec;
import dev.dna.api.spec.NoiseScheduleSpec;
import dev.dna.api.spec.OptimizerSpec;
import dev.dna.api.spec.UNetRestorerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every immutable stage and spec whose methods return a changed copy is marked {@code @CheckReturnValue}, so that
 * Error Prone and IDEs flag {@code stage.steps(5);} with its result dropped (a call that silently does nothing).
 */
class CheckReturnValueTest {
    @Test
    void theImmutableStagesAndSpecsAskForTheirResultsToBeUsed() {
        for (Class<?> c : List.of(Adaptation.class, PlanStage.class, SyntheticStage.class, DiffusionStage.class, DiffusionSpec.class,
                UNetRestorerSpec.class, DnCnnRestorerSpec.class, LossSpec.class, NoiseScheduleSpec.class, OptimizerSpec.class)) {
            assertTrue(c.isAnnotationPresent(CheckReturnValue.class), c.getSimpleName());
        }
    }
}
