package dev.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.image.Image;
import dev.dna.api.image.TiledInference;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TileProgressBarTest {

    @Test
    void anImageInTilesDrawsItsTilesAndOneInOnePassNothing() {
        ByteArrayOutputStream drawn = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(drawn, true, StandardCharsets.UTF_8);
        TiledInference identity = new TiledInference(b -> b, 1, 32, 4);
        try (TileProgressBar bar = new TileProgressBar("small.jpg", stream)) {
            identity.apply(Image.filled(3, 32, 32, 0.5f), bar);
        }
        assertEquals("", drawn.toString(StandardCharsets.UTF_8), "an image restored whole draws no bar");
        try (TileProgressBar bar = new TileProgressBar("large.jpg", stream)) {
            identity.apply(Image.filled(3, 64, 100, 0.5f), bar); // 3 x 4 tiles of 32 with steps of 24
        }
        String text = drawn.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("large.jpg") && text.contains("12/12"), text);
    }

    @Test
    void aBarLeftOpenByAFailedImageIsClosed() {
        ByteArrayOutputStream drawn = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(drawn, true, StandardCharsets.UTF_8);
        TiledInference failing = new TiledInference(b -> {
            throw new IllegalStateException("no memory");
        }, 1, 32, 4);
        TileProgressBar bar = new TileProgressBar("failed.jpg", stream);
        try (bar) {
            failing.apply(Image.filled(3, 64, 64, 0.5f), bar);
        } catch (IllegalStateException expected) {
            // the bar was started (0 of 9 tiles) and must not keep its thread or its line
        }
        assertTrue(drawn.toString(StandardCharsets.UTF_8).contains("failed.jpg"), drawn.toString(StandardCharsets.UTF_8));
        bar.close(); // closing twice is harmless
    }
}
