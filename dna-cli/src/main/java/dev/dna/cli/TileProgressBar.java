package dev.dna.cli;

import dev.dna.api.image.TiledInference;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The tiles of one large image as a progress bar, for {@code dna restore} on a terminal: a photograph of 12 megapixels
 * is some twenty tiles and half a minute on two cores. An image restored in one pass shows nothing.
 */
final class TileProgressBar implements TiledInference.Progress, AutoCloseable {
    private final String name;
    private final PrintStream stream;
    private ProgressBar bar;

    /**
     * A bar for the image called {@code name}, drawn on {@code stream} once the image turns out to need several tiles.
     *
     * @param name the image, as the bar's label
     * @param stream where the bar is drawn (standard error)
     */
    TileProgressBar(String name, PrintStream stream) {
        this.name = name;
        this.stream = stream;
    }

    @Override
    public void passes(int done, int total) {
        if (total <= 1) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(total).setUnit(" tiles", 1)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                    .setConsumer(new ConsoleProgressBarConsumer(stream)).build();
        }
        bar.stepTo(done);
        if (done == total) {
            close();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
