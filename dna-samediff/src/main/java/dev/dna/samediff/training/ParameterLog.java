package dev.dna.samediff.training;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A diagnostic CSV, one row a step: {@code step}, then for each trained parameter {@code p} the L2 norm of its gradient
 * ({@code grad:p}, before clipping and whether or not the spike guard lets the step through), then the L2 norm of its
 * weights the gradient was taken at ({@code weight:p}). It shows which layer a loss spike starts in: the first parameter
 * whose gradient leaves its running level, and whether its weights had grown before. Wide (two columns a parameter) and
 * slower than {@link CsvLog}: opt in for a run under study. A resumed run keeps the rows up to its checkpoint's step.
 */
public final class ParameterLog implements AutoCloseable {
    private final BufferedWriter out;
    private final List<String> params;

    private ParameterLog(BufferedWriter out, List<String> params) {
        this.out = out;
        this.params = List.copyOf(params);
    }

    /** The header for {@code params}. */
    static String header(List<String> params) {
        StringBuilder sb = new StringBuilder("step");
        params.forEach(p -> sb.append(",grad:").append(p));
        params.forEach(p -> sb.append(",weight:").append(p));
        return sb.toString();
    }

    /**
     * The log in {@code file}, opened to append the steps after {@code startStep} (a fresh start replaces it; rows after a
     * resumed run's checkpoint are dropped).
     *
     * @param file the CSV to write or continue
     * @param params the trained parameters
     * @param startStep the last step already done (0 for a fresh run); later rows are dropped
     * @return the log
     * @throws IllegalStateException if the file is the log of other parameters (another plan); it is left as it is
     * @throws IOException if the file cannot be read or written
     */
    public static ParameterLog open(Path file, List<String> params, long startStep) throws IOException {
        return new ParameterLog(CsvLog.openToAppend(file, header(params), startStep, (f, old) -> {
            throw new IllegalStateException("cannot append to " + f + ": it logs other parameters than this run's (a log of "
                    + "another plan; move it away to resume)");
        }), params);
    }

    /**
     * Appends step {@code step}'s row from {@code flat}'s gathered gradient and current weights.
     *
     * @param step the step done
     * @param flat the parameters with the step's gradient gathered
     * @throws IOException if the row cannot be written
     */
    public void write(long step, FlatParameters flat) throws IOException {
        StringBuilder sb = new StringBuilder().append(step);
        for (String p : params) {
            sb.append(',').append(fmt(flat.gradient(p).norm2Number().doubleValue()));
        }
        for (String p : params) {
            sb.append(',').append(fmt(flat.weight(p).norm2Number().doubleValue()));
        }
        out.write(sb.append('\n').toString());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.6g", x);
    }
}
