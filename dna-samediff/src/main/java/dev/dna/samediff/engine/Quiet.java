package dev.dna.samediff.engine;

import java.io.OutputStream;
import java.io.PrintStream;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * SameDiff M2.1 prints one line per op to {@code System.out} ("Added differentiated op ...") while it
 * builds a gradient function; for a diffusion UNet that is over a thousand lines. This builds it
 * eagerly, with standard output muted for the duration.
 */
public final class Quiet {
    private Quiet() {}

    /**
     * Builds {@code sd}'s gradient function now, with {@code System.out} muted meanwhile (one caller at a time).
     *
     * @param sd the graph with its loss
     */
    public static synchronized void createGradFunction(SameDiff sd) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction();
        } finally {
            System.setOut(out);
        }
    }
}
