package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dna.api.Adaptation;
import dev.dna.api.ImageRestorer;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.image.Image;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Eight threads restoring at once with one restorer get what one thread gets. */
public class ConcurrentRestoreTest {

    /** Restores {@code images} one by one, then all at once from 8 threads, and compares. */
    public static void assertThreadSafe(ImageRestorer r, List<Image> images) throws Exception {
        List<Image> alone = new ArrayList<>();
        for (Image x : images) {
            alone.add(r.restore(x));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<Image>> together = new ArrayList<>();
                for (Image x : images) {
                    together.add(pool.submit(() -> r.restore(x)));
                }
                for (int i = 0; i < images.size(); i++) {
                    assertEquals(alone.get(i), together.get(i).get(), "image " + i + ", round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Eight different crops of the embedded photos, of several sizes. */
    public static List<Image> crops() {
        List<Image> out = new ArrayList<>();
        var photos = EmbeddedImages.load();
        for (int i = 0; i < 8; i++) {
            out.add(photos.get(i % photos.size()).crop(i * 7, i * 5, 40 + 4 * i, 48 - 2 * i));
        }
        return out;
    }

    @Test
    void trainedRestorerIsThreadSafe() throws Exception {
        TrainedRestorer r = TrainedRestorer.initial(Adaptation.of(Restorers.unet(4, 2)).patchSize(16).seed(3).build());
        assertThreadSafe(r, crops());
        assertThreadSafe(r.withTiling(32, 8), crops()); // tiles: several predict calls per image, sharing the graph
    }
}
