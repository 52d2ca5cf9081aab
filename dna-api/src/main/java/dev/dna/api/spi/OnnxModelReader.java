package dev.dna.api.spi;

import dev.dna.api.spec.OnnxRestorerSpec;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads an ONNX restorer's interface (names, shape, downsampling factor, supported ops) for
 * {@link dev.dna.api.Restorers#fromOnnx}. dna-onnx provides it through {@link java.util.ServiceLoader}; dna-api
 * cannot parse ONNX itself.
 */
public interface OnnxModelReader {
    /**
     * @param file an ONNX model
     * @return the restorer's spec
     * @throws IOException naming the file if it is unreadable, not ONNX, or not a supported restorer (the message
     *     names the op, the node and the supported set, or the input's shape)
     */
    OnnxRestorerSpec read(Path file) throws IOException;
}
