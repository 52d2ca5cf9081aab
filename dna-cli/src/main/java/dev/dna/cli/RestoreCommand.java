package dev.dna.cli;

import dev.dna.api.data.ImageSet;
import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.api.image.TiledInference;
import dev.dna.onnx.RestorerFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dna restore}: one image or a folder of images, with an ONNX model (ONNX Runtime), a dna restorer or checkpoint,
 * or a pretrained model (SameDiff's channels-last graph for dna's UNet and DnCNN; otherwise, or with {@code --cuda},
 * exported to ONNX as it is opened and run in ONNX Runtime).
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore an image file, or every PNG/JPEG in a folder, with a model: restorer.onnx (ONNX Runtime), "
                + "restorer.dna, a training checkpoint or pretrained:NAME (SameDiff; with --cuda, or for an imported or custom "
                + "network, exported to ONNX as it is opened). The output format follows the output's extension.")
final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "restorer.onnx, restorer.dna, checkpoint.dna or pretrained:NAME")
    Path model;

    @Option(names = "--in", required = true, description = "an image (PNG, JPEG) or a folder of them")
    Path in;

    @Option(names = "--out", required = true, description = "the restored image (.png or .jpg), or a folder for a folder --in")
    Path out;

    @Option(names = "--format", defaultValue = "png", description = "with a folder --in: png or jpg (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--cuda", description = "use ONNX Runtime's CUDA provider when available (a dna model is then exported to ONNX as it is opened)")
    boolean cuda;

    @Option(names = "--predicts", paramLabel = "WHAT", description = "an ONNX model without dna metadata: what it outputs, "
            + "RESTORED (the image), RESIDUAL (y - x) or NOISE (x - y, DnCNN's raw output) (default: the restored image)")
    dev.dna.api.spec.Prediction predicts;

    @Option(names = "--value-range", paramLabel = "RANGE", description = "an ONNX model without dna metadata: the values "
            + "it works in, ZERO_ONE, MINUS_ONE_ONE or ZERO_255 (default: ZERO_ONE)")
    dev.dna.api.spec.ValueRange valueRange;

    @Option(names = "--pad-multiple", paramLabel = "N", description = "an ONNX model: pad height and width to a multiple of N "
            + "(default: its dna metadata, else the factor inferred from its graph)")
    Integer padMultiple;

    @Option(names = "--no-progress", description = "no progress bar for an image restored in tiles (it is drawn only on a terminal)")
    boolean noProgress;

    @Option(names = "--skip-unreadable", description = "with a folder --in: skip (and name) image files that cannot be read, "
            + "instead of stopping at the first")
    boolean skipUnreadable;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        boolean folder = Files.isDirectory(in);
        if (!folder && !Files.exists(in)) {
            throw new java.nio.file.NoSuchFileException(in.toString());
        }
        if (folder) {
            if (!format.equals("png") && !format.equals("jpg")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--format must be png or jpg, got " + format);
            }
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--in is a folder, so --out must be one: " + out);
            }
        } else {
            checkExtension(target(in, false));
        }
        List<Path> files = folder ? ImageSet.imageFiles(in) : List.of(in);
        if (folder) {
            // a.png and a.jpg would both become out/a.<format>: refuse before writing anything, rather than overwrite one
            java.util.Map<Path, Path> byTarget = new java.util.HashMap<>();
            for (Path f : files) {
                Path before = byTarget.putIfAbsent(target(f, true), f);
                if (before != null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), before.getFileName() + " and " + f.getFileName()
                            + " would both be written to " + target(f, true) + ": rename one of them");
                }
            }
        }
        dev.dna.ort.OnnxRestorer.Options onnx = dev.dna.ort.OnnxRestorer.Options.defaults().withCuda(cuda);
        if (predicts != null) {
            onnx = onnx.withPredicts(predicts);
        }
        if (valueRange != null) {
            onnx = onnx.withValueRange(valueRange);
        }
        if (padMultiple != null) {
            if (padMultiple < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--pad-multiple must be >= 1, got " + padMultiple);
            }
            onnx = onnx.withPaddingMultiple(padMultiple);
        }
        try (RestorerFiles.Opened r = RestorerFiles.open(model.toString(), onnx)) {
            o.printf(Locale.ROOT, "model %s (%s)%n", model, r.engine());
            if (folder) {
                Files.createDirectories(out);
            }
            long t0 = System.nanoTime();
            int skipped = 0;
            boolean drawBar = !noProgress && System.console() != null; // a redrawn bar only where it can be redrawn
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                Path target = target(f, folder);
                long t = System.nanoTime();
                Image x;
                try {
                    x = Images.readRgb(f);
                } catch (IOException e) {
                    if (!skipUnreadable) {
                        throw folder ? new IOException(e.getMessage() + " (--skip-unreadable skips such files; "
                                + i + " of " + files.size() + " restored so far)", e) : e;
                    }
                    o.printf(Locale.ROOT, "[%d/%d] skipped: %s%n", i + 1, files.size(), e.getMessage());
                    skipped++;
                    continue;
                }
                Image y;
                try (TileProgressBar bar = new TileProgressBar(f.getFileName().toString(), System.err)) {
                    y = r.restorer().restore(x, drawBar ? bar : TiledInference.Progress.NONE);
                }
                Images.write(y, target);
                o.printf(Locale.ROOT, "[%d/%d] %s (%dx%d) -> %s, %.2f s%n", i + 1, files.size(), f, x.width(), x.height(), target,
                        (System.nanoTime() - t) / 1e9);
            }
            if (files.size() > 1) {
                o.printf(Locale.ROOT, "restored %d images in %.1f s%s%n", files.size() - skipped, (System.nanoTime() - t0) / 1e9,
                        skipped > 0 ? ", skipped " + skipped + " unreadable" : "");
            }
        }
        return 0;
    }

    /** Where the restoration of {@code f} goes: out/<stem>.<format> for a folder, out/<stem>.png into a folder, else out. */
    private Path target(Path f, boolean folder) {
        return folder || Files.isDirectory(out) ? out.resolve(stem(f) + "." + (folder ? format : "png")) : out;
    }

    private void checkExtension(Path target) {
        if (!Images.isImageFile(target)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot tell the image format of --out " + target
                    + ": name it .png, .jpg or .jpeg");
        }
    }

    static String stem(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
