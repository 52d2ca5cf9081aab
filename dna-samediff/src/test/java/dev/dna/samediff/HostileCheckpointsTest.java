package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Diffusion;
import dev.dna.api.Restorers;
import dev.dna.api.testing.Trials;
import dev.dna.samediff.training.RunState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint's {@code meta.json} rewritten with hostile values in the fields that are not arrays (the step, the best
 * validation, the random streams' states, the spike guard's windows, the parameter list): resuming either accepts a
 * state a run can continue from, or fails with an {@link IOException} naming the file, and leaves the run's state as
 * it was.
 */
class HostileCheckpointsTest {
    @TempDir
    Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void hostileMetaFieldsResumeOrFailCleanly() throws IOException {
        AdaptationPlan plan = Adaptation.of(Restorers.unet(2, 1))
                .withDiffusion(Diffusion.unet(4).multipliers(1).resBlocks(1).groups(2)).channelShuffle().residualSwap()
                .patchSize(16).steps(20).build();
        Path good = tmp.resolve("good.dna");
        new RunState(plan).save(good);
        Map<String, byte[]> entries = HostileFilesTest.entries(good);
        RunState target = new RunState(plan);
        long step0 = target.step;
        Path bad = tmp.resolve("bad.dna");
        target.load(good, false);
        Map<String, String> streams0 = streamStates(target);
        Trials.check(100, c -> {
            ObjectNode meta = (ObjectNode) JSON.readTree(entries.get("meta.json"));
            switch (c.intIn("field", 0, 6)) {
                case 0 -> meta.put("step", c.anyLong("step"));
                case 1 -> {
                    ObjectNode streams = (ObjectNode) meta.path("streams");
                    String name = streams.fieldNames().next();
                    byte[] state = new byte[c.intIn("state bytes", 0, 64)];
                    new java.util.Random(c.anyLong("state seed")).nextBytes(state);
                    streams.put(name, c.bool("not base64") ? "%%" : Base64.getEncoder().encodeToString(state));
                }
                case 2 -> {
                    meta.put("best_step", c.anyLong("best step"));
                    meta.put("best_psnr", c.doubleIn("best psnr", -1e308, 1e308));
                }
                case 3 -> {
                    ObjectNode g = (ObjectNode) meta.path("spike_guard");
                    ArrayNode w = g.putArray(c.bool("the loss window") ? "l_res" : "grad_restorer");
                    for (int k = c.intIn("window length", 0, 400); k > 0; k--) {
                        w.add(c.bool("a NaN") ? Double.NaN : c.doubleIn("value", -10, 10));
                    }
                    g.put("events", c.intIn("events", Integer.MIN_VALUE, Integer.MAX_VALUE));
                    g.put("clips", c.intIn("clips", Integer.MIN_VALUE, Integer.MAX_VALUE));
                }
                case 4 -> ((ArrayNode) meta.path("parameters")).remove(c.intIn("dropped", 0, meta.path("parameters").size() - 1));
                case 5 -> meta.put("format", "dna-checkpoint/" + c.intIn("format", 0, 3));
                default -> { // another run's streams, valid, with a step out of range: nothing of it may be taken
                    ObjectNode streams = meta.putObject("streams");
                    new dev.dna.samediff.training.TrainingStreams(c.anyLong("other seed")).save()
                            .forEach((k, v) -> streams.put(k, Base64.getEncoder().encodeToString(v)));
                    meta.put("step", plan.steps() + c.intIn("steps too many", 1, 1000));
                }
            }
            Map<String, byte[]> rewritten = new LinkedHashMap<>(entries);
            rewritten.put("meta.json", JSON.writeValueAsBytes(meta));
            HostileFilesTest.writeZip(bad, rewritten);
            try {
                target.load(bad, false);
                assertTrue(target.step >= 0 && target.step <= plan.steps(), "resumed at step " + target.step);
                assertTrue(target.bestStep >= 0 && target.bestStep <= target.step, "best step " + target.bestStep);
            } catch (IOException expected) {
                if (expected.getMessage() == null || !expected.getMessage().contains(bad.toString())) {
                    throw new AssertionError("the error does not name the file: " + expected, expected);
                }
                assertTrue(expected.getMessage().lines().count() == 1, expected.getMessage());
                assertEquals(step0, target.step, "a refused checkpoint changed the run's step");
                assertEquals(streams0, streamStates(target), "a refused checkpoint changed the run's random streams");
            }
            target.load(good, false); // the run's state as it was, for the next case
        });
    }

    private static Map<String, String> streamStates(RunState r) {
        Map<String, String> out = new LinkedHashMap<>();
        r.streams.save().forEach((k, v) -> out.put(k, Base64.getEncoder().encodeToString(v)));
        return out;
    }
}
