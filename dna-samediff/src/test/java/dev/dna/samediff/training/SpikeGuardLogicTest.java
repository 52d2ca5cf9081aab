package dev.dna.samediff.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.spec.SpikeGuardSpec;
import dev.dna.samediff.SpikeEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard's decisions on series of values, without training: what is clipped, skipped or rolled back, and counted. */
class SpikeGuardLogicTest {

    /** Feeds steps from..to with the given loss and gradient norm, applying every step the guard lets through. */
    static List<SpikeEvent> feed(SpikeGuard<String> g, int from, int to, double loss, double grad) {
        List<SpikeEvent> out = new ArrayList<>();
        for (int s = from; s <= to; s++) {
            SpikeEvent e = g.judge(s, loss, grad);
            if (e != null) {
                out.add(e);
            }
            if (e == null || e.action() == SpikeEvent.Action.CLIP) {
                int step = s;
                g.accepted(s, loss, grad, () -> "state after " + step);
            }
        }
        return out;
    }

    @Test
    void aLastingRiseOfTheGradientIsClippedUntilTheMedianFollowsAndNeverStopsTheRun() {
        SpikeGuard<String> g = new SpikeGuard<>(SpikeGuardSpec.rollback().withWindow(20).withMaxEvents(3));
        assertTrue(feed(g, 1, 40, 0.03, 0.3).isEmpty());
        // from step 41 the gradient is 20 times higher for good (the SIDD run of issue 44 at step 6,761), the loss not
        List<SpikeEvent> events = feed(g, 41, 100, 0.03, 6.0);
        assertFalse(events.isEmpty());
        for (SpikeEvent e : events) {
            assertEquals(SpikeEvent.Action.CLIP, e.action(), e.describe());
            assertEquals("grad_restorer", e.signal());
            assertEquals(10 * 0.3, e.clippedTo(), 1e-9, "clipped to factor x median: " + e.describe());
            assertTrue(e.describe().contains("gradient clipped to 3.000 and applied"), e.describe());
        }
        // the median follows within half a window: 10 clipped steps, then the new level is the norm
        assertEquals(10, events.size(), events.toString());
        assertEquals(41, events.get(0).step());
        assertEquals(50, events.get(events.size() - 1).step());
        assertFalse(g.exhausted(), "clips do not count towards maxEvents");
        assertEquals(0, g.events());
        assertEquals(10, g.clips());
    }

    @Test
    void aLossSpikeStillCountsAndRollsBackToAGoodState() {
        SpikeGuard<String> g = new SpikeGuard<>(SpikeGuardSpec.rollback().withWindow(20).withSnapshotEvery(10).withMaxEvents(1));
        feed(g, 1, 40, 0.03, 0.3);
        SpikeEvent e = g.judge(41, 3.0, 0.3);
        assertEquals(SpikeEvent.Action.ROLLBACK, e.action());
        assertEquals("state after " + e.restoredStep(), g.goodState());
        assertEquals(1, g.events());
        assertFalse(g.exhausted());
        assertEquals(SpikeEvent.Action.ROLLBACK, g.judge(42, 3.0, 50.0).action(), "a loss spike wins over a gradient one");
        assertTrue(g.exhausted());
        SpikeGuard<String> skip = new SpikeGuard<>(SpikeGuardSpec.skip().withWindow(20));
        feed(skip, 1, 40, 0.03, 0.3);
        assertEquals(SpikeEvent.Action.SKIP, skip.judge(41, 3.0, 0.3).action());
        assertEquals(SpikeEvent.Action.CLIP, skip.judge(42, 0.03, 30.0).action());
    }

    @Test
    void aClipDropsTheUntrustedCandidateAndTheCountsSurviveAResume() {
        SpikeGuard<String> g = new SpikeGuard<>(SpikeGuardSpec.rollback().withWindow(20).withSnapshotEvery(10));
        feed(g, 1, 35, 0.03, 0.3); // good: step 20's snapshot (30's is a candidate until step 40)
        assertEquals("state after 20", g.goodState());
        feed(g, 36, 36, 0.03, 30.0); // a clipped gradient spike: step 30's candidate is not trusted any more
        feed(g, 37, 45, 0.03, 0.3);
        assertEquals("state after 20", g.goodState(), "the candidate of step 30 was dropped; 40's is not good yet");
        SpikeGuard<String> resumed = new SpikeGuard<>(SpikeGuardSpec.rollback().withWindow(20).withSnapshotEvery(10));
        resumed.restore(g.windows(), g.events(), g.clips());
        assertEquals(1, resumed.clips());
        assertNull(resumed.judge(46, 0.03, 0.3));
    }

    @Test
    void offJudgesNothing() {
        SpikeGuard<String> g = new SpikeGuard<>(SpikeGuardSpec.off());
        assertTrue(feed(g, 1, 300, 0.03, 0.3).isEmpty());
        assertNull(g.judge(301, 1e6, 1e6));
    }
}
