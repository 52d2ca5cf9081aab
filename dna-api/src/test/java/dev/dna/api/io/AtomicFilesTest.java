package dev.dna.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aNewFileGetsTheUsualPermissionsAndAReplacedFileKeepsItsOwn() throws IOException {
        Path plain = dir.resolve("plain.bin");
        Files.write(plain, new byte[] {1}); // what any new file gets here (umask)
        Path written = dir.resolve("written.bin");
        AtomicFiles.write(written, out -> out.write(new byte[] {1, 2}));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(written));

        Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-r-----"));
        AtomicFiles.write(written, out -> out.write(new byte[] {3}));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(written)));
        assertArrayEquals(new byte[] {3}, Files.readAllBytes(written));
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndLeavesNoTempFile() throws IOException {
        Path f = dir.resolve("keep.bin");
        AtomicFiles.write(f, out -> out.write(new byte[] {7}));
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[] {8, 9});
            throw new IOException("disk full");
        }));
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(f));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "only the file itself");
        }
    }

    @Test
    void tempFilesOfAnInterruptedWriteAreRemovedByTheNextWrite() throws IOException {
        Path stale = dir.resolve(".model.onnx.1234abcd.tmp"); // what a kill -9 during a write leaves
        Files.write(stale, new byte[100]);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(3600)));
        Path fresh = dir.resolve(".model.onnx.99.tmp"); // perhaps another writer's, right now: left alone
        Files.write(fresh, new byte[1]);
        Path other = dir.resolve(".other.onnx.1.tmp");
        Files.write(other, new byte[1]);
        Files.setLastModifiedTime(other, FileTime.from(Instant.now().minusSeconds(3600)));
        AtomicFiles.write(dir.resolve("model.onnx"), out -> out.write(new byte[] {1}));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh) && Files.exists(other));
    }
}
