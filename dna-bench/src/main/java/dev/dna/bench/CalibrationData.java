package dev.dna.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.data.ImagePairs;
import dev.dna.api.data.ImageSet;
import dev.dna.api.data.PolyU;
import dev.dna.api.data.SceneSplit;
import dev.dna.api.data.Realizations;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.degrade.Degradation;
import dev.dna.api.image.Image;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a benchmark task's data for {@code tools/torch_reference.py train}, the PyTorch mirror of the recipe,
 * so that the recipe can be calibrated on a GPU machine that has PyTorch but no JVM. The degradations stay
 * defined in one place (the Java task); the script only crops and augments, and for denoising adds the AWGN
 * itself, with the sigma range it reads from {@code data.json}.
 *
 * <p>Files (uint8 {@code .npy}, [H, W, 3]): {@code train_clean_I}, {@code train_real_I_K} (K realizations of
 * the real degradation of whole training photo I; the Java trainer instead degrades each patch afresh),
 * {@code train_syn_I_K} (K realizations of the synthetic degradation, for tasks other than denoising),
 * {@code test_clean_I}, {@code test_real_I} (the held-out crops the Java benchmark validates on, the same
 * seeds), {@code plan-VARIANT.json} and {@code data.json}. Degraded images are rounded to 8-bit levels (as a
 * saved photo would be); {@code data.json}'s {@code max_rounding} says by how much at most (0 for 8-bit data
 * such as photos and anything that ends in JPEG).
 */
final class CalibrationData {
    private CalibrationData() {}

    static void write(Path dir, ImageSet train, ImageSet testClean, ImageSet testReal, Degradation synthetic,
            Degradation real, Realizations realOfTrain, Map<String, AdaptationPlan> plans) throws IOException {
        Files.createDirectories(dir);
        int realizations = realOfTrain.perImage();
        Awgn awgn = synthetic instanceof Awgn a ? a : null;
        double rounding = 0;
        for (int i = 0; i < train.size(); i++) {
            rounding = Math.max(rounding, writeNpy(dir.resolve("train_clean_" + i + ".npy"), train.get(i)));
            for (int k = 0; k < realizations; k++) {
                rounding = Math.max(rounding, writeNpy(dir.resolve("train_real_" + i + "_" + k + ".npy"),
                        realOfTrain.get(i, k)));
                if (awgn == null) {
                    rounding = Math.max(rounding, writeNpy(dir.resolve("train_syn_" + i + "_" + k + ".npy"),
                            synthetic.apply(train.get(i), 4_000_000L + 1000L * i + k)));
                }
            }
        }
        rounding = Math.max(rounding, writePairs(dir, "test", testClean, testReal));
        ObjectMapper json = new ObjectMapper();
        ObjectNode meta = json.createObjectNode();
        meta.put("train", train.size());
        meta.put("realizations", realizations);
        meta.put("test", testClean.size());
        if (awgn != null) {
            meta.putArray("awgn_sigma").add(awgn.sigmaMin()).add(awgn.sigmaMax());
            meta.put("awgn_clip", awgn.clip());
        } else {
            meta.put("synthetic_realizations", realizations);
        }
        meta.put("synthetic", synthetic.describe());
        meta.put("real", real.describe());
        finish(dir, meta, rounding, plans);
    }

