package dev.dna.api.io;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way dna writes a file it must not lose: into a temporary sibling, flushed and synced to disk,
 * then atomically moved over the target. A crash or an exception while writing leaves the previous file
 * (a checkpoint, a restorer, an image) exactly as it was, and never a half-written one.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the bytes that {@code body} produces. */
    @FunctionalInterface
    public interface Body {
        /**
         * Writes the file's content to {@code out} (a temporary file; not closed by the body).
         *
         * @param out where the content goes
         * @throws IOException if writing fails (the file is then left as it was)
         */
        void write(OutputStream out) throws IOException;
    }

    /** Temp files of interrupted writes older than this are removed by the next write of the same file. */
    static final java.time.Duration STALE = java.time.Duration.ofMinutes(1);

    /**
     * Writes {@code file} atomically with the content {@code body} writes to the stream it is given. The file gets the
     * permissions of the file it replaces, or those of any new file (the process's umask); temp files that an earlier,
     * interrupted write of the same file left behind ({@code .<name>.<random>.tmp}, older than a minute) are removed.
     *
     * @param file the file to write or replace
     * @param body writes the content
     * @throws IOException if the body or the move fails (an existing file is then left as it was)
     */
    public static void write(Path file, Body body) throws IOException {
        checkNotNull(file, "file");
        checkNotNull(body, "body");
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        String prefix = "." + abs.getFileName() + ".";
        removeStale(dir, prefix);
        Path tmp = newTemp(dir, prefix);
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                body.write(out);
            }
            copyPermissions(abs, tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A new, empty sibling created like any new file (unlike {@code Files.createTempFile}, which makes it 0600). */
    private static Path newTemp(Path dir, String prefix) throws IOException {
        java.security.SecureRandom random = new java.security.SecureRandom();
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(prefix + Long.toHexString(random.nextLong() & Long.MAX_VALUE) + ".tmp");
            try {
                Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        if (Files.exists(from) && Files.getFileStore(to).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        }
    }

    private static void removeStale(Path dir, String prefix) throws IOException {
        if (dir == null) {
            return;
        }
        java.nio.file.attribute.FileTime cutoff = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(STALE));
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(".tmp") && n.length() > prefix.length() + 4) {
                    try {
                        if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0) {
                            Files.deleteIfExists(p);
                        }
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // another writer removed it first
                    }
                }
            }
        }
    }
}
