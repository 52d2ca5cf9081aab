package dev.dna.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dna.api.data.PolyU;
import dev.dna.api.image.Image;
import dev.dna.samediff.MirrorPython;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CalibrationDataTest {
    @TempDir
    Path dir;

    @Test
    void npyHoldsHwcBytesRoundedToTheNearestLevelAndReportsTheChange() throws IOException {
        // [C=3, H=1, W=2]: 8-bit levels, one value between levels, and values outside [0, 1]
        float[] chw = {0f, 1f, 10 / 255f, 10.4f / 255f, -0.5f, 1.5f};
        Image im = Image.of(3, 1, 2, chw);
        Path f = dir.resolve("x.npy");
        double change = CalibrationData.writeNpy(f, im);
        byte[] bytes = Files.readAllBytes(f);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLength) % 64, "numpy pads the header to a multiple of 64");
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'shape': (1, 2, 3)"), header);
        byte[] body = Arrays.copyOfRange(bytes, 10 + headerLength, bytes.length);
        // HWC order: pixel (0,0) = channels (0, 10, 0 clipped), pixel (0,1) = (255, 10 rounded from 10.4, 255 clipped)
        assertArrayEquals(new byte[] {0, 10, 0, (byte) 255, 10, (byte) 255}, body);
        assertEquals(0.5, change, 1e-6, "the largest change is the clipping of 1.5 to 1");
    }

    /**
     * PolyU for the mirror: the embedded photos for AWGN, the train scenes' real shots and means, the validation scenes'
     * central crops validated on, the test scenes scored at the end; the mirror trains on it (two steps, one CPU thread).
     */
    @Test
    void polyUIsExportedWithItsSplitAndTheMirrorTrainsOnItAndScoresTheTestScenesAtTheEnd() throws Exception {
        Path polyU = PolyU.find().orElse(null);
        assumeTrue(polyU != null, "no PolyU folder");
        int rc = new CommandLine(new DenoisingBenchmark()).execute("--init", "none", "--polyu", polyU.toString(), "--variants", "vanilla,full",
                "--export-calibration-data", dir.toString());
        assertEquals(0, rc);
        JsonNode meta = new ObjectMapper().readTree(dir.resolve("data.json").toFile());
        assertEquals(30, meta.get("train").asInt());
        assertEquals(1, meta.get("realizations").asInt());
        assertEquals(9, meta.get("test").asInt());
        assertEquals(11, meta.get("synthetic_clean").asInt());
        assertEquals(16, meta.get("heldout").asInt());
        assertEquals(0.0, meta.get("max_rounding").asDouble(), 1e-6, "photos and JPEG shots are 8-bit already (float error only)");
        assertTrue(Files.exists(dir.resolve("train_real_29_0.npy")) && Files.exists(dir.resolve("syn_clean_10.npy"))
                && Files.exists(dir.resolve("heldout_real_15.npy")) && Files.exists(dir.resolve("plan-full.json")));
        assertTrue(Files.size(dir.resolve("test_real_0.npy")) < 256 * 256 * 3 + 200, "validation: central 256x256 crops");
        assertTrue(Files.size(dir.resolve("heldout_real_0.npy")) > 512 * 512 * 3, "test scenes: whole 512x512 crops");

        Path script = Path.of("..", "tools", "torch_reference.py");
        String python = MirrorPython.require(script);
        Process p = new ProcessBuilder(python, script.toString(), "train", "--data", dir.toString(), "--plan",
                dir.resolve("plan-full.json").toString(), "--steps", "2", "--validate-every", "1", "--device", "cpu", "--threads", "1")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        String[] lines = out.strip().split("\n");
        JsonNode end = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals("end", end.get("event").asText(), out);
        // the test scenes' noisy input, as the Java benchmark prints it (35.84 dB), and the restorers' scores beside it
        assertEquals(35.84, end.get("heldout_input_psnr").asDouble(), 0.005, out);
        assertTrue(Double.isFinite(end.get("heldout_psnr").asDouble()) && Double.isFinite(end.get("heldout_psnr_raw").asDouble()), out);
        // validation is on the validation scenes, not the test scenes
        assertTrue(Math.abs(end.get("input_psnr").asDouble() - 35.84) > 0.1, out);
    }
}
