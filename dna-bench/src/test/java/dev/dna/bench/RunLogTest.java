package dev.dna.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogTest {
    private static final String HEADER = "step,lambda,loss,l_res,l_noise,seconds,val_psnr,val_ssim,grad_res,grad_noise";

    @TempDir
    Path dir;

    @Test
    void aStepLoggedAgainAfterAResumeKeepsItsLaterRow() throws IOException {
        Path csv = write(HEADER,
                "1,0.1,0.5,0.4,0.2,0.7,,,,",
                "2,0.2,0.4,0.3,0.1,0.7,20.5,0.41,0.3,0.01",
                "3,0.3,0.9,0.8,0.1,0.7,,,,", // written before an interruption, then again after resuming from step 2
                "3,0.3,0.35,0.25,0.1,0.7,,,,",
                "4,0.4,0.3,0.2,0.1,0.7,21.0,0.45,0.2,0.02");
        RunLog log = RunLog.read(csv);
        assertEquals(4, log.lastStep());
        List<double[]> psnr = log.curve("val_psnr");
        assertEquals(2, psnr.size());
        assertEquals(2, psnr.get(0)[0]);
        assertEquals(20.5, psnr.get(0)[1]);
        assertEquals(21.0, psnr.get(1)[1]);
        List<double[]> lRes = log.lossTerms().get("l_res");
        assertEquals(4, lRes.size());
        assertEquals(0.25, lRes.get(2)[1]);
        assertEquals(List.of("l_res", "l_noise"), List.copyOf(log.lossTerms().keySet()));
        assertTrue(log.curve("no_such_column").isEmpty());
    }

    @Test
    void theBestStepIsTheFirstMaximum() throws IOException {
        Path csv = write(HEADER,
                "1,0.1,0.5,0.4,0.2,0.7,20.0,0.4,0.3,0.01",
                "2,0.2,0.4,0.3,0.1,0.7,21.5,0.41,0.3,0.01",
                "3,0.3,0.9,0.8,0.1,0.7,,,,",
                "4,0.4,0.3,0.2,0.1,0.7,21.5,0.45,0.2,0.02",
                "5,0.4,0.3,0.2,0.1,0.7,21.2,0.45,0.2,0.02");
        assertEquals(2.0, RunLog.read(csv).bestStep("val_psnr"));
        assertTrue(Double.isNaN(RunLog.read(csv).bestStep("val_psnr_raw")));
    }

    @Test
    void anAbsentLogIsEmpty() throws IOException {
        assertEquals(0, RunLog.read(dir.resolve("absent.csv")).lastStep());
    }

    @Test
    void aTruncatedRowOrAForeignFileIsNamed() throws IOException {
        Path truncated = write(HEADER, "1,0.1,0.5,0.4,0.2,0.7,,,,", "2,0.2,0.4");
        IOException e = assertThrows(IOException.class, () -> RunLog.read(truncated));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        Path foreign = write("a,b,c", "1,2,3");
        e = assertThrows(IOException.class, () -> RunLog.read(foreign));
        assertTrue(e.getMessage().contains("not a training log"), e.getMessage());
    }

    private Path write(String... lines) throws IOException {
        Path f = Files.createTempFile(dir, "log", ".csv");
        Files.write(f, List.of(lines));
        return f;
    }
}
