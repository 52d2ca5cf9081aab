package dev.dna.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** results.md's table: paired differences and the share of the oracle's gap, with runs that lack a figure. */
class ResultsTableTest {
    /** {psnr, ssim, synPsnr, seconds, seed, bestStep, bestPsnr, onnxPsnr, meanShiftPsnr}, the last not measured. */
    static double[] run(double psnr, long seed, double bestStep, double bestPsnr) {
        return new double[] {psnr, 0.9, 30, 10, seed, bestStep, bestPsnr, psnr, Double.NaN};
    }

    @Test
    void theGapRecoveredIsPrintedAtTheEndAndAtTheBestCheckpointsAndAVariantWithoutOneShowsADash() {
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        runs.put("vanilla", List.of(run(20, 0, 100, 20.5), run(21, 1, 100, 21.5)));
        runs.put("full", List.of(run(22, 0, 100, 23.5), run(23, 1, 200, 24.5)));
        runs.put("diffusion", List.of(run(21, 0, Double.NaN, Double.NaN), run(22, 1, Double.NaN, Double.NaN)));
        runs.put("oracle", List.of(run(24, 0, 100, 24.5), run(25, 1, 100, 25.5)));
        String md = ResultsTable.table(runs, List.of(0L, 1L), 19, 0.5, 18, null);
        assertTrue(md.contains("| full | 22.50 ± 0.71 | +2.00 ± 0.00 | 24.00 ± 0.71 (100, 200) | +3.00 ± 0.00 |"), md);
        assertTrue(md.contains("The oracle's gap over vanilla at the end: 4.00 dB (means); recovered full 50%; diffusion 25%."), md);
        assertTrue(md.contains("at the best validation steps: 4.00 dB (means); recovered full 75%; diffusion -."), md);
        assertFalse(md.contains("NaN"), md);
    }

    @Test
    void theMeanShiftDiagnosticGivesEachVariantsMeansAsScoredAndShifted() {
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        runs.put("vanilla", List.of(new double[] {20, 0.9, 30, 10, 0, 100, 20.5, 20, 21}, new double[] {22, 0.9, 30, 10, 1, 100, 20.5,
            22, 24}));
        runs.put("full", List.of(run(23, 0, 100, 23.5))); // a run without the figure: left out
        String line = ResultsTable.meanShift(runs, 19, 19.5, new double[] {25, 0.8, 30, 26.25});
        assertTrue(line.contains("noisy input 19.00 -> 19.50; pretrained 25.00 -> 26.25; vanilla 21.00 -> 22.50."), line);
        assertFalse(line.contains("full"), line);
    }

    @Test
    void aVariantWithFewerSeedsRecoversItsShareOnTheSeedsItShares() {
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        runs.put("vanilla", List.of(run(20, 0, 100, 21), run(24, 1, 100, 21), run(24, 2, 100, 21)));
        runs.put("full", List.of(run(25, 0, 100, 23))); // seed 0 only: 5 of seed 0's gap of 10, not of the mean gap 8
        runs.put("oracle", List.of(run(30, 0, 100, 31), run(30, 1, 100, 31), run(30, 2, 100, 31)));
        String md = ResultsTable.table(runs, List.of(0L, 1L, 2L), 19, 0.5, 18, null);
        assertTrue(md.contains("The oracle's gap over vanilla at the end: 7.33 dB (means); recovered full 50% (seed 0)."), md);
        assertTrue(md.contains("at the best validation steps: 10.00 dB (means); recovered full 20% (seed 0)."), md);
    }
}
