package dev.dna.api.io;

import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finds a file or folder by a path relative to a directory or to one of its ancestors, nearest first: how the examples
 * and tools find the shared data (e.g. {@code shared/data/polyu-canon}) and the test fixtures from wherever they are run
 * (the repository root, a module, a clone beside the shared folder).
 */
public final class Ancestors {
    private Ancestors() {}

    /**
     * The first {@code d.resolve(relative)} that {@code accept} takes, for {@code d} = {@code start} (made absolute),
     * then its parent, and so on up to the root; empty when there is none.
     *
     * @param start the first folder
     * @param relative the path looked for in each folder
     * @param accept which candidates count
     * @return the first accepted path, or empty
     */
    public static Optional<Path> nearest(Path start, Path relative, Predicate<Path> accept) {
        checkNotNull(start, "start");
        checkNotNull(relative, "relative");
        checkNotNull(accept, "accept");
        for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve(relative);
            if (accept.test(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * {@link #nearest} from the working directory.
     *
     * @param relative the path looked for in each folder
     * @param accept which candidates count
     * @return the first accepted path, or empty
     */
    public static Optional<Path> nearestFromWorkingDirectory(Path relative, Predicate<Path> accept) {
        return nearest(Path.of(""), relative, accept);
    }
}
