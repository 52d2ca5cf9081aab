package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Diffusion;
import dev.dna.api.Restorers;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.ImageSet;
import dev.dna.api.data.PatchDataset;
import dev.dna.api.data.PatchSampler;
import dev.dna.api.degrade.Awgn;
import dev.dna.api.degrade.CameraNoise;
import dev.dna.api.degrade.Degradation;
import dev.dna.api.image.Image;
import dev.dna.samediff.graph.RestorerNets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

public class TrainerTest {
    public static final ImageSet PHOTOS = EmbeddedImages.load().select(0, 1, 3);

    @TempDir
    Path tmp;

    public static AdaptationPlan plan(int steps) {
        return Adaptation.of(Restorers.unet(4, 2))
                .withDiffusion(Diffusion.unet(4).multipliers(1, 2).resBlocks(1).groups(2).middleAttention(true).dropout(0.2))
                .channelShuffle()
                .residualSwap()
                .patchSize(16)
                .batchSize(2)
                .steps(steps)
                .emaDecay(0.99)
                .learningRate(1e-3)
                .seed(11)
                .build();
    }

    public static PatchDataset synthetic(AdaptationPlan p) {
        return PatchDataset.synthetic(PHOTOS, Awgn.sigma255(10, 30), new PatchSampler(p.patchSize(), p.augment()));
    }

    public static PatchDataset real(AdaptationPlan p) {
        return PatchDataset.synthetic(PHOTOS, CameraNoise.typical().withJpeg(0, 0), new PatchSampler(p.patchSize(), p.augment()));
    }

    static List<Map<String, Double>> record(SameDiffTrainer t, AdaptationPlan p) {
        List<Map<String, Double>> losses = new ArrayList<>();
        t.progressBar(false).listener(new TrainingListener() {
            @Override
            public void onStep(StepReport r) {
                losses.add(r.losses());
            }
        }).fit(synthetic(p), real(p));
        return losses;
    }

    @Test
    void sameSeedGivesIdenticalLosses() {
        AdaptationPlan p = plan(3);
        List<Map<String, Double>> a = record(SameDiffTrainer.create(p), p);
        List<Map<String, Double>> b = record(SameDiffTrainer.create(p), p);
        assertEquals(3, a.size());
        assertEquals(List.of("loss", "l_res", "mse_pos", "mse_neg", "hinge", "l_noise"), List.copyOf(a.get(0).keySet()));
        assertEquals(a, b);
        AdaptationPlan other = Adaptation.from(p).seed(12).build();
        assertNotEquals(a, record(SameDiffTrainer.create(other), other));
    }

