package dev.dna.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The ONNX-in, ONNX-out example on the PyTorch DnCNN fixture, as from a clean clone. */
class AdaptOnnxModelTest {
    @TempDir
    Path tmp;

    @Test
    void adaptsTheFixtureAndWritesAModelWithItsInterface() throws Exception {
        Path out = tmp.resolve("adapted.onnx");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = new CommandLine(new AdaptOnnxModel()).execute("--steps", "2", "--out", out.toString());
        } finally {
            System.setOut(old);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        assertTrue(printed.contains("onnx(dncnn-opset17.onnx") && printed.contains("(ok)") && printed.contains("changed:"), printed);
        Onnx.ModelProto m = Onnx.ModelProto.parseFrom(Files.readAllBytes(out));
        assertEquals("input", m.getGraph().getInput(0).getName());
        assertEquals("output", m.getGraph().getOutput(0).getName());
    }
}
