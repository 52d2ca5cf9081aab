package dev.dna.cli;

import dev.dna.onnx.OnnxExporter;
import dev.dna.samediff.ModelZoo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dna export}: a dna restorer, a checkpoint or a pretrained model to ONNX, checked in ONNX Runtime before the file
 * is written.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a restorer.dna, a training checkpoint or a pretrained model to ONNX (opset 17, dynamic N/H/W); ONNX Runtime must "
                + "agree with SameDiff on random inputs before the file is written.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "restorer.dna, checkpoint.dna or "
            + "pretrained:NAME (dna inspect --pretrained lists the names)")
    String model;

    @Option(names = "--out", required = true, description = "the ONNX file to write")
    Path out;

    @Override
    public Integer call() throws Exception {
        OnnxExporter.Verification v = OnnxExporter.export(ModelZoo.loadPretrainedOrFile(model), out);
        spec.commandLine().getOut().println("wrote " + out + ": " + v);
        return 0;
    }
}
