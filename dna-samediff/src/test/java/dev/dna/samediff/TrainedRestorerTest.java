package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.image.Image;
import dev.dna.api.spec.ValueRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

public class TrainedRestorerTest {
    @TempDir
    Path tmp;

    /** A restorer with its seeded initial (random, non-trivial) weights, rebuilt through the weights path. */
    static TrainedRestorer initialized(AdaptationPlan p) {
        return TrainedRestorer.of(p, TrainedRestorer.initial(p).weights());
    }

    @Test
    void restoresAnySizeByPaddingAndCropping() {
        AdaptationPlan p = Adaptation.of(Restorers.unet(4, 2)).patchSize(16).build();
        TrainedRestorer r = initialized(p);
        Image x = EmbeddedImages.get("chelsea.png").crop(3, 5, 37, 29);
        Image y = r.restore(x);
        assertEquals(37, y.height());
        assertEquals(29, y.width());
        // residual form: an untrained UNet changes the image, but not beyond recognition
        double diff = 0;
        for (int c = 0; c < 3; c++) {
            diff += Math.abs(y.get(c, 10, 10) - x.get(c, 10, 10));
        }
        assertTrue(diff > 0, "the restorer must act");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.restore(Image.filled(1, 16, 16, 0f)));
        assertTrue(e.getMessage().contains("3 channels"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> r.predict(dev.dna.api.image.ImageBatch.stack(Image.filled(3, 15, 16, 0f))));
    }

    @Test
    void tilingMatchesWholeImageInferenceForALocalNetwork() {
        // DnCNN with 4 layers sees 4 pixels around; an overlap of 8 hides every tile border
        AdaptationPlan p = Adaptation.of(Restorers.dncnn(4, 8)).patchSize(16).build();
        TrainedRestorer whole = initialized(p).withTiling(512, 8);
        TrainedRestorer tiled = whole.withTiling(40, 8);
        Image x = EmbeddedImages.get("coffee.png").crop(0, 0, 90, 101);
        assertArrayEquals(whole.restore(x).toArray(), tiled.restore(x).toArray(), 1e-5f);
    }

    @Test
    void saveAndLoadGiveTheSameOutputs() throws IOException {
        AdaptationPlan p = Adaptation.of(Restorers.unet(4, 1)).patchSize(16).valueRange(ValueRange.MINUS_ONE_ONE).seed(4).build();
        TrainedRestorer r = initialized(p);
        Path f = tmp.resolve("restorer.dna");
        r.save(f);
        TrainedRestorer back = TrainedRestorer.load(f);
        Image x = EmbeddedImages.get("rocket.png").crop(0, 0, 24, 30);
        assertArrayEquals(r.restore(x).toArray(), back.restore(x).toArray(), 0f);
        assertEquals(ValueRange.MINUS_ONE_ONE, back.valueRange());
        assertEquals(p, AdaptationPlan.fromJson(back.planJson()));
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 40));
        IOException e = assertThrows(IOException.class, () -> TrainedRestorer.load(f));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        for (INDArray w : r.weights().values()) {
            assertTrue(w.length() > 0);
        }
    }
}
