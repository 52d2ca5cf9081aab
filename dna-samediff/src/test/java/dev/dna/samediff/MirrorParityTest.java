package dev.dna.samediff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dna.api.Ablation;
import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.Diffusion;
import dev.dna.api.Restorers;
import dev.dna.samediff.graph.EpsNet;
import dev.dna.samediff.graph.JointGraph;
import dev.dna.samediff.graph.JointGraphTest;
import dev.dna.samediff.graph.LayersGradientTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The PyTorch mirror ({@code tools/torch_reference.py}, which calibrated the recipe on a GPU) computes the same
 * training step as the Java engine: one step of each variant, in float64, with the Java parameters, inputs, noise,
 * levels, shuffle masks and dropout masks, gives the same loss terms and the same gradient for every parameter.
 * Needs {@code python3} with PyTorch (Debian's {@code python3-torch}); skipped where it is missing, except with
 * {@code DNA_REQUIRE_MIRROR=1}, which {@code .ci/run} sets after installing it, so that CI always runs it.
 */
public class MirrorParityTest {
    private static final Path SCRIPT = Path.of("..", "tools", "torch_reference.py");

    private static String python;

    @TempDir
    Path dir;

    /** The mirror's interpreter ({@link MirrorPython}): skipped without one, failed without one in CI. */
    @BeforeAll
    static void needsPyTorch() {
        python = MirrorPython.require(SCRIPT);
    }

    /** A small plan with every part the mirror has: a depth-2 UNet, EpsNet with attention, dropout and GroupNorm. */
    static AdaptationPlan plan() {
        return Adaptation.of(Restorers.unet(4, 2))
                .withDiffusion(Diffusion.unet(8).multipliers(1, 2).resBlocks(1).groups(4).middleAttention(true).dropout(0.2))
                .channelShuffle()
                .residualSwap()
                .patchSize(8)
                .batchSize(3)
                .seed(11)
                .build();
    }

    @ParameterizedTest
    @EnumSource(Ablation.class)
    void theMirrorComputesTheSameLossesAndGradients(Ablation variant) throws Exception {
        checkParity(plan().ablation(variant), variant);
    }

    /** The triplet hinge per sample (tripletGroups = batch), the authors' per-GPU hinge in the limit. */
    @org.junit.jupiter.api.Test
    void theMirrorComputesTheGroupedHingeAlike() throws Exception {
        // a margin at which some samples' hinges are active and others not, so that grouping changes L_noise
        for (double margin : new double[] {0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3}) {
            AdaptationPlan grouped = Adaptation.from(plan()).tripletGroups(3).tripletMargin(margin).build();
            double a = noiseLoss(grouped);
            double b = noiseLoss(Adaptation.from(grouped).tripletGroups(1).build());
            if (Math.abs(a - b) > 1e-6 * Math.abs(b)) {
                checkParity(grouped, Ablation.FULL);
                return;
            }
        }
        org.junit.jupiter.api.Assertions.fail("no margin made the grouped hinge differ from the batch hinge");
    }

    /** L_noise of {@code plan}'s graph with the weights and feed {@link #checkParity} uses. */
    private static double noiseLoss(AdaptationPlan plan) {
        JointGraph g = JointGraph.build(plan, DataType.DOUBLE);
        randomize(g);
        return g.sd.output(JointGraphTest.feed(g, 7, 0.6), JointGraph.L_NOISE).get(JointGraph.L_NOISE).getDouble(0);
    }

    private static void randomize(JointGraph g) {
        long seed = 100;
        for (String p : g.parameterNames()) {
            INDArray w = g.sd.getVariable(p).getArr();
            w.addi(LayersGradientTest.random(seed++, w.shape()).muli(0.1));
        }
    }

    private void checkParity(AdaptationPlan plan, Ablation variant) throws Exception {
        JointGraph g = JointGraph.build(plan, DataType.DOUBLE);
        Map<String, INDArray> feed = JointGraphTest.feed(g, 7, 0.6);
        List<String> params = g.parameterNames();
        // perturbed weights, so that the comparison does not rest on the initialization alone (and so that
        // plans with zeroInitOutputs would carry gradient on every path)
        randomize(g);
        OutAndGrad og = g.sd.calculateGradientsAndOutputs(feed, g.lossTerms, params);

        Map<String, INDArray> arrays = new LinkedHashMap<>(feed);
        for (String p : params) {
            arrays.put(p, g.sd.getVariable(p).getArr());
            arrays.put("grad:" + p, og.getGradients().get(p));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = json.createObjectNode();
        ObjectNode shapes = manifest.putObject("arrays");
        ObjectNode files = manifest.putObject("files");
        int i = 0;
        for (var e : arrays.entrySet()) {
            String file = "a" + (i++) + ".f64";
            write(dir.resolve(file), e.getValue());
            files.put(e.getKey(), file);
            var shape = shapes.putArray(e.getKey());
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
        }
        ObjectNode terms = manifest.putObject("terms");
        for (String t : g.lossTerms) {
            terms.put(t, og.getOutputs().get(t).getDouble(0));
        }
        Files.writeString(dir.resolve("manifest.json"), json.writeValueAsString(manifest));
        Files.writeString(dir.resolve("plan.json"), g.plan.toJson());

        Process p = new ProcessBuilder(python, SCRIPT.toString(), "parity", "--dir", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the mirror did not finish");
        assertEquals(0, p.exitValue(), "the mirror failed:\n" + out);
        System.out.println("mirror parity, " + variant + ": " + out);
        JsonNode r = json.readTree(out.substring(out.lastIndexOf('\n') + 1));
        assertEquals(variant.name().toLowerCase(java.util.Locale.ROOT), r.get("variant").asText());
        assertEquals(params.size(), r.get("params_compared").asInt(), out);
        assertEquals(g.lossTerms.stream().filter(t -> !t.equals(JointGraph.L_NOISE)).count(), r.get("terms_compared").size(), out);
        if (variant != Ablation.VANILLA) {
            double noiseGrad = og.getGradients().get("D/in/W").norm2Number().doubleValue();
            assertTrue(noiseGrad > 1e-3, "the diffusion loss must send gradient through EpsNet, |dL/dD/in/W| = " + noiseGrad);
        }
        assertTrue(r.get("max_term_rel").asDouble() < 1e-8, "loss terms differ: " + out);
        assertTrue(r.get("max_grad_rel").asDouble() < 1e-6, "gradients differ: " + out);
    }

    private static void write(Path file, INDArray a) throws IOException {
        double[] v = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        ByteBuffer buf = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            buf.putDouble(x);
        }
        Files.write(file, buf.array());
    }
}