    /**
     * PolyU's real camera noise for the mirror: the synthetic domain's clean photos ({@code syn_clean_J}, AWGN drawn by
     * the mirror), the train scenes' real shots ({@code train_real_I_0}, one realization each: they are real) with their
     * means ({@code train_clean_I}, for the oracle only), the validation scenes' central {@code valCrop} crops
     * ({@code test_*}: what the mirror validates on, so that the recipe is calibrated on them) and the test scenes' whole
     * crops ({@code heldout_*}: scored once, at the end). {@code data.json} adds {@code synthetic_clean} and
     * {@code heldout} counts.
     */
    static void writePolyU(Path dir, ImageSet syntheticClean, SceneSplit split, int valCrop, Degradation synthetic,
            Map<String, AdaptationPlan> plans) throws IOException {
        if (!(synthetic instanceof Awgn awgn)) {
            throw new IllegalArgumentException("PolyU's synthetic domain for the mirror must be AWGN, got " + synthetic.describe());
        }
        Files.createDirectories(dir);
        double rounding = 0;
        for (int j = 0; j < syntheticClean.size(); j++) {
            rounding = Math.max(rounding, writeNpy(dir.resolve("syn_clean_" + j + ".npy"), syntheticClean.get(j)));
        }
        ImagePairs train = split.train();
        for (int i = 0; i < train.size(); i++) {
            rounding = Math.max(rounding, writeNpy(dir.resolve("train_clean_" + i + ".npy"), train.clean().get(i)));
            rounding = Math.max(rounding, writeNpy(dir.resolve("train_real_" + i + "_0.npy"), train.degraded().get(i)));
        }
        rounding = Math.max(rounding, writePairs(dir, "test", split.validation().clean().centerCrops(valCrop),
                split.validation().degraded().centerCrops(valCrop)));
        rounding = Math.max(rounding, writePairs(dir, "heldout", split.test().clean(), split.test().degraded()));
        ObjectMapper json = new ObjectMapper();
        ObjectNode meta = json.createObjectNode();
        meta.put("train", train.size());
        meta.put("realizations", 1);
        meta.put("test", split.validation().size());
        meta.put("synthetic_clean", syntheticClean.size());
        meta.put("heldout", split.test().size());
        meta.putArray("awgn_sigma").add(awgn.sigmaMin()).add(awgn.sigmaMax());
        meta.put("awgn_clip", awgn.clip());
        meta.put("synthetic", synthetic.describe() + " on " + syntheticClean.size() + " photos");
        meta.put("real", "PolyU Canon: " + split.describe() + "; test_* are the validation scenes' central " + valCrop + "x"
                + valCrop + ", heldout_* the test scenes' whole crops");
        finish(dir, meta, rounding, plans);
    }

    private static double writePairs(Path dir, String prefix, ImageSet clean, ImageSet degraded) throws IOException {
        double rounding = 0;
        for (int i = 0; i < clean.size(); i++) {
            rounding = Math.max(rounding, writeNpy(dir.resolve(prefix + "_clean_" + i + ".npy"), clean.get(i)));
            rounding = Math.max(rounding, writeNpy(dir.resolve(prefix + "_real_" + i + ".npy"), degraded.get(i)));
        }
        return rounding;
    }

    /** The plans and {@code data.json} (with {@code max_rounding}). */
    private static void finish(Path dir, ObjectNode meta, double rounding, Map<String, AdaptationPlan> plans) throws IOException {
        for (Map.Entry<String, AdaptationPlan> e : plans.entrySet()) {
            Files.writeString(dir.resolve("plan-" + e.getKey() + ".json"), e.getValue().toJson());
        }
        meta.put("max_rounding", rounding);
        Files.writeString(dir.resolve("data.json"), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(meta));
    }

    /**
     * An RGB image as a NumPy uint8 array [H, W, 3], each value rounded to the nearest of the 256 levels of
     * [0, 1] (values outside are clipped).
     *
     * @return the largest change that rounding and clipping made, in [0, 1] units
     */
    static double writeNpy(Path file, Image im) throws IOException {
        int h = im.height();
        int w = im.width();
        int c = im.channels();
        byte[] body = new byte[h * w * c];
        double maxChange = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    float v = im.get(ch, y, x);
                    long q = Math.max(0, Math.min(255, Math.round(v * 255f)));
                    maxChange = Math.max(maxChange, Math.abs(v - q / 255.0));
                    body[(y * w + x) * c + ch] = (byte) q;
                }
            }
        }
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + h + ", " + w + ", " + c + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(10 + header.length() + body.length);
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        Files.write(file, out.toByteArray());
        return maxChange;
    }
}
