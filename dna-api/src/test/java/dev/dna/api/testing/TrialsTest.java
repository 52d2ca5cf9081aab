package dev.dna.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.image.Dihedral;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TrialsTest {

    @Test
    void runsTheCasesAskedForEachDifferentAndTheSameInEveryBuild() {
        List<Long> first = new ArrayList<>();
        Trials.check(200, c -> first.add(c.anyLong("x")));
        List<Long> again = new ArrayList<>();
        Trials.check(200, c -> again.add(c.anyLong("x")));
        assertEquals(200 * Trials.factor(), first.size());
        assertEquals(first, again, "the same cases in every build");
        assertTrue(new HashSet<>(first).size() > 150 * Trials.factor(), "cases differ: " + new HashSet<>(first).size() + " distinct");
    }

    @Test
    void drawsStayInTheirRangesAndReachBothEndsAndEveryConstant() {
        Set<Integer> ints = new HashSet<>();
        Set<Double> doubles = new HashSet<>();
        Set<Boolean> bools = new HashSet<>();
        Set<Dihedral> constants = EnumSet.noneOf(Dihedral.class);
        Trials.check(500, c -> {
            int i = c.intIn("i", -3, 1_000_000);
            assertTrue(i >= -3 && i <= 1_000_000, "i = " + i);
            ints.add(i);
            double d = c.doubleIn("d", 1e-7, 1e-3);
            assertTrue(d >= 1e-7 && d <= 1e-3, "d = " + d);
            doubles.add(d);
            bools.add(c.bool("b"));
            constants.add(c.oneOf("t", Dihedral.class));
            assertEquals(Integer.MAX_VALUE, c.intIn("max", Integer.MAX_VALUE, Integer.MAX_VALUE));
            int wide = c.intIn("wide", Integer.MIN_VALUE, Integer.MAX_VALUE); // a span that overflows an int
            assertTrue(wide >= Integer.MIN_VALUE);
        });
        assertTrue(ints.contains(-3) && ints.contains(1_000_000), "both ends drawn");
        assertTrue(ints.size() > 300, "and values between: " + ints.size());
        assertTrue(doubles.contains(1e-7) && doubles.contains(1e-3), "both ends drawn");
        assertEquals(2, bools.size());
        assertEquals(EnumSet.allOf(Dihedral.class), constants);
    }

    @Test
    void aFailingCaseIsNamedWithItsSeedAndValuesAndReplaysAlone() {
        int n = 1000 * Trials.factor();
        AssertionError e = assertThrows(AssertionError.class, () -> Trials.check(1000, c -> {
            int x = c.intIn("x", 0, 100);
            if (x > 90) {
                throw new IOException("too large: " + x);
            }
        }));
        Matcher m = Pattern.compile("case (\\d+) of " + n + " failed \\(-Ddna.trials.case=(-?\\d+) replays it alone\\): \\{x=(\\d+)\\}: "
                + "java.io.IOException: too large: (\\d+)").matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        assertTrue(Integer.parseInt(m.group(3)) > 90);
        assertEquals(m.group(3), m.group(4));
        assertTrue(e.getCause() instanceof IOException);

        String seed = m.group(2);
        List<Integer> replayed = new ArrayList<>();
        String before = System.getProperty("dna.trials.case");
        System.setProperty("dna.trials.case", seed);
        try {
            Trials.check(1000, c -> replayed.add(c.intIn("x", 0, 100)));
        } finally {
            restore("dna.trials.case", before);
        }
        assertEquals(List.of(Integer.parseInt(m.group(3))), replayed, "the one case, with the same value");
    }

    @Test
    void aLongerRunMultipliesTheCases() {
        List<Integer> seen = new ArrayList<>();
        String before = System.getProperty("dna.trials.factor");
        System.setProperty("dna.trials.factor", "3");
        try {
            Trials.check(10, c -> seen.add(c.intIn("x", 0, 9)));
        } finally {
            restore("dna.trials.factor", before);
        }
        assertEquals(30, seen.size());
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void anErrorOfTheCodeUnderTestIsNamedWithItsCaseToo() {
        AssertionError e = assertThrows(AssertionError.class, () -> Trials.check(5, c -> {
            if (c.intIn("depth", 0, 10) >= 0) {
                throw new StackOverflowError("a reader recursed");
            }
        }));
        assertTrue(e.getMessage().startsWith("case 1 of " + 5 * Trials.factor() + " failed") && e.getMessage().contains("{depth=")
                && e.getMessage().contains("java.lang.StackOverflowError: a reader recursed"), e.getMessage());
        assertTrue(e.getCause() instanceof StackOverflowError);
    }

    @Test
    void anEmptyRangeIsTheTestsMistakeAndSaysSo() {
        AssertionError e = assertThrows(AssertionError.class, () -> Trials.check(1, c -> c.intIn("x", 5, 4)));
        assertTrue(e.getMessage().contains("x: empty range [5, 4]"), e.getMessage());
    }
}
