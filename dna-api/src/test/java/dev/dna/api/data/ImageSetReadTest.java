package dev.dna.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a folder: central crops as the images are read, and the refusal of a folder the heap cannot hold. */
class ImageSetReadTest {
    @TempDir
    Path tmp;

    /** A 3 x h x w image whose pixel (y, x) is (y / 255, x / 255, 0.5), so a crop's position shows in its values. */
    static Image ramp(int h, int w) {
        float[] d = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                d[y * w + x] = y / 255f;
                d[h * w + y * w + x] = x / 255f;
                d[2 * h * w + y * w + x] = 0.5f;
            }
        }
        return Image.of(3, h, w, d);
    }

    @Test
    void eachImageIsCutToItsCentralCropAsItIsRead() throws IOException {
        Images.writePng(ramp(60, 100), tmp.resolve("a.png"));
        Images.writePng(ramp(30, 40), tmp.resolve("b.png"));
        ImageSet whole = ImageSet.fromDirectory(tmp);
        ImageSet cropped = ImageSet.fromDirectory(tmp, ImageSet.ReadOptions.defaults().croppedTo(32)).images();
        assertEquals(32, cropped.get(0).height());
        assertEquals(32, cropped.get(0).width());
        // the central region: rows 14..45, columns 34..65 of the 60 x 100 image
        assertArrayEquals(whole.get(0).crop(14, 34, 32, 32).toArray(), cropped.get(0).toArray());
        // a side shorter than the crop is kept whole: 30 x 40 becomes 30 x 32
        assertEquals(30, cropped.get(1).height());
        assertEquals(32, cropped.get(1).width());
        assertArrayEquals(whole.get(1).crop(0, 4, 30, 32).toArray(), cropped.get(1).toArray());
        assertThrows(IllegalArgumentException.class, () -> ImageSet.ReadOptions.defaults().croppedTo(0));
    }

    @Test
    void aFolderTheHeapCannotHoldIsRefusedBeforeDecoding() throws IOException {
        Images.writePng(ramp(200, 300), tmp.resolve("a.png"));
        Images.writePng(ramp(200, 300), tmp.resolve("b.png"));
        // 2 x 60,000 pixels kept (12 bytes each) and one being decoded (20 bytes): 2.64 MB; 3/4 of 3 MB is 2.25 MB
        IOException e = assertThrows(IOException.class,
                () -> ImageSet.read(tmp, ImageSet.ReadOptions.defaults(), 3_000_000L));
        assertTrue(e.getMessage().startsWith("the 2 images in " + tmp + " hold 0 megapixels: 0.0 GB as floats, more than this "
                + "JVM can hold"), e.getMessage());
        assertTrue(e.getMessage().contains("dna adapt --crop SIDE") && e.getMessage().contains("DNA_JAVA_OPTS"), e.getMessage());
        // cropped to 64 x 64 they fit: 2 x 4,096 pixels kept, 1.7 MB with the one being decoded
        assertEquals(2, ImageSet.read(tmp, ImageSet.ReadOptions.defaults().croppedTo(64), 3_000_000L).images().size());
        assertEquals(2, ImageSet.read(tmp, ImageSet.ReadOptions.defaults(), 4_000_000L).images().size());
    }
}
