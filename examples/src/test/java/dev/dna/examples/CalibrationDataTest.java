package dev.dna.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.image.Image;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
