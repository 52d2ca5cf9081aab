package dev.dna.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PolyU benchmark's folder search and its split by scene. */
class PolyUTest {
    @TempDir
    Path tmp;

    @Test
    void theFolderIsTheNearestSharedPolyUFolderAboveTheStart() throws IOException {
        Path start = Files.createDirectories(tmp.resolve("work/clone/examples"));
        assertEquals(Optional.empty(), PolyU.findFrom(start).filter(p -> p.startsWith(tmp)));
        Path shared = Files.createDirectories(tmp.resolve("work").resolve(PolyU.RELATIVE));
        assertEquals(Optional.of(shared.toAbsolutePath()), PolyU.findFrom(start));
        Path nearer = Files.createDirectories(tmp.resolve("work/clone").resolve(PolyU.RELATIVE));
        assertEquals(Optional.of(nearer.toAbsolutePath()), PolyU.findFrom(start));
        // a file of that name is not the folder
        Files.writeString(Files.createDirectories(tmp.resolve("x/shared/data")).resolve("polyu-canon"), "not a folder");
        assertEquals(Optional.empty(), PolyU.findFrom(tmp.resolve("x")).filter(p -> p.startsWith(tmp)));
    }

    @Test
    void theSplitHasNoSceneInTwoPartsAndNamesAMissingScene() throws IOException {
        // a folder of 1-crop scenes with the convention's names: every split scene, and two more for training
        Path d = Files.createDirectories(tmp.resolve("polyu"));
        List<String> scenes = new java.util.ArrayList<>(PolyU.TEST_SCENES);
        scenes.addAll(PolyU.VALIDATION_SCENES);
        scenes.addAll(List.of("Canon5D2_bag", "Canon80D_flower"));
        int k = 0;
        for (String s : scenes) {
            String[] cs = s.split("_");
            for (String kind : List.of("real", "mean")) {
                Images.writePng(Image.filled(3, 8, 8, (k % 7) / 10f), d.resolve(cs[0] + "_5.6_1-60_3200_" + cs[1] + "_1_" + kind + ".png"));
            }
            k++;
        }
        SceneSplit split = PolyU.split(d);
        assertEquals(Set.copyOf(PolyU.TEST_SCENES), Set.copyOf(split.test().sceneList()));
        assertEquals(Set.copyOf(PolyU.VALIDATION_SCENES), Set.copyOf(split.validation().sceneList()));
        assertEquals(Set.of("Canon5D2_bag", "Canon80D_flower"), Set.copyOf(split.train().sceneList()));
        assertTrue(split.describe().startsWith("2 train crops of ["), split.describe());
        // without one of the split's scenes: the scene is named
        Files.delete(d.resolve("Canon80D_5.6_1-60_3200_ball_1_real.png"));
        Files.delete(d.resolve("Canon80D_5.6_1-60_3200_ball_1_mean.png"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolyU.split(d));
        assertTrue(e.getMessage().contains("Canon80D_ball"), e.getMessage());
    }

    @Test
    void theSharedFolderSplits30Train9Validation16TestCrops() throws IOException {
        Optional<Path> dir = PolyU.findFrom(Path.of(""));
        assumeTrue(dir.isPresent(), "no shared/data/polyu-canon above " + Path.of("").toAbsolutePath());
        SceneSplit s = PolyU.split(dir.get());
        assertEquals(30, s.train().size());
        assertEquals(9, s.validation().size());
        assertEquals(16, s.test().size());
        Set<String> seen = new HashSet<>(s.train().sceneList());
        assertTrue(Collections.disjoint(seen, s.validation().sceneList()));
        seen.addAll(s.validation().sceneList());
        assertTrue(Collections.disjoint(seen, s.test().sceneList()));
    }
}
