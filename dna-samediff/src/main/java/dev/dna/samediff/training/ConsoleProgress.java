package dev.dna.samediff.training;

import dev.dna.samediff.StepReport;
import dev.dna.samediff.TrainingListener;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress on standard error: a redrawn progress bar in a terminal (me.tongfei:progressbar), else
 * {@link LineProgress} (whole lines, for logs and pipes); each shows the loss terms and the last validation.
 */
public final class ConsoleProgress implements TrainingListener, AutoCloseable {
    private final ProgressBar bar;
    private final LineProgress lines;

    private ConsoleProgress(ProgressBar bar, LineProgress lines) {
        this.bar = bar;
        this.lines = lines;
    }

    /**
     * Progress of run {@code name} from step {@code first} to {@code last}.
     *
     * @param name the run's name
     * @param first the first step
     * @param last the last step
     * @return a progress bar on a terminal, else lines
     */
    public static ConsoleProgress open(String name, long first, long last) {
        if (terminal()) {
            return new ConsoleProgress(new ProgressBarBuilder().setTaskName(name).setInitialMax(last)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).showSpeed()
                    .startsFrom(first, java.time.Duration.ZERO)
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build(), null);
        }
        return new ConsoleProgress(null, new LineProgress(name, first, last, System.err));
    }

    @Override
    public void onStep(StepReport r) {
        String message = message(r);
        if (bar != null) {
            bar.stepTo(r.step());
            bar.setExtraMessage(message);
        } else {
            lines.step(r.step(), message, r.validation().isPresent());
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /** Whether standard error goes to a terminal (then a progress bar; else {@link LineProgress}). */
    private static boolean terminal() {
        return System.console() != null;
    }

    /**
     * Progress for logs and pipes, where a redrawn bar would be cut to 80 columns: one whole line at most every
     * {@value #PERIOD_SECONDS} seconds, at every validation and at the last step ({@code name step/last, rate, ETA,
     * losses, validation}).
     */
    public static final class LineProgress {
        static final int PERIOD_SECONDS = 30;
        private final String name;
        private final long first;
        private final long last;
        private final java.io.PrintStream out;
        private final long t0 = System.nanoTime();
        private long printed = System.nanoTime();

        /**
         * Progress of run {@code name} from step {@code first} to {@code last}, printed to {@code out}.
         *
         * @param name the run's name
         * @param first the first step
         * @param last the last step
         * @param out where the lines go
         */
        public LineProgress(String name, long first, long last, java.io.PrintStream out) {
            this.name = name;
            this.first = first;
            this.last = last;
            this.out = out;
        }

        /**
         * Reports step {@code step}; prints a line every 30 s, at validations and at the last step.
         *
         * @param step the step done
         * @param message the losses, in a few words
         * @param validated whether the step validated
         */
        public void step(long step, String message, boolean validated) {
            long now = System.nanoTime();
            if (!validated && step != last && now - printed < PERIOD_SECONDS * 1_000_000_000L) {
                return;
            }
            printed = now;
            double seconds = (now - t0) / 1e9;
            double rate = (step - first) / Math.max(seconds, 1e-9);
            out.printf(Locale.ROOT, "%s %d/%d (%d%%), %.2f it/s, ETA %s: %s%n", name, step, last, 100 * step / last, rate,
                    eta((last - step) / Math.max(rate, 1e-9)), message);
        }

        private static String eta(double s) {
            long t = Math.round(s);
            return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
        }
    }

    /** The losses of the step and, at a validation, its PSNR: {@code loss 0.1234 l_res 0.0567 val 30.12 dB (raw 30.01)}. */
    static String message(StepReport r) {
        StringBuilder sb = new StringBuilder();
        r.losses().forEach((k, x) -> sb.append(k).append(' ').append(String.format(Locale.ROOT, "%.4f", x)).append(' '));
        r.validation().ifPresent(v -> sb.append(String.format(Locale.ROOT, "val %.2f dB (raw %.2f)", v.psnr(), v.rawPsnr())));
        return sb.toString().trim();
    }
}
