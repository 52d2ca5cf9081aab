package dev.dna.cli;

import dev.dna.onnx.RestorerFiles;
import java.io.IOException;
import java.nio.file.Path;

/** How the commands read a model argument: a file, or {@code pretrained:NAME} from dna's model zoo. */
final class ModelOption {
    static final String SYNTAX = "restorer.onnx, restorer.dna, a checkpoint, or pretrained:NAME (dna inspect --pretrained "
            + "lists the names)";

    private ModelOption() {}

    static RestorerFiles.Opened open(String model, boolean cuda) throws IOException {
        return RestorerFiles.open(model, cuda);
    }
}
