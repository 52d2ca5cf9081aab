package dev.dna.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurvesTest {

    @Test
    void theMeanCurveAveragesTheStepsEverySeedLogged() {
        List<double[]> seed0 = List.of(new double[] {500, 21.0}, new double[] {1000, 22.0}, new double[] {1500, 23.0});
        List<double[]> seed1 = List.of(new double[] {1000, 21.0}, new double[] {500, 20.0}); // unfinished, out of order
        List<double[]> mean = Curves.meanCurve(List.of(seed0, seed1));
        assertEquals(2, mean.size());
        assertArrayEquals(new double[] {500, 20.5}, mean.get(0), 1e-12);
        assertArrayEquals(new double[] {1000, 21.5}, mean.get(1), 1e-12);
        assertEquals(0, Curves.meanCurve(List.of(seed0, List.of())).size());
    }

    @Test
    void aVariantWithFewerSeedsSaysHowMany() {
        Curves c = new Curves();
        c.valBySeed.put("vanilla", List.of(List.of(new double[] {1, 20}), List.of(new double[] {1, 22})));
        c.valBySeed.put("full", List.of(List.of(new double[] {1, 23})));
        Map<String, List<double[]>> mean = c.meanVal(2);
        assertEquals(List.of("vanilla", "full (1 of 2 seeds)"), List.copyOf(mean.keySet()));
        assertEquals(21.0, mean.get("vanilla").get(0)[1], 1e-12);
    }

    @Test
    void rawAndEmaCurvesArePlottedSideBySideAndOldLogsWithoutRawAreLeftOut() {
        Curves c = new Curves();
        c.valBySeed.put("full", List.of(List.of(new double[] {500, 24}), List.of(new double[] {500, 26})));
        c.rawBySeed.put("full", List.of(List.of(new double[] {500, 22}), List.of(new double[] {500, 23})));
        c.valBySeed.put("vanilla", List.of(List.of(new double[] {500, 20}), List.of(new double[] {500, 21})));
        c.rawBySeed.put("vanilla", List.of(List.of(), List.of()));
        List<Charts.Line> m = c.meanRawAndEma(2);
        assertEquals(List.of("full EMA", "full raw", "vanilla EMA"), m.stream().map(Charts.Line::name).toList());
        assertEquals(25.0, m.get(0).points().get(0)[1], 1e-12);
        assertEquals(22.5, m.get(1).points().get(0)[1], 1e-12);
        assertEquals(List.of(0, 0, 1), m.stream().map(Charts.Line::colour).toList(), "a variant's raw curve takes its EMA's colour");
        assertEquals(List.of(false, true, false), m.stream().map(Charts.Line::dashed).toList(), "raw curves are dashed");
    }

    @Test
    void aLogChartLeavesOutTheInactiveHingesZerosInsteadOfFailing(@TempDir Path dir) throws Exception {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        series.put("l_res", List.of(new double[] {1, 0.5}, new double[] {2, 0.25}));
        series.put("hinge", List.of(new double[] {1, 0.06}, new double[] {2, 0.0})); // inactive at step 2
        series.put("never active", List.of(new double[] {1, 0.0}));
        Path png = dir.resolve("losses.png");
        Charts.lines(png, "losses", "step", "loss", series, true); // XChart refuses y <= 0 on a log axis
        assertTrue(Files.size(png) > 0);
    }
}
