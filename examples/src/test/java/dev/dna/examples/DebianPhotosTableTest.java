package dev.dna.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * tools/fetch_debian_photos.sh fetches exactly the photographs the shipped denoiser was trained and validated on: every
 * photograph of its provenance file is a row of tools/debian-photos.tsv with the same SHA-256 and a licence.
 */
class DebianPhotosTableTest {
    static final String PROVENANCE = "/dev/dna/models/denoise-awgn-unet32.provenance.json";

    @Test
    void everyPhotographOfTheShippedDenoiserIsInTheFetchTableWithItsDigest() throws IOException {
        Map<String, String[]> table = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("..", "tools", "debian-photos.tsv"))) {
            if (!line.startsWith("#")) {
                String[] f = line.split("\t");
                assertEquals(6, f.length, "a row of package, version, path, saved as, licence, sha256: " + line);
                table.put(f[3], f);
            }
        }
        JsonNode provenance;
        try (InputStream in = getClass().getResourceAsStream(PROVENANCE)) {
            assertNotNull(in, PROVENANCE);
            provenance = new ObjectMapper().readTree(in);
        }
        assertEquals(55, provenance.get("photos").size());
        for (JsonNode photo : provenance.get("photos")) {
            String file = photo.get("file").asText();
            String[] row = table.get(file);
            assertNotNull(row, file + " is missing from tools/debian-photos.tsv");
            assertEquals(photo.get("sha256").asText(), row[5], file);
            assertFalse(row[4].isBlank(), file + " has no licence");
        }
        assertEquals(provenance.get("photos").size(), table.size(), "rows not in the provenance");
    }
}
