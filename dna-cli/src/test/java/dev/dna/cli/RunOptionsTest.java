package dev.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void theOptionsComeBackAsWrittenWithAbsolutePaths() throws IOException {
        RunOptions o = new RunOptions(Path.of("cam/../my camera"), Optional.empty(), "awgn:0-50+jpeg:30-90",
                Optional.of(Path.of("pairs")), 1024);
        Path file = tmp.resolve(RunOptions.FILE);
        o.save(file);
        RunOptions back = RunOptions.load(file);
        assertEquals(o, back);
        assertEquals(Path.of("my camera").toAbsolutePath(), back.real());
        assertEquals(Optional.empty(), back.clean());
        assertEquals("awgn:0-50+jpeg:30-90", back.degradation());
        assertEquals(1024, back.crop());
    }

    @Test
    void aDamagedFileIsNamedInOneLine() throws IOException {
        Path file = tmp.resolve(RunOptions.FILE);
        Files.writeString(file, "clean=/x\n");
        IOException e = assertThrows(IOException.class, () -> RunOptions.load(file));
        assertTrue(e.getMessage().startsWith(file + " lacks 'real' or 'degradation'"), e.getMessage());
        Files.writeString(file, "real=/x\ndegradation=awgn:0-50\ncrop=-3\n");
        e = assertThrows(IOException.class, () -> RunOptions.load(file));
        assertTrue(e.getMessage().startsWith(file + " holds an invalid crop"), e.getMessage());
        Files.write(file, new byte[] {'r', 'e', 'a', 'l', '=', '\\', 'u', '1', '2'});   // a malformed \\uXXXX escape
        e = assertThrows(IOException.class, () -> RunOptions.load(file));
        assertTrue(e.getMessage().startsWith(file + " is not a properties file"), e.getMessage());
        Files.write(file, new byte[] {'r', 'e', 'a', 'l', '=', (byte) 0xff, (byte) 0xfe});  // not UTF-8
        e = assertThrows(IOException.class, () -> RunOptions.load(file));
        assertTrue(e.getMessage().startsWith(file + " is not a properties file"), e.getMessage());
    }
}
