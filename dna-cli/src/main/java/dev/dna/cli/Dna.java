package dev.dna.cli;

import dev.dna.bench.DenoisingBenchmark;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code dna} command: adapt a restorer to one's own real images, restore images with it, export it to ONNX, inspect
 * a dna or ONNX file, run the main benchmark. Paths are the caller's (relative to the working directory). An error is
 * one line naming the problem on stderr and a non-zero exit code (1: the work failed, 2: the command line is wrong);
 * {@code --verbose} adds the stack trace.
 */
@Command(name = "dna", mixinStandardHelpOptions = true, version = "dna 0.1.0-SNAPSHOT",
        description = "Denoising as Adaptation: adapt an image restorer trained on synthetic degradations to real images.",
        subcommands = {AdaptCommand.class, RestoreCommand.class, ExportCommand.class, InspectCommand.class, AwgnBenchmarkCommand.class,
            CommandLine.HelpCommand.class})
public final class Dna {
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "print the stack trace of an error")
    boolean verbose;

    @Option(names = "--max-pixels", scope = ScopeType.INHERIT, paramLabel = "N", description = "refuse images of more than N "
            + "pixels, from their header, before decoding (default: 120000000)")
    void maxPixels(long pixels) {
        if (pixels < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--max-pixels must be >= 1, got " + pixels);
        }
        dev.dna.api.image.Images.setMaxPixels(pixels);
    }

    /**
     * Runs the command line {@code args} (see the class comment and {@code --help}); exits with its status.
     *
     * @param args the command line, e.g. {@code restore --model ... --in ... --out ...}
     */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs {@code dna args}, printing to {@code out} and {@code err}; returns the exit code.
     *
     * @param args the command line
     * @param out where results go
     * @param err where errors go
     * @return the exit code: 0 on success
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        // ND4J's start-up warnings (duplicate op mappings) are not the user's business; errors still show
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel",
                "error"));
        try {
            return commandLine(out, err).execute(args);
        } catch (OutOfMemoryError e) {
            // what the work held is unreachable now: there is room for one line
            err.printf(java.util.Locale.ROOT, "dna: out of memory (Java heap %.1f GB): the images or the model need more; "
                    + "give Java more heap (DNA_JAVA_OPTS=-Xmx16g dna ...) or, for dna adapt, --crop SIDE%n",
                    Runtime.getRuntime().maxMemory() / 1e9);
            err.flush();
            return 1;
        }
    }

    /**
     * The {@code dna} command line with its subcommands and its one-line error handlers, printing to {@code out} and
     * {@code err}: {@code execute} runs a command, {@code parseArgs} only checks one (the documentation's commands are
     * checked so).
     *
     * @param out where results go
     * @param err where errors go
     * @return picocli's command line
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        Dna top = new Dna();
        CommandLine cl = new CommandLine(top);
        cl.addSubcommand("bench", new DenoisingBenchmark());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            err.println("dna " + c.getCommandName() + ": " + describe(ex));
            if (top.verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            err.println("dna " + (c == cl ? "" : c.getCommandName() + " ") + "usage: " + ex.getMessage()
                    + " (see: dna " + (c == cl ? "" : c.getCommandName() + " ") + "--help)");
            err.flush();
            return 2;
        });
        return cl;
    }

    /** One line: what went wrong, with the file it concerns. */
    static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        String m = ex.getMessage();
        Throwable c = ex;
        while ((m == null || m.isBlank()) && c.getCause() != null) {
            c = c.getCause();
            m = c.getMessage();
        }
        return (m == null || m.isBlank() ? ex.getClass().getSimpleName() : m).lines().findFirst().orElse("").trim();
    }
}
