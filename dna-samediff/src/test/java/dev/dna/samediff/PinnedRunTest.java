package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dna.api.AdaptationPlan;
import dev.dna.api.data.ImageSet;
import dev.dna.api.degrade.Awgn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A short run of the full method (4 steps, validation, checkpoints, CSV log) pinned: its logged losses and validations,
 * and two sums over its final weights, as the trainer computed them before the trainer was split into collaborators
 * (issue 41). A change of the trainer's structure must leave these as they are; a change of its numerics must say so
 * here. Tolerances are at the printed precision (losses to 8 significant digits) and 1e-6 relative on the sums.
 */
class PinnedRunTest {
    @TempDir
    Path tmp;

    /** step, loss terms (8 significant digits), val_psnr (4 decimals); the log's other columns are times or derived. */
    static final List<String> LOG = List.of(
            "1,0.14707658,0.14546296,1.8815218,1.9266610,0.054860808,0.96819133,",
            "2,0.10728227,0.10576364,1.8058594,1.8893121,0.016547300,0.91120338,18.2890",
            "3,0.082933888,0.081494175,1.6368128,1.6459290,0.090883829,0.86384833,",
            "4,0.10075397,0.099152587,1.7270516,1.6323949,0.19465670,0.96085417,19.0035");

    static final double WEIGHT_SUM = 0.36848890186593053;
    static final double WEIGHT_SQUARES = 191.67215141977357;

    @Test
    void aShortRunComputesWhatItDidBeforeTheMoves() throws IOException {
        AdaptationPlan p = TrainerTest.plan(4);
        ImageSet val = TrainerTest.PHOTOS.centerCrops(32);
        ImageSet noisy = val.map(im -> Awgn.sigma255(25, 25).apply(im, 9L));
        Path csv = tmp.resolve("log.csv");
        TrainedRestorer r = SameDiffTrainer.create(p).progressBar(false).logCsv(csv).validateEvery(2, noisy, val)
                .checkpointEvery(2, tmp.resolve("ckpt.dna")).fit(TrainerTest.synthetic(p), TrainerTest.real(p));
        List<String> lines = Files.readAllLines(csv);
        List<String> cols = List.of(lines.get(0).split(",", -1));
        List<String> log = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            StringBuilder sb = new StringBuilder(c[0]);
            for (String k : List.of("loss", "l_res", "mse_pos", "mse_neg", "hinge", "l_noise", "val_psnr")) {
                sb.append(',').append(c[cols.indexOf(k)]);
            }
            log.add(sb.toString());
        }
        double sum = 0;
        double squares = 0;
        for (Map.Entry<String, INDArray> e : new java.util.TreeMap<>(r.weights()).entrySet()) {
            sum += e.getValue().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sumNumber().doubleValue();
            squares += e.getValue().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).norm2Number().doubleValue()
                    * e.getValue().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).norm2Number().doubleValue();
        }
        String found = "LOG = " + log + String.format(Locale.ROOT, "; WEIGHT_SUM = %.17g; WEIGHT_SQUARES = %.17g", sum, squares);
        assertEquals(LOG, log, found);
        assertEquals(WEIGHT_SUM, sum, 1e-6 * Math.abs(WEIGHT_SUM), found);
        assertEquals(WEIGHT_SQUARES, squares, 1e-6 * Math.abs(WEIGHT_SQUARES), found);
    }
}
