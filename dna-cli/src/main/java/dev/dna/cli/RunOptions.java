package dev.dna.cli;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.dna.api.io.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The data options a {@code dna adapt} run was started with, kept in its folder ({@value #FILE}) so that
 * {@code dna adapt --resume --out RUN} finds its images again without being told: the real images, the clean photos
 * (empty: the embedded ones), the synthetic degradation, the validation pairs (empty: synthetic crops) and the crop
 * side of the folders' images (0: whole). Paths are
 * absolute, so a run resumes from any working directory. A Java properties file, readable and editable by hand.
 *
 * @param real the folder of real degraded images
 * @param clean the folder of clean photos, or empty for the embedded ones
 * @param degradation the synthetic degradation, as {@code Degradations.parse} reads it
 * @param validation the folder of validation pairs, or empty
 * @param crop the side of the central crop the real and clean images were cut to, 0 for whole images
 */
record RunOptions(Path real, Optional<Path> clean, String degradation, Optional<Path> validation, int crop) {
    /** The file's name in a run folder. */
    static final String FILE = "run.properties";

    /** Checks the components (see the record's parameters); makes the paths absolute. */
    RunOptions {
        real = checkNotNull(real, "real").toAbsolutePath().normalize();
        clean = clean.map(p -> p.toAbsolutePath().normalize());
        checkNotNull(degradation, "degradation");
        validation = validation.map(p -> p.toAbsolutePath().normalize());
        com.google.common.base.Preconditions.checkArgument(crop >= 0, "crop must be >= 0, got %s", crop);
    }

    /** Writes the options to {@code file}, atomically. */
    void save(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("real", real.toString());
        clean.ifPresent(c -> p.setProperty("clean", c.toString()));
        p.setProperty("degradation", degradation);
        validation.ifPresent(v -> p.setProperty("validation", v.toString()));
        if (crop > 0) {
            p.setProperty("crop", Integer.toString(crop));
        }
        AtomicFiles.write(file, out -> p.store(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8),
                "dna adapt: the run's data options (dna adapt --resume reads them)"));
    }

    /**
     * Reads the options of {@code file}.
     *
     * @throws IOException when it cannot be read, or lacks {@code real} or {@code degradation}: the message names the file
     */
    static RunOptions load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + " is not a properties file: " + e.getMessage(), e);
        }
        String real = p.getProperty("real");
        String degradation = p.getProperty("degradation");
        if (real == null || real.isBlank() || degradation == null || degradation.isBlank()) {
            throw new IOException(file + " lacks 'real' or 'degradation'");
        }
        try {
            return new RunOptions(Path.of(real), Optional.ofNullable(p.getProperty("clean")).map(Path::of), degradation,
                    Optional.ofNullable(p.getProperty("validation")).map(Path::of), Integer.parseInt(p.getProperty("crop", "0")));
        } catch (java.nio.file.InvalidPathException e) {
            throw new IOException(file + " holds an invalid path: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " holds an invalid crop: " + e.getMessage(), e);
        }
    }
}
