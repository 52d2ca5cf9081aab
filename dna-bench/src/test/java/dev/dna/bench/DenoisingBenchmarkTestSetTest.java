package dev.dna.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.PolyU;
import dev.dna.api.metrics.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The main example's test sets are fixed: the noisy inputs' PSNR and SSIM equal the figures printed in docs/lab/benchmarks-2026-11-to-12.md
 * by runs of earlier commits, so that results of different commits compare (the long runs span several).
 */
class DenoisingBenchmarkTestSetTest {
    @Test
    void theSimulatedHardDomainsTestSetIsTheOneOfThePublishedRuns() {
        DenoisingBenchmark b = CommandLine.populateCommand(new DenoisingBenchmark(), "--simulated");
        TestSet t = b.simulatedTestSet(EmbeddedImages.load().split(DenoisingBenchmark.HELD_OUT).first());
        assertEquals(3, t.clean().size());
        assertEquals(128, t.clean().get(0).height());
        // docs/lab/benchmarks-2026-11-to-12.md, "Warm start": noisy input 19.98 dB, SSIM 0.3926, synthetic 20.52 dB
        assertEquals(19.98, Metrics.meanPsnr(t.clean(), t.real()), 0.005);
        assertEquals(0.3926, Metrics.meanSsim(t.clean(), t.real()), 0.00005);
        assertEquals(20.52, Metrics.meanPsnr(t.clean(), t.synthetic()), 0.005);
    }

    @Test
    void theSimulatedDomainValidatesOnAPhotographNeitherTrainedOnNorTested() {
        List<String> names = EmbeddedImages.load().names();
        assertTrue(names.containsAll(DenoisingBenchmark.VALIDATION) && names.containsAll(DenoisingBenchmark.HELD_OUT), names.toString());
        assertTrue(DenoisingBenchmark.VALIDATION.stream().noneMatch(DenoisingBenchmark.HELD_OUT::contains));
    }

    @Test
    void polyUsTestSetIsTheWholeTestScenesCrops() throws IOException {
        Path dir = PolyU.find().orElse(null);
        assumeTrue(dir != null, "no PolyU folder");
        DenoisingBenchmark b = CommandLine.populateCommand(new DenoisingBenchmark());
        TestSet t = b.testSet(PolyU.split(dir).test());
        assertEquals(16, t.clean().size());
        assertEquals(512, t.real().get(0).width());
        // docs/lab/benchmarks-2026-11-to-12.md, "the default run": noisy input 35.84 dB, SSIM 0.9278, synthetic 20.62 dB
        assertEquals(35.84, Metrics.meanPsnr(t.clean(), t.real()), 0.005);
        assertEquals(0.9278, Metrics.meanSsim(t.clean(), t.real()), 0.00005);
        assertEquals(20.62, Metrics.meanPsnr(t.clean(), t.synthetic()), 0.005);
    }
}
