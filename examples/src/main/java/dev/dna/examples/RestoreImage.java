package dev.dna.examples;

import dev.dna.api.image.Image;
import dev.dna.api.image.Images;
import dev.dna.onnx.RestorerFiles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Restores one image file with a trained restorer: an exported ONNX model (ONNX Runtime) or a dna
 * restorer file (SameDiff). Example:
 * {@code mvn -q -Pexample -pl examples -am package -DskipTests -Dexample.main=dev.dna.examples.RestoreImage
 * -Dexample.args="--model runs/x/full/restorer.onnx --in noisy.png --out restored.png"}
 */
@Command(name = "restore-image", mixinStandardHelpOptions = true, description = "Restore an image file with a dna model.")
public final class RestoreImage implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "restorer.onnx (ONNX Runtime) or restorer.dna (SameDiff)")
    Path model;

    @Option(names = "--in", required = true, description = "input PNG or JPEG")
    Path in;

    @Option(names = "--out", required = true, description = "output PNG")
    Path out;

    @Option(names = "--cuda", description = "use ONNX Runtime's CUDA provider when available")
    boolean cuda;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RestoreImage()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Image x = Images.readRgb(in);
        long t0 = System.nanoTime();
        Image y;
        String engine;
        try (RestorerFiles.Opened r = RestorerFiles.open(model, cuda)) {
            y = r.restorer().restore(x);
            engine = r.engine();
        }
        Images.writePng(y, out);
        System.out.printf(Locale.ROOT, "restored %s (%dx%d) with %s in %.2f s -> %s%n", in, x.width(), x.height(), engine,
                (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