    @Test
    void resumeContinuesExactlyAsAnUninterruptedRun() throws IOException {
        AdaptationPlan p = plan(4);
        TrainedRestorer straight = SameDiffTrainer.create(p).progressBar(false).fit(synthetic(p), real(p));
        Path ckpt = tmp.resolve("run.ckpt");
        SameDiffTrainer t = SameDiffTrainer.create(p).progressBar(false).checkpointEvery(100, ckpt);
        t.stopAfter(2).fit(synthetic(p), real(p));
        assertTrue(Files.exists(ckpt));
        TrainedRestorer resumed = t.resume(ckpt, synthetic(p), real(p));
        Map<String, INDArray> a = straight.weights();
        Map<String, INDArray> b = resumed.weights();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertEquals(a.get(k), b.get(k), "weight " + k + " differs after 2 + resume + 2 steps vs 4 steps");
        }
    }

    @Test
    void aResumedRunsLogHoldsEachStepOnceWithTheRowsOfAnUninterruptedRun() throws IOException {
        AdaptationPlan p = plan(4);
        Path straightCsv = tmp.resolve("straight.csv");
        SameDiffTrainer.create(p).progressBar(false).logCsv(straightCsv).fit(synthetic(p), real(p));
        // interrupted after step 3, the last checkpoint at step 2: the log holds step 3, which the resumed run redoes
        Path csv = tmp.resolve("resumed.csv");
        Path ckpt = tmp.resolve("every2.ckpt");
        SameDiffTrainer t = SameDiffTrainer.create(p).progressBar(false).logCsv(csv).checkpointEvery(2, ckpt);
        t.stopAfter(3).fit(synthetic(p), real(p));
        assertEquals(4, Files.readAllLines(csv).size(), "header and steps 1-3");
        t.resume(ckpt, synthetic(p), real(p));
        List<String> got = Files.readAllLines(csv);
        List<String> want = Files.readAllLines(straightCsv);
        assertEquals(want.size(), got.size(), String.join("\n", got));
        for (int i = 0; i < want.size(); i++) {
            String[] w = want.get(i).split(",", -1);
            String[] g = got.get(i).split(",", -1);
            int seconds = java.util.Arrays.asList(want.get(0).split(",")).indexOf("seconds");
            w[seconds] = g[seconds] = "";
            assertEquals(String.join(",", w), String.join(",", g), "row " + i + " (all but the time)");
        }
    }

    @Test
    void theParameterLogHoldsEachParametersGradientAndWeightNormOncePerStep() throws IOException {
        AdaptationPlan p = plan(4);
        Path csv = tmp.resolve("parameters.csv");
        Path ckpt = tmp.resolve("params.ckpt");
        SameDiffTrainer t = SameDiffTrainer.create(p).progressBar(false).logParameters(csv).checkpointEvery(2, ckpt);
        t.stopAfter(3).fit(synthetic(p), real(p));
        t.resume(ckpt, synthetic(p), real(p)); // step 3 is redone: its row must not appear twice
        List<String> rows = Files.readAllLines(csv);
        List<String> header = List.of(rows.get(0).split(","));
        long params = header.stream().filter(h -> h.startsWith("grad:")).count();
        assertTrue(params > 10, header.toString());
        assertEquals(1 + 2 * params, header.size());
        assertTrue(header.contains("grad:" + header.get(1).substring(5)) && header.contains("weight:" + header.get(1).substring(5)));
        assertEquals(5, rows.size(), "header and steps 1-4 once each");
        for (int r = 1; r <= 4; r++) {
            String[] c = rows.get(r).split(",");
            assertEquals(String.valueOf(r), c[0]);
            assertEquals(header.size(), c.length);
            for (int i = 1; i < c.length; i++) {
                double x = Double.parseDouble(c[i]);
                assertTrue(Double.isFinite(x) && x >= 0, header.get(i) + " at step " + r + ": " + c[i]);
            }
        }
        // the weights move between steps, and the norms are those of the weights the step started from
        int w = header.indexOf("weight:" + header.get(1).substring(5));
        assertNotEquals(rows.get(1).split(",")[w], rows.get(2).split(",")[w]);
        assertTrue(java.util.Arrays.stream(rows.get(1).split(",")).skip(1).limit(params).anyMatch(x -> Double.parseDouble(x) > 0),
                "some gradient is not zero");
    }

    @Test
    void theLogCarriesTheHingeAnOlderLogIsReplacedOnAFreshStartAndWidenedOnResumeAndAnotherPlansIsRefused() throws IOException {
        AdaptationPlan p = plan(3);
        Path csv = tmp.resolve("older.csv");
        String older = "step,lambda,loss,l_res,mse_pos,mse_neg,l_noise,seconds,val_psnr,val_ssim,grad_res,grad_noise,"
                + "val_psnr_raw,val_ssim_raw";
        Files.writeString(csv, older + "\n1,0,0.5,0.4,0.1,0.2,0.05,0.1,,,,,,\n");
        Path ckpt = tmp.resolve("hinge.ckpt");
        SameDiffTrainer t = SameDiffTrainer.create(p).progressBar(false).logCsv(csv).checkpointEvery(1, ckpt);
        t.stopAfter(2).fit(synthetic(p), real(p));
        List<String> lines = Files.readAllLines(csv);
        List<String> cols = List.of(lines.get(0).split(","));
        assertEquals(List.of("step", "lambda", "loss", "l_res", "mse_pos", "mse_neg", "hinge", "l_noise"), cols.subList(0, 8),
                "a fresh start writes its own header");
        assertEquals(3, lines.size(), "header and steps 1-2: the older run's row is gone");
        for (String line : lines.subList(1, 3)) {
            String[] c = line.split(",", -1);
            double pos = Double.parseDouble(c[4]), neg = Double.parseDouble(c[5]), hinge = Double.parseDouble(c[6]);
            double lnoise = Double.parseDouble(c[7]);
            assertEquals(Math.max(0, p.loss().tripletMargin() + pos - neg), hinge, 1e-6, line);
            assertEquals(0.5 * (pos + hinge), lnoise, 1e-6, line);
        }
        // a log whose header and rows disagree, or of another plan's columns, would misalign: refused and left as it is
        List<String> relabelled = new ArrayList<>(lines);
        relabelled.set(0, older);
        List<String> otherPlan = new ArrayList<>(lines);
        otherPlan.set(0, lines.get(0).replace("hinge", "foo"));
        for (List<String> refused : List.of(relabelled, otherPlan)) {
            Files.write(csv, refused);
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> t.resume(ckpt, synthetic(p), real(p)));
            assertTrue(e.getMessage().startsWith("cannot append to " + csv), e.getMessage());
            assertEquals(refused, Files.readAllLines(csv), "the refused log is kept");
        }
        // the older version's log of the same run (no hinge column): widened, its rows kept with the hinge left empty
        List<String> olderLog = new ArrayList<>();
        for (String line : lines) {
            List<String> c = new ArrayList<>(List.of(line.split(",", -1)));
            c.remove(6);
            olderLog.add(String.join(",", c));
        }
        Files.write(csv, olderLog);
        t.resume(ckpt, synthetic(p), real(p));
        List<String> widened = Files.readAllLines(csv);
        assertEquals(lines.get(0), widened.get(0));
        assertEquals(4, widened.size(), "header, steps 1-2 of the older log, step 3");
        for (int r = 1; r <= 2; r++) {
            List<String> c = new ArrayList<>(List.of(lines.get(r).split(",", -1)));
            c.set(6, "");
            assertEquals(String.join(",", c), widened.get(r), "an older row keeps its values, the hinge empty");
        }
        String[] step3 = widened.get(3).split(",", -1);
        assertEquals("3", step3[0]);
        assertEquals(Math.max(0, p.loss().tripletMargin() + Double.parseDouble(step3[4]) - Double.parseDouble(step3[5])),
                Double.parseDouble(step3[6]), 1e-6);
    }

    @Test
    void badCheckpointsAreRefusedAndTheGoodOneIsKept() throws IOException {
        AdaptationPlan p = plan(2);
        Path ckpt = tmp.resolve("good.ckpt");
        SameDiffTrainer t = SameDiffTrainer.create(p).progressBar(false).checkpointEvery(1, ckpt);
        t.stopAfter(1).fit(synthetic(p), real(p));
        byte[] good = Files.readAllBytes(ckpt);

        Path truncated = tmp.resolve("truncated.ckpt");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 2));
        IOException e1 = assertThrows(IOException.class, () -> t.resume(truncated, synthetic(p), real(p)));
        assertTrue(e1.getMessage().contains("corrupt"), e1.getMessage());

        AdaptationPlan other = Adaptation.from(p).seed(99).build();
        IOException e2 = assertThrows(IOException.class,
                () -> SameDiffTrainer.create(other).progressBar(false).resume(ckpt, synthetic(other), real(other)));
        assertTrue(e2.getMessage().contains("different plan") && e2.getMessage().contains("seed"), e2.getMessage());

        // another learning rate: refused unless asked for; then the run goes on from the checkpoint at the new rate
        AdaptationPlan slower = Adaptation.from(p).learningRate(p.optimizer().learningRate() / 10).build();
        IOException lr = assertThrows(IOException.class,
                () -> SameDiffTrainer.create(slower).progressBar(false).resume(ckpt, synthetic(slower), real(slower)));
        assertTrue(lr.getMessage().contains("learningRate"), lr.getMessage());
        Map<String, INDArray> atSameRate = SameDiffTrainer.create(p).progressBar(false).resume(ckpt, synthetic(p), real(p))
                .weights();
        Map<String, INDArray> atLowerRate = SameDiffTrainer.create(slower).progressBar(false).acceptOtherOptimizer(true)
                .resume(ckpt, synthetic(slower), real(slower)).weights();
        String k = atSameRate.keySet().iterator().next();
        assertNotEquals(atSameRate.get(k), atLowerRate.get(k), "step 2 at a tenth of the rate");
        assertArrayEquals(good, Files.readAllBytes(ckpt), "a resume without checkpointEvery leaves the checkpoint as it was");

        // other images than the run was trained on: refused, naming both
        PatchDataset otherPhotos = PatchDataset.synthetic(PHOTOS.select(0, 1), Awgn.sigma255(10, 30),
                new PatchSampler(p.patchSize(), p.augment()));
        IOException e3 = assertThrows(IOException.class, () -> t.resume(ckpt, otherPhotos, real(p)));
        assertTrue(e3.getMessage().contains("was trained on other data") && e3.getMessage().contains("now given: synthetic from 2 images"),
                e3.getMessage());
        IOException e4 = assertThrows(IOException.class, () -> t.resume(ckpt, PatchDataset.synthetic(PHOTOS, Awgn.sigma255(0, 30),
                new PatchSampler(p.patchSize(), p.augment())), real(p)));
        assertTrue(e4.getMessage().contains("awgn(sigma=0.0..30.0/255)"), e4.getMessage());

        Path junk = tmp.resolve("junk.ckpt");
        Files.writeString(junk, "not a checkpoint");
        assertThrows(IOException.class, () -> t.resume(junk, synthetic(p), real(p)));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> t.resume(tmp.resolve("none"), synthetic(p), real(p)));
        assertArrayEquals(good, Files.readAllBytes(ckpt), "the good checkpoint must be untouched");

        // a run that diverges does not overwrite the checkpoint either
        float[] nan = new float[3 * 32 * 32];
        java.util.Arrays.fill(nan, Float.NaN);
        ImageSet poisoned = ImageSet.of(List.of("nan.png"), List.of(Image.of(3, 32, 32, nan)));
        PatchDataset bad = PatchDataset.synthetic(poisoned, Awgn.sigma255(10, 10), PatchSampler.of(p));
        TrainingDivergedException d = assertThrows(TrainingDivergedException.class,
                () -> t.acceptOtherData(true).resume(ckpt, bad, real(p)));
        assertEquals(2, d.step());
        assertTrue(d.getMessage().contains("step 2") && d.getMessage().contains("'loss'"), d.getMessage());
        assertTrue(d.origin().matches("the input '(xs|ys)' fed to the step holds NaN.*"), d.origin()); // a synthetic batch
        assertArrayEquals(good, Files.readAllBytes(ckpt));
    }

    @Test
    void aNonFiniteGradientUnderFiniteLossesStopsTrainingNamingTheParameter() {
        // a user's restorer whose forward is finite (zero) and whose backward is NaN: M2.1's own swish at 100, times 0
        RestorerNets.register("nan-backward", (l, x, spec) -> {
            SDVariable h = l.conv("c1", x, 3, 3, 3);
            return l.sameDiff().nn().swish(h.mul(0.0).add(100.0)).mul(0.0);
        });
        AdaptationPlan p = Adaptation.of(Restorers.custom("nan-backward", 1)).patchSize(16).batchSize(2).steps(3).build();
        Path ckpt = tmp.resolve("nan.ckpt");
        SameDiffTrainer t = SameDiffTrainer.create(p).progressBar(false).checkpointEvery(1, ckpt);
        TrainingDivergedException d = assertThrows(TrainingDivergedException.class, () -> t.fit(synthetic(p), null));
        assertEquals(1, d.step());
        assertTrue(d.term().startsWith("G/c1/"), d.term());
        assertTrue(d.getMessage().contains("the gradient of parameter 'G/c1/") && d.getMessage().contains("every loss term is"),
                d.getMessage());
        assertTrue(!Files.exists(ckpt), "no checkpoint for a step that was not applied");
        // the first op that made a NaN out of finite values: swish's derivative at 100
        assertTrue(d.origin().contains("(_swishderivative) turned finite inputs") && d.origin().contains("max |x| 100"),
                d.origin());
    }

    @Test
    void aDivergenceAfterReplayedStepsIsTracedToTheOpThatMadeIt() {
        // finite inputs that grow to 100 from the 9th patch (batch 2: step 5), after steps replayed without the session
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Degradation growing = new Degradation() {
            @Override
            public Image apply(Image clean, org.apache.commons.rng.UniformRandomProvider rng) {
                return calls.incrementAndGet() > 8 ? Image.filled(3, clean.height(), clean.width(), 100f) : clean;
            }

            @Override
            public String describe() {
                return "100 from the 9th image";
            }
        };
        // M2.1's swish derivative is NaN from 44.4: at 100 the restorer's weights get a NaN gradient, its output stays 0
        RestorerNets.register("swish-of-input", (l, x, spec) ->
                l.sameDiff().nn().swish(x.add(l.conv("c1", x, 3, 3, 3).mul(0.0))).mul(0.0));
        AdaptationPlan p = Adaptation.of(Restorers.custom("swish-of-input", 1)).patchSize(16).batchSize(2).steps(8).build();
        PatchDataset pairs = PatchDataset.synthetic(PHOTOS, growing, new PatchSampler(p.patchSize(), p.augment()));
        TrainingDivergedException d = assertThrows(TrainingDivergedException.class,
                () -> SameDiffTrainer.create(p).progressBar(false).fit(pairs, null));
        assertEquals(5, d.step());
        assertTrue(d.term().startsWith("G/c1/"), d.term());
        assertTrue(d.origin().contains("(_swishderivative) turned finite inputs") && d.origin().contains("max |x| 100"),
                d.origin());
    }

    @Test
    void vanillaTrainingLowersTheLossAndLogsCsvAndValidation() throws IOException {
        AdaptationPlan p = Adaptation.of(Restorers.dncnn(4, 8)).patchSize(16).batchSize(4).steps(40).learningRate(3e-3)
                .emaDecay(0.9).seed(1).build();
        Path csv = tmp.resolve("log.csv");
        ImageSet clean = PHOTOS.select(0);
        ImageSet noisy = ImageSet.of(clean.names(), List.of(Awgn.sigma255(25, 25).apply(clean.get(0).crop(0, 0, 48, 40), 5L)));
        ImageSet cleanCrop = ImageSet.of(clean.names(), List.of(clean.get(0).crop(0, 0, 48, 40)));
        List<Double> loss = new ArrayList<>();
        List<ValidationReport> vals = new ArrayList<>();
        TrainedRestorer r = SameDiffTrainer.create(p).progressBar(false).logCsv(csv).validateEvery(20, noisy, cleanCrop)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepReport s) {
                        loss.add(s.loss());
                    }

                    @Override
                    public void onValidation(ValidationReport v) {
                        vals.add(v);
                    }
                }).fit(synthetic(p), null);
        double first = loss.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double lastAvg = loss.subList(35, 40).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(lastAvg < 0.8 * first, "loss did not fall: " + first + " -> " + lastAvg);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("step,lambda,loss,l_res,seconds,val_psnr,val_ssim,grad_res,grad_noise,val_psnr_raw,val_ssim_raw,lr,grad_norm,spike",
                lines.get(0));
        assertEquals(41, lines.size());
        assertEquals(2, vals.size());
        String[] row = lines.get(20).split(",", -1);
        assertEquals(14, row.length, lines.get(20));
        assertEquals("", row[13], "no spike: " + lines.get(20));
        assertEquals("", row[8], "grad_noise empty: no diffusion");
        assertEquals(p.optimizer().learningRate(), Double.parseDouble(row[11]), 1e-12, "lr: the plan's constant rate");
        assertTrue(Double.parseDouble(row[12]) > 0, "grad_norm: " + lines.get(20));
        // the raw weights are validated beside the EMA (the authors validate the raw ones)
        assertEquals(String.format(java.util.Locale.ROOT, "%.4f", vals.get(0).rawPsnr()), row[9]);
        assertTrue(vals.get(0).rawPsnr() > vals.get(0).inputPsnr() - 10 && Double.isFinite(vals.get(1).rawSsim()), vals.toString());
        if (p.emaDecay() > 0) {
            assertNotEquals(vals.get(0).psnr(), vals.get(0).rawPsnr(), "EMA and raw weights differ after 20 steps");
        }
        assertTrue(vals.get(0).restorationGradNorm() > 0 && Double.isNaN(vals.get(0).noiseGradNorm()), vals.toString());
        assertTrue(vals.get(1).psnr() > vals.get(0).psnr(), "validation PSNR should rise with training: " + vals);
        assertTrue(vals.get(0).inputPsnr() > 15 && vals.get(0).inputPsnr() < 25, "input PSNR at sigma 25: " + vals);
        assertEquals(3, r.restore(noisy.get(0)).channels());
    }

    @Test
    void aFinishedRunExtendsWithMoreStepsExactlyAsALongerRunWhenItsRampDoesNotDependOnTheLength() throws IOException {
        AdaptationPlan longer = Adaptation.from(plan(4)).noiseWeight(1.0).noiseWeightRamp(5, 3).build();
        AdaptationPlan shorter = Adaptation.from(longer).steps(2).build();
        TrainedRestorer straight = SameDiffTrainer.create(longer).progressBar(false).fit(synthetic(longer), real(longer));
        Path ckpt = tmp.resolve("short.ckpt");
        SameDiffTrainer.create(shorter).progressBar(false).checkpointEvery(100, ckpt).fit(synthetic(shorter), real(shorter));
        TrainedRestorer extended = SameDiffTrainer.create(longer).progressBar(false).resume(ckpt, synthetic(longer), real(longer));
        for (String k : straight.weights().keySet()) {
            assertEquals(straight.weights().get(k), extended.weights().get(k), "weight " + k);
        }
        assertEquals(longer, AdaptationPlan.fromJson(extended.planJson()));
        // a ramp over the whole run would change lambda at the steps already done: refused, saying so
        AdaptationPlan wholeRun = Adaptation.from(longer).noiseWeightRamp(5, 0).build();
        AdaptationPlan wholeRunShort = Adaptation.from(wholeRun).steps(2).build();
        Path ckpt2 = tmp.resolve("whole.ckpt");
        SameDiffTrainer.create(wholeRunShort).progressBar(false).checkpointEvery(100, ckpt2).fit(synthetic(wholeRunShort),
                real(wholeRunShort));
        IOException e = assertThrows(IOException.class, () -> SameDiffTrainer.create(wholeRun).progressBar(false).resume(ckpt2,
                synthetic(wholeRun), real(wholeRun)));
        assertTrue(e.getMessage().contains("ramp spans the whole run"), e.getMessage());
        // fewer steps than done: refused
        AdaptationPlan one = Adaptation.from(longer).steps(1).build();
        IOException f = assertThrows(IOException.class, () -> SameDiffTrainer.create(one).progressBar(false).resume(ckpt,
                synthetic(one), real(one)));
        assertTrue(f.getMessage().contains("has done 2 steps, more than the 1 asked for"), f.getMessage());
    }

    @Test
    void theRestorerComesOutOfACheckpointAsTrainingWouldReturnIt() throws IOException {
        for (double decay : new double[] {0.9, 0.0}) { // the EMA, or without it the raw weights
            AdaptationPlan q = Adaptation.from(plan(3)).emaDecay(decay).build();
            Path ckpt = tmp.resolve("ema" + decay + ".ckpt");
            TrainedRestorer returned = SameDiffTrainer.create(q).progressBar(false).checkpointEvery(3, ckpt).fit(synthetic(q), real(q));
            TrainedRestorer fromCheckpoint = TrainedRestorer.load(ckpt);
            assertEquals(q, AdaptationPlan.fromJson(fromCheckpoint.planJson()));
            for (String k : returned.weights().keySet()) {
                assertEquals(returned.weights().get(k), fromCheckpoint.weights().get(k), decay + ": weight " + k);
            }
        }
    }

    @Test
    void keepBestSavesTheRestorerOfTheBestValidationAndAResumedRunKeepsTheSameOne() throws IOException {
        // a learning rate far too high and no EMA: the validation PSNR jumps about, so the best is not the last step
        AdaptationPlan p = Adaptation.of(Restorers.dncnn(4, 8)).patchSize(16).batchSize(4).steps(40).learningRate(3e-2)
                .emaDecay(0).seed(1).build();
        Image crop = PHOTOS.get(0).crop(0, 0, 40, 40);
        ImageSet noisy = ImageSet.of(List.of("v"), List.of(Awgn.sigma255(25, 25).apply(crop, 5L)));
        ImageSet clean = ImageSet.of(List.of("v"), List.of(crop));
        List<ValidationReport> vals = new ArrayList<>();
        Path best = tmp.resolve("best.dna");
        TrainedRestorer last = SameDiffTrainer.create(p).progressBar(false).validateEvery(5, noisy, clean).keepBest(best)
                .listener(new TrainingListener() {
                    @Override
                    public void onValidation(ValidationReport v) {
                        vals.add(v);
                    }
                }).fit(synthetic(p), null);
        ValidationReport top = vals.stream().max(java.util.Comparator.comparingDouble(ValidationReport::psnr)).orElseThrow();
        assertTrue(top.step() < 40, "the best validation should be before the end here: " + vals);
        TrainedRestorer kept = TrainedRestorer.load(best);
        double psnr = dev.dna.api.metrics.Metrics.psnr(crop, kept.restore(noisy.get(0)));
        assertEquals(top.psnr(), psnr, 1e-9, "the kept restorer is the one validated best");

        // interrupted at the best step and resumed: the later, worse validations must not replace the kept restorer
        // (they would if the resumed run forgot the best so far, recorded in the checkpoint)
        Path ckpt = tmp.resolve("run.ckpt");
        Path best2 = tmp.resolve("best2.dna");
        SameDiffTrainer t = SameDiffTrainer.create(p).progressBar(false).validateEvery(5, noisy, clean).keepBest(best2)
                .checkpointEvery(5, ckpt);
        t.stopAfter(top.step()).fit(synthetic(p), null);
        t.resume(ckpt, synthetic(p), null);
        TrainedRestorer kept2 = TrainedRestorer.load(best2);
        // the same restorer up to float noise (once, under load, the runs differed in the last bits, which this learning
        // rate amplifies): its validation PSNR is the best one; a resumed run that forgot the best would have kept the
        // last step's, at least 0.02 dB away
        double lastPsnr = dev.dna.api.metrics.Metrics.psnr(crop, last.restore(noisy.get(0)));
        assertTrue(top.psnr() - lastPsnr > 0.02, "the best and the last validation must differ for this test to tell: " + vals);
        assertEquals(top.psnr(), dev.dna.api.metrics.Metrics.psnr(crop, kept2.restore(noisy.get(0))), 0.005);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SameDiffTrainer.create(p).progressBar(false).keepBest(best).fit(synthetic(p), null));
        assertTrue(e.getMessage().contains("validateEvery"), e.getMessage());
    }

    @Test
    void gradientNormsShowTheDiffusionLossReachesTheRestorerOnlyWhenNotDetached() {
        AdaptationPlan p = Adaptation.from(plan(6)).noiseWeight(1.0).noiseWeightRamp(5, 1).build();
        ImageSet clean = ImageSet.of(PHOTOS.select(0).names(), List.of(PHOTOS.get(0).crop(0, 0, 32, 32)));
        ImageSet noisy = ImageSet.of(clean.names(), List.of(Awgn.sigma255(25, 25).apply(clean.get(0), 5L)));
        for (boolean detach : new boolean[] {false, true}) {
            AdaptationPlan q = Adaptation.from(p).detachConditions(detach).build();
            List<ValidationReport> vals = new ArrayList<>();
            TrainedRestorer measured = SameDiffTrainer.create(q).progressBar(false).validateEvery(3, noisy, clean)
                    .listener(new TrainingListener() {
                        @Override
                        public void onValidation(ValidationReport v) {
                            vals.add(v);
                        }
                    }).fit(synthetic(q), real(q));
            assertEquals(2, vals.size());
            for (ValidationReport v : vals) {
                assertTrue(v.restorationGradNorm() > 0, v.toString());
                if (detach) {
                    assertEquals(0.0, v.noiseGradNorm(), 0.0, "detached conditions must send no gradient into G: " + v);
                } else {
                    assertTrue(v.noiseGradNorm() > 1e-6, "the diffusion loss must reach G: " + v);
                }
            }
            // measuring draws nothing random and changes no weight
            TrainedRestorer plain = SameDiffTrainer.create(q).progressBar(false).fit(synthetic(q), real(q));
            for (String k : plain.weights().keySet()) {
                assertEquals(plain.weights().get(k), measured.weights().get(k), "weight " + k);
            }
        }
    }
}
