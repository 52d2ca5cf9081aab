package dev.dna.api.degrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DegradationsTest {
    @Test
    void parsesTermsAndChains() {
        assertEquals(Awgn.sigma255(0, 50), Degradations.parse("awgn:0-50"));
        assertEquals(Awgn.sigma255(15, 15), Degradations.parse(" AWGN:15 "));
        assertEquals(CameraNoise.typical(), Degradations.parse("camera"));
        assertEquals(Blur.motion(3, 11).then(Awgn.sigma255(2, 6)).then(new Jpeg(75, 95)),
                Degradations.parse("motion:3-11+awgn:2-6+jpeg:75-95"));
        assertEquals(Blur.defocus(1.5, 3.5), Degradations.parse("defocus:1.5-3.5"));
        assertEquals(Blur.gaussian(1, 2), Degradations.parse("gaussian-blur:1-2"));
    }

    @Test
    void badSpecsAreNamed() {
        for (String bad : new String[] {"", "gauss:0-50", "awgn", "awgn:50-10", "awgn:ten", "camera:3", "jpeg:70.5-90", "awgn:0-50+"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Degradations.parse(bad), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), bad);
        }
        String m = assertThrows(IllegalArgumentException.class, () -> Degradations.parse("awgn:0-50+gauss:1")).getMessage();
        assertTrue(m.contains("unknown degradation term 'gauss:1'") && m.contains(Degradations.SYNTAX), m);
    }
}
