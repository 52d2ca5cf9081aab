package dev.dna.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Restorers;
import dev.dna.api.testing.Trials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx.Onnx;
import org.junit.jupiter.api.Test;

/** ONNX files from strangers: declared sizes checked against the data before anything is allocated by them. */
class HostileOnnxTest {

    static byte[] fixture() throws IOException {
        try (InputStream in = HostileOnnxTest.class.getResourceAsStream("fixtures/dncnn-opset17.onnx")) {
            return in.readAllBytes();
        }
    }

    /** The fixture with its first multi-dimensional initializer's dims replaced by {@code dims}, its data left as it was. */
    static byte[] withDims(long... dims) throws IOException {
        Onnx.ModelProto m = Onnx.ModelProto.parseFrom(fixture());
        Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            if (g.getInitializer(i).getDimsCount() > 1) {
                Onnx.TensorProto.Builder t = g.getInitializer(i).toBuilder().clearDims();
                for (long d : dims) {
                    t.addDims(d);
                }
                g.setInitializer(i, t);
                break;
            }
        }
        return m.toBuilder().setGraph(g).build().toByteArray();
    }

    @Test
    void anInitializerClaimingBillionsOfValuesIsRefusedByName() throws IOException {
        Path f = Files.createTempFile("claims", ".onnx");
        try {
            Files.write(f, withDims(3, 1L << 26)); // within the bound, but the data holds far fewer values
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Restorers.fromOnnx(f));
            assertTrue(e.getMessage().contains("is inconsistent: initializer tensor '") && e.getMessage().contains("holds"),
                    e.getMessage());
            Files.write(f, withDims(1L << 20, 1L << 20));
            e = assertThrows(UncheckedIOException.class, () -> Restorers.fromOnnx(f));
            assertTrue(e.getMessage().contains("more than " + OnnxTensors.MAX_VALUES + " values"), e.getMessage());
            Files.write(f, withDims(-1, 3));
            e = assertThrows(UncheckedIOException.class, () -> Restorers.fromOnnx(f));
            assertTrue(e.getMessage().contains("negative dimension"), e.getMessage());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** Byte overwrites and truncations of a PyTorch export: each imports or fails with the library's own exception. */
    @Test
    void mutatedModelsImportOrFailCleanly() {
        Trials.check(120, c -> mutatedModelImportsOrFails(c.intIn("at", 0, 1_000_000), c.intIn("value", 0, 255), c.bool("truncate")));
    }

    private static void mutatedModelImportsOrFails(int at, int value, boolean truncate) throws IOException {
        byte[] b = fixture();
        byte[] m = truncate ? java.util.Arrays.copyOf(b, at % b.length) : b.clone();
        if (!truncate) {
            m[at % m.length] = (byte) value;
        }
        Path f = Files.createTempFile("fuzz", ".onnx");
        try {
            Files.write(f, m);
            Restorers.fromOnnx(f);
        } catch (UncheckedIOException | IllegalArgumentException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
