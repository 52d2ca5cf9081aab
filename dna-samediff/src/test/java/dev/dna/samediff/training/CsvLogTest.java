package dev.dna.samediff.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV log's repair of an interrupted run's file (moved from TrainerTest with CsvLog). */
class CsvLogTest {
    @TempDir
    Path tmp;

    @Test
    void truncatingALogKeepsTheHeaderAndWholeRowsUpToTheStep() throws IOException {
        Path csv = tmp.resolve("torn.csv");
        Files.writeString(csv, "step,lambda,loss,seconds\n1,0,0.5,0.1\n2,0,0.4,0.1\n3,0,0.3,0.1\n4,0,0.2");
        CsvLog.truncateLog(csv, 3);
        assertEquals(List.of("step,lambda,loss,seconds", "1,0,0.5,0.1", "2,0,0.4,0.1", "3,0,0.3,0.1"), Files.readAllLines(csv),
                "the torn last row (3 of 4 cells) is dropped");
        CsvLog.truncateLog(csv, 1);
        assertEquals(List.of("step,lambda,loss,seconds", "1,0,0.5,0.1"), Files.readAllLines(csv));
        CsvLog.truncateLog(csv, 0);
        assertEquals(List.of("step,lambda,loss,seconds"), Files.readAllLines(csv), "a fresh start keeps the header only");
    }

    @Test
    void aLogWithADamagedRowBeforeItsLastIsRefusedAndKeptAsItIs() throws IOException {
        Path csv = tmp.resolve("damaged.csv");
        String shortRow = "step,lambda,loss,seconds\n1,0,0.5,0.1\n2,0,0.4\n3,0,0.3,0.1\n";
        Files.writeString(csv, shortRow);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CsvLog.truncateLog(csv, 1));
        assertTrue(e.getMessage().contains(csv.toString()) && e.getMessage().contains("row 2") && e.getMessage().contains("2,0,0.4"),
                e.getMessage());
        assertEquals(shortRow, Files.readString(csv), "the damaged log is kept as it was");

        String noStep = "step,lambda,loss,seconds\n1,0,0.5,0.1\nx,0,0.4,0.1\n3,0,0.3,0.1\n";
        Files.writeString(csv, noStep);
        assertThrows(IllegalStateException.class, () -> CsvLog.truncateLog(csv, 3));
        assertEquals(noStep, Files.readString(csv));
    }
}
