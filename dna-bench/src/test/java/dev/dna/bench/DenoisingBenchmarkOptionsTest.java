package dev.dna.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dna.api.Recipes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the main example's modes leave to defaults: steps, validation, variants and seeds. */
class DenoisingBenchmarkOptionsTest {
    @TempDir
    Path tmp;

    private DenoisingBenchmark settled(String... args) throws IOException {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--out";
        all[args.length + 1] = tmp.resolve("run").toString();
        DenoisingBenchmark b = CommandLine.populateCommand(new DenoisingBenchmark(), all);
        b.settle();
        return b;
    }

    @Test
    void theLongModeFromScratchIsThePapersProtocolAtOurScale() throws IOException {
        DenoisingBenchmark b = settled("--full");
        assertEquals(10_000, b.steps);
        assertEquals(500, b.validateEvery);
        assertEquals(List.of("vanilla", "diffusion", "shuffle", "full", "oracle"), b.variants);
        assertEquals(List.of(0L, 1L, 2L), b.seeds);
    }

    @Test
    void theLongModeFromThePretrainedDenoiserRunsTheFineTuningRecipesSteps() throws IOException {
        DenoisingBenchmark b = settled("--full", "--init", "pretrained:denoise-awgn-unet32");
        assertEquals(Recipes.FINE_TUNE_STEPS, b.steps);
        assertEquals(Recipes.FINE_TUNE_STEPS / 12, b.validateEvery);
        assertEquals(5, b.variants.size());
        assertEquals(3, b.seeds.size());
        assertEquals(1200, settled("--full", "--init", "pretrained:denoise-awgn-unet32", "--steps", "1200").steps);
    }

    @Test
    void fromScratchTheRateIsConstantUnlessACosineDecayIsAskedFor() throws IOException {
        var constant = settled("--full", "--lr", "3e-4").fullPlan(0).optimizer();
        assertEquals(3e-4, constant.learningRateAt(1, 10_000), 1e-12);
        assertEquals(3e-4, constant.learningRateAt(10_000, 10_000), 1e-12);
        var decaying = settled("--full", "--lr", "3e-4", "--lr-cosine-to", "1e-5").fullPlan(0).optimizer();
        assertEquals(3e-4, decaying.learningRateAt(1, 10_000), 1e-8);
        assertEquals((3e-4 + 1e-5) / 2, decaying.learningRateAt(5_000, 10_000), 1e-6);
        assertEquals(1e-5, decaying.learningRateAt(10_000, 10_000), 1e-9);
    }

    @Test
    void theMainJobFineTunesAndValidatesATwelfthOfTheWay() throws IOException {
        DenoisingBenchmark b = settled();
        assertEquals(Recipes.FINE_TUNE_STEPS, b.steps);
        assertEquals(Recipes.FINE_TUNE_STEPS / 12, b.validateEvery);
        assertEquals(List.of("vanilla", "full", "oracle"), b.variants);
    }
}
