package dev.dna.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.api.metrics.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePairsTest {
    /** The PolyU crops, from the module's folder (CI and developers have them; they are never committed). */
    static final Path POLYU = Path.of("..", "..", "shared", "data", "polyu-canon");

    @TempDir
    Path tmp;

    private static Image flat(int h, int w, float v) {
        return Image.filled(3, h, w, v);
    }

    private Path folder(String name, String... files) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        for (String f : files) {
            Images.writePng(flat(8, 8, f.length() / 100f), d.resolve(f));
        }
        return d;
    }

    @Test
    void foldersPairBySameFileNameAndScenesComeFromTheNamePrefix() throws IOException {
        Path noisy = folder("noisy", "room__1.png", "room__2.png", "street.png");
        Path clean = folder("clean", "room__1.png", "room__2.png", "street.png");
        ImagePairs p = ImagePairs.fromFolders(noisy, clean);
        assertEquals(3, p.size());
        assertEquals(List.of("room", "room", "street.png"), p.scenes());
        assertEquals(List.of("room", "street.png"), p.sceneList());
        ImagePairs.Split s = p.splitByScene(List.of("room"));
        assertEquals(List.of("street.png"), s.train().scenes());
        assertEquals(List.of("room__1.png", "room__2.png"), s.test().degraded().names());
        assertThrows(IllegalArgumentException.class, () -> p.splitByScene(List.of("garden")));
    }

    @Test
    void badFoldersAreRefusedWithTheProblemNamed() throws IOException {
        Path noisy = folder("n", "a.png", "b.png");
        Path clean = folder("c", "a.png", "z.png");
        IOException e = assertThrows(IOException.class, () -> ImagePairs.fromFolders(noisy, clean));
        assertTrue(e.getMessage().contains("[b.png]") && e.getMessage().contains("[z.png]"), e.getMessage());
        assertTrue(assertThrows(IOException.class, () -> ImagePairs.fromFolders(tmp.resolve("none"), clean)).getMessage()
                .contains("not a directory"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(assertThrows(IOException.class, () -> ImagePairs.fromFolders(empty, clean)).getMessage().contains("no .png"));
        Path bigger = Files.createDirectories(tmp.resolve("big"));
        Images.writePng(flat(8, 16, 0.5f), bigger.resolve("a.png"));
        Images.writePng(flat(8, 8, 0.5f), bigger.resolve("z.png"));
        Path c2 = folder("c2", "a.png", "z.png");
        IOException sizes = assertThrows(IOException.class, () -> ImagePairs.fromFolders(bigger, c2));
        assertTrue(sizes.getMessage().contains("a.png") && sizes.getMessage().contains("different sizes"), sizes.getMessage());
        Path broken = folder("broken", "a.png");
        Files.write(broken.resolve("z.png"), new byte[] {1, 2, 3});
        IOException unreadable = assertThrows(IOException.class, () -> ImagePairs.fromFolders(broken, c2));
        assertTrue(unreadable.getMessage().contains("z.png"), unreadable.getMessage());
    }

    @Test
    void polyUNamesPairRealWithMeanAndSceneIsCameraAndSceneName() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("polyu"));
        for (String n : List.of("CanonX_5_160_3200_chair_11", "CanonX_5_160_6400_chair_2", "CanonY_4_100_800_ball_1")) {
            Images.writePng(flat(8, 8, 0.4f), d.resolve(n + "_real.png"));
            Images.writePng(flat(8, 8, 0.5f), d.resolve(n + "_mean.png"));
        }
        ImagePairs p = ImagePairs.polyU(d);
        assertEquals(List.of("CanonX_chair", "CanonX_chair", "CanonY_ball"), p.scenes(), "two ISOs of one scene are one scene");
        Images.writePng(flat(8, 8, 0.4f), d.resolve("CanonY_4_100_800_ball_2_real.png"));
        IOException e = assertThrows(IOException.class, () -> ImagePairs.polyU(d));
        assertTrue(e.getMessage().contains("CanonY_4_100_800_ball_2"), e.getMessage());
    }

    @Test
    void theSharedPolyUFolderHas55PairsOf15ScenesAndSplitsWithoutSharedScenes() throws IOException {
        assumeTrue(Files.isDirectory(POLYU), "no " + POLYU);
        ImagePairs p = ImagePairs.polyU(POLYU);
        assertEquals(55, p.size());
        assertEquals(15, p.sceneList().size());
        assertEquals(512, p.degraded().get(0).height());
        double psnr5d = 0;
        int n = 0;
        for (int i = 0; i < p.size(); i++) {
            if (p.scenes().get(i).startsWith("Canon5D2_")) {
                psnr5d += Metrics.psnr(p.clean().get(i), p.degraded().get(i));
                n++;
            }
        }
        assertEquals(29, n);
        assertEquals(35.52, psnr5d / n, 0.05, "the README's input PSNR of the 5D Mark II crops");
        ImagePairs.Split s = p.splitByScene(List.of("Canon5D2_toy", "Canon80D_ball", "Canon600D_book"));
        assertEquals(55, s.train().size() + s.test().size());
        assertTrue(Collections.disjoint(Set.copyOf(s.train().scenes()), Set.copyOf(s.test().scenes())));
        assertEquals(12, s.test().size());
    }

    @Test
    void degradedPairsAreSeededPerImageClippedAndKeepTheCleanImagesAndNames() {
        ImageSet clean = ImageSet.of(List.of("a", "b"), List.of(flat(16, 16, 0.02f), flat(16, 16, 0.5f)));
        dev.dna.api.degrade.Degradation noise = dev.dna.api.degrade.Awgn.sigma255(50, 50);
        ImagePairs p = ImagePairs.degrade(clean, noise, 7);
        org.junit.jupiter.api.Assertions.assertSame(clean, p.clean());
        assertEquals(List.of("a", "b"), p.degraded().names());
        assertEquals(List.of("a", "b"), p.scenes());
        for (int i = 0; i < 2; i++) {
            float[] expected = noise.apply(clean.get(i), 7 + i).clip().toArray();
            assertTrue(java.util.Arrays.equals(expected, p.degraded().get(i).toArray()), "image " + i + " is seed 7 + " + i);
        }
        float min = Float.MAX_VALUE;
        for (float v : p.degraded().get(0).toArray()) {
            min = Math.min(min, v);
        }
        assertEquals(0f, min, "sigma 50 around 0.02 goes below 0: clipped");
    }

    @Test
    void centerCropsAndMeanMetricsOverSets() {
        Image a = Image.filled(3, 10, 12, 0.5f);
        ImageSet set = ImageSet.of(List.of("a"), List.of(a));
        Image c = set.centerCrops(4).get(0);
        assertEquals("[3, 4, 4]", c.shapeString());
        assertEquals("[3, 10, 10]", set.centerCrops(64).get(0).shapeString(), "the largest square that fits");
        ImageSet twoRef = ImageSet.of(List.of("x", "y"), List.of(flat(16, 16, 0.5f), flat(16, 16, 0.5f)));
        ImageSet twoTest = ImageSet.of(List.of("x", "y"), List.of(flat(16, 16, 0.6f), flat(16, 16, 0.51f)));
        // the mean of each pair's PSNR (20 dB and 40 dB), not the PSNR of the pooled error (22.96 dB)
        assertEquals(30.0, Metrics.meanPsnr(twoRef, twoTest), 1e-3);
        assertEquals(1.0, Metrics.meanSsim(twoRef, twoRef), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Metrics.meanPsnr(twoRef, set));
    }
}
