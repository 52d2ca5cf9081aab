package dev.dna.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dna.api.AdaptationPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The pretraining command records its own history: every invocation, and a run lengthened on resume. */
class PretrainDenoiserTest {
    private static final String[] TINY = {"--width", "8", "--depth", "1", "--patch", "16", "--batch", "2", "--warmup", "1",
        "--validate-every", "2", "--checkpoint-every", "2", "--max-side", "64", "--no-progress"};

    @TempDir
    Path tmp;

    @Test
    void aRunLengthenedOnResumeRecordsEveryInvocationInItsProvenance() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, run(out, "--steps", "4", "--stop-after", "2"));
        assertEquals(4, plan(out).steps());
        assertTrue(Files.notExists(out.resolve("provenance.json")), "an interrupted run has no provenance yet");

        // a length the run has already passed is refused, and the plan stays as it was
        byte[] planBefore = Files.readAllBytes(out.resolve("plan.json"));
        assertNotEquals(0, run(out, "--resume", "--steps", "2"));
        assertArrayEquals(planBefore, Files.readAllBytes(out.resolve("plan.json")));

        assertEquals(0, run(out, "--resume", "--steps", "6"));
        assertEquals(6, plan(out).steps());
        JsonNode provenance = new ObjectMapper().readTree(out.resolve("provenance.json").toFile());
        JsonNode history = provenance.path("history");
        assertEquals(2, history.size(), history.toString());
        assertEquals(0, history.get(0).path("resumed_from_step").asLong());
        assertEquals(4, history.get(0).path("plan_steps").asInt());
        assertEquals(2, history.get(1).path("resumed_from_step").asLong());
        assertEquals(6, history.get(1).path("plan_steps").asInt());
        assertTrue(history.get(1).path("args").toString().contains("--resume"), history.toString());
        assertEquals(6, provenance.path("steps").asInt());
        // trained on the embedded photographs without the main example's test and validation ones
        String photos = provenance.path("photos").toString();
        assertTrue(photos.contains("embedded:astronaut.png") && !photos.contains("chelsea") && !photos.contains("coffee"), photos);
    }

    private static AdaptationPlan plan(Path out) throws IOException {
        return AdaptationPlan.fromJson(Files.readString(out.resolve("plan.json")));
    }

    private static int run(Path out, String... more) {
        String[] args = new String[TINY.length + 2 + more.length];
        System.arraycopy(TINY, 0, args, 0, TINY.length);
        args[TINY.length] = "--out";
        args[TINY.length + 1] = out.toString();
        System.arraycopy(more, 0, args, TINY.length + 2, more.length);
        return new CommandLine(new PretrainDenoiser()).execute(args);
    }
}
