package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Restorers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelZooTest {
    @TempDir
    Path tmp;

    /** A zoo of one small restorer, "tiny", with its index; returns the restorer saved. */
    TrainedRestorer zoo(Path dir) throws IOException {
        AdaptationPlan p = Adaptation.of(Restorers.unet(4, 2)).patchSize(16).seed(5).build();
        TrainedRestorer r = TrainedRestorer.initial(p);
        Files.createDirectories(dir);
        r.save(dir.resolve("tiny.dna"));
        byte[] b = Files.readAllBytes(dir.resolve("tiny.dna"));
        Files.writeString(dir.resolve("tiny.provenance.json"), "{\"seed\": 5}");
        Files.writeString(dir.resolve("index.json"), "{\"format\": \"dna-models/1\", \"models\": [{\"name\": \"tiny\", \"file\": "
                + "\"tiny.dna\", \"sha256\": \"" + ModelZoo.sha256(b) + "\", \"bytes\": " + b.length + ", \"description\": "
                + "\"a test\", \"provenance\": \"tiny.provenance.json\"}]}");
        return r;
    }

    @Test
    void loadsByNameTheWeightsThatWereSaved() throws IOException {
        TrainedRestorer saved = zoo(tmp);
        ModelZoo z = ModelZoo.of(tmp);
        assertEquals(java.util.List.of("tiny"), z.names());
        assertEquals("a test", z.entry("tiny").description());
        assertEquals("{\"seed\": 5}", z.provenance("tiny"));
        TrainedRestorer loaded = z.load("tiny");
        assertEquals(saved.spec(), loaded.spec());
        for (String k : saved.weights().keySet()) {
            assertEquals(saved.weights().get(k), loaded.weights().get(k), k);
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() throws IOException {
        zoo(tmp);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.of(tmp).load("tinny"));
        assertEquals("no pretrained model 'tinny'; known: tiny", e.getMessage());
    }

    @Test
    void aTruncatedOrAlteredModelIsRefusedByName() throws IOException {
        zoo(tmp);
        Path f = tmp.resolve("tiny.dna");
        byte[] good = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(good, good.length / 2));
        IOException e = assertThrows(IOException.class, () -> ModelZoo.of(tmp).load("tiny"));
        assertTrue(e.getMessage().startsWith("pretrained model tiny is corrupt: ") && e.getMessage().contains("bytes"),
                e.getMessage());
        byte[] altered = good.clone();
        altered[altered.length / 2] ^= 1;
        Files.write(f, altered);
        e = assertThrows(IOException.class, () -> ModelZoo.of(tmp).load("tiny"));
        assertTrue(e.getMessage().contains("is corrupt") && e.getMessage().contains("SHA-256"), e.getMessage());
        Files.delete(f);
        e = assertThrows(IOException.class, () -> ModelZoo.of(tmp).load("tiny"));
        assertTrue(e.getMessage().startsWith("pretrained model tiny: cannot read"), e.getMessage());
    }

    @Test
    void aMalformedIndexIsNamed() throws IOException {
        assertTrue(assertThrows(IOException.class, () -> ModelZoo.of(tmp)).getMessage().contains("no index.json"));
        Files.writeString(tmp.resolve("index.json"), "{\"format\": \"other\"}");
        assertTrue(assertThrows(IOException.class, () -> ModelZoo.of(tmp)).getMessage().contains("not a model index"));
        Files.writeString(tmp.resolve("index.json"), "{\"format\": \"dna-models/1\", \"models\": [{\"name\": \"x\", \"file\": "
                + "\"../../etc/passwd\", \"sha256\": \"" + "0".repeat(64) + "\", \"bytes\": 3}]}");
        IOException e = assertThrows(IOException.class, () -> ModelZoo.of(tmp));
        assertTrue(e.getMessage().contains("plain file name"), e.getMessage());
        Files.writeString(tmp.resolve("index.json"), "{not json");
        assertTrue(assertThrows(IOException.class, () -> ModelZoo.of(tmp)).getMessage().contains("not a model index"));
    }

    @Test
    void pretrainedNamesAreRecognisedByTheirPrefix() {
        assertEquals(Optional.of("denoise-awgn-unet32"), ModelZoo.nameOf("pretrained:denoise-awgn-unet32"));
        assertEquals(Optional.empty(), ModelZoo.nameOf("runs/restorer.dna"));
    }
}
