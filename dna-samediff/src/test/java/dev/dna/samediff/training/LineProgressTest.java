package dev.dna.samediff.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Progress outside a terminal: whole lines, at validations and at the end (and at most every 30 s otherwise). */
class LineProgressTest {
    @Test
    void printsWholeLinesAtValidationsAndAtTheLastStepOnly() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress.LineProgress p = new ConsoleProgress.LineProgress("full", 0, 10,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        for (long s = 1; s <= 10; s++) {
            p.step(s, "l_res 0.0123" + (s == 5 ? " val 30.00 dB (raw 29.90)" : ""), s == 5);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("full 5/10 (50%), ") && lines.get(0).contains(" it/s, ETA 0:00:0")
                && lines.get(0).endsWith("l_res 0.0123 val 30.00 dB (raw 29.90)"), lines.get(0));
        assertTrue(lines.get(1).startsWith("full 10/10 (100%), ") && lines.get(1).contains("ETA 0:00:00"), lines.get(1));
        assertTrue(lines.get(0).length() > 80, "not cut to 80 columns: " + lines.get(0));
    }
}
