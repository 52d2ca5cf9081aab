package dev.dna.samediff;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Python that runs the PyTorch mirror ({@code tools/torch_reference.py}) in tests: the first of
 * {@code $DNA_PYTHON}, {@code python3} and Debian's {@code /usr/bin/python3} that has torch and numpy. Tests that need
 * it skip where it is missing, except under {@code DNA_REQUIRE_MIRROR=1} (CI, whose {@code .ci/run} installs
 * python3-torch), where they fail.
 */
public final class MirrorPython {
    private MirrorPython() {}

    private static String found;
    private static boolean searched;

    /** The interpreter, or null where none has torch and numpy. */
    public static synchronized String find() {
        if (!searched) {
            searched = true;
            List<String> candidates = new ArrayList<>();
            if (System.getenv("DNA_PYTHON") != null) {
                candidates.add(System.getenv("DNA_PYTHON"));
            }
            candidates.addAll(List.of("python3", "/usr/bin/python3"));
            for (String c : candidates) {
                try {
                    Process p = new ProcessBuilder(c, "-c", "import torch, numpy").redirectErrorStream(true).start();
                    p.getInputStream().readAllBytes();
                    if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                        found = c;
                        break;
                    }
                } catch (IOException | InterruptedException e) {
                    // not installed: try the next
                }
            }
        }
        return found;
    }

    /**
     * The interpreter for a test that runs {@code script}: skips the test where there is none (or no script), fails it
     * under {@code DNA_REQUIRE_MIRROR=1}.
     */
    public static String require(Path script) {
        String python = find();
        String why = "a python3 with torch and numpy ($DNA_PYTHON, python3, /usr/bin/python3), and " + script + ", are needed";
        if ("1".equals(System.getenv("DNA_REQUIRE_MIRROR"))) {
            org.junit.jupiter.api.Assertions.assertTrue(python != null && Files.exists(script), why + " (DNA_REQUIRE_MIRROR=1)");
        }
        assumeTrue(python != null && Files.exists(script), why);
        return python;
    }
}
