package dev.dna.onnx;

import dev.dna.api.Adaptation;
import dev.dna.api.AdaptationPlan;
import dev.dna.api.data.EmbeddedImages;
import dev.dna.api.data.PatchDataset;
import dev.dna.api.data.PatchSampler;
import dev.dna.api.degrade.Awgn;
import dev.dna.samediff.SameDiffTrainer;
import dev.dna.samediff.StepReport;
import dev.dna.samediff.TrainingListener;
import static dev.dna.onnx.TestModels.f;
import static dev.dna.onnx.TestModels.i;
import static dev.dna.onnx.TestModels.ints;
import static dev.dna.onnx.TestModels.s;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dna.api.Restorers;
import dev.dna.api.image.ImageBatch;
import dev.dna.api.random.Rngs;
import dev.dna.api.spec.OnnxRestorerSpec;
import dev.dna.api.spec.ValueRange;
import dev.dna.samediff.graph.GradCheck;
import dev.dna.samediff.graph.Layers;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import onnx.Onnx;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every op mapping beyond the PyTorch fixtures, on models written in Java: the imported graph computes what ONNX
 * Runtime computes from the file, and its gradients (the ones training follows, in double precision, static shapes
 * as in the joint graph) match central differences.
 */
class OpImportersTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(Named.<Function<TestModels, String>>of("grouped, strided and transposed convolutions", m -> {
                    String c1 = m.node("Conv", new String[] {"input", m.weight("w1", 0.5, 6, 1, 3, 3), m.weight("b1", 0.1, 6)},
                            i("group", 3), ints("pads", 1, 1, 1, 1), ints("kernel_shape", 3, 3));
                    String r = m.node("Relu", new String[] {c1});
                    String c2 = m.node("Conv", new String[] {r, m.weight("w2", 0.3, 4, 6, 3, 3)}, ints("strides", 2, 2),
                            ints("pads", 1, 1, 1, 1));
                    return m.node("ConvTranspose", new String[] {c2, m.weight("wt", 0.3, 4, 3, 3, 3), m.weight("bt", 0.1, 3)},
                            ints("strides", 2, 2), ints("pads", 1, 1, 1, 1), ints("output_padding", 1, 1));
                })),
                Arguments.of(Named.<Function<TestModels, String>>of("norms and activations", m -> {
                    String n = m.node("InstanceNormalization", new String[] {"input", m.weight("g", 2, 3), m.weight("b", 0.5, 3)},
                            f("epsilon", 1e-5f));
                    String p = m.node("PRelu", new String[] {n, m.weight("slope", 0.5, 3, 1, 1)});
                    String c = m.node("Clip", new String[] {p, m.floats("lo", new long[0], -0.5f), m.floats("hi", new long[0], 0.8f)});
                    String t = m.node("Tanh", new String[] {c});
                    String lr = m.node("LeakyRelu", new String[] {t}, f("alpha", 0.1f));
                    String sg = m.node("Sigmoid", new String[] {p});
                    return m.node("Add", new String[] {lr, sg});
                })),
                Arguments.of(Named.<Function<TestModels, String>>of("pads and pools", m -> {
                    String pr = m.node("Pad", new String[] {"input", m.longs("p1", 0, 0, 1, 1, 0, 0, 1, 1)}, s("mode", "reflect"));
                    String a = m.node("Conv", new String[] {pr, m.weight("w", 0.3, 3, 3, 3, 3)});
                    String pe = m.node("Pad", new String[] {"input", m.longs("p2", 0, 0, 1, 1, 0, 0, 1, 1)}, s("mode", "edge"));
                    String b = m.node("AveragePool", new String[] {pe}, ints("kernel_shape", 3, 3));
                    String mp = m.node("MaxPool", new String[] {"input"}, ints("kernel_shape", 2, 2), ints("strides", 2, 2));
                    String up = m.node("Resize", new String[] {mp, "", m.floats("sc", new long[] {4}, 1, 1, 2, 2)},
                            s("mode", "nearest"));
                    String pc = m.node("Pad", new String[] {"input", m.longs("p3", 0, 0, 2, 0, 0, 0, 0, 2),
                        m.floats("cv", new long[0], 0.25f)}, s("mode", "constant"));
                    String d = m.node("Conv", new String[] {pc, m.weight("w3", 0.3, 3, 3, 3, 3)});
                    return m.node("Add", new String[] {m.node("Add", new String[] {a, b}), m.node("Add", new String[] {up, d})});
                })),
                Arguments.of(Named.<Function<TestModels, String>>of("linear resize, attention, concat, frozen BN", m -> {
                    String ap = m.node("AveragePool", new String[] {"input"}, ints("kernel_shape", 2, 2), ints("strides", 2, 2));
                    String up = m.node("Resize", new String[] {ap, "", m.floats("sc", new long[] {4}, 1, 1, 2, 2)},
                            s("mode", "linear"), s("coordinate_transformation_mode", "half_pixel"));
                    String gp = m.node("GlobalAveragePool", new String[] {"input"});
                    String att = m.node("Mul", new String[] {"input", m.node("Sigmoid", new String[] {gp})});
                    String half = m.node("Div", new String[] {att, m.floats("two", new long[0], 2f)});
                    String diff = m.node("Sub", new String[] {half, up});
                    String cat = m.node("Concat", new String[] {diff, up}, i("axis", 1));
                    String c = m.node("Conv", new String[] {cat, m.weight("w", 0.4, 3, 6, 1, 1)});
                    String sum = m.node("Add", new String[] {c, "input"});
                    return m.node("BatchNormalization", new String[] {sum, m.weight("g", 1, 3), m.weight("b", 0.2, 3),
                        m.weight("mu", 0.2, 3), m.floats("var", new long[] {3}, 0.5f, 1.5f, 2f)}, f("epsilon", 1e-5f));
                })),
                Arguments.of(Named.<Function<TestModels, String>>of("layer norm over channels, exact GELU, hard activations", m -> {
                    // NAFNet's LayerNorm2d as torch exports it: mean and variance over the channels
                    String mu = m.node("ReduceMean", new String[] {"input"}, ints("axes", 1));
                    String d = m.node("Sub", new String[] {"input", mu});
                    String var = m.node("ReduceMean", new String[] {m.node("Pow", new String[] {d, m.floats("two", new long[0], 2f)})},
                            ints("axes", 1));
                    String sd = m.node("Sqrt", new String[] {m.node("Add", new String[] {var, m.floats("eps", new long[0], 1e-6f)})});
                    String ln = m.node("Mul", new String[] {m.node("Div", new String[] {d, sd}), m.weight("g", 1, 3, 1, 1)});
                    // exact GELU: 0.5 x (1 + erf(x / sqrt 2))
                    String erf = m.node("Erf", new String[] {m.node("Div", new String[] {ln, m.floats("r2", new long[0], 1.4142135f)})});
                    String gelu = m.node("Mul", new String[] {m.node("Mul", new String[] {ln, m.floats("half", new long[0], 0.5f)}),
                        m.node("Add", new String[] {erf, m.floats("one", new long[0], 1f)})});
                    String hs = m.node("HardSwish", new String[] {"input"});
                    String hg = m.node("HardSigmoid", new String[] {"input"}, f("alpha", 0.3f), f("beta", 0.4f));
                    String rec = m.node("Reciprocal", new String[] {m.node("Add", new String[] {hg, m.floats("one2", new long[0], 1f)})});
                    String sq = m.node("Squeeze", new String[] {m.node("Unsqueeze", new String[] {rec, m.longs("ax0", 0)}),
                        m.longs("ax1", 0)});
                    // a channel gate from a spatial sum and a spatial L2 norm (squeeze-and-excitation-like)
                    String sum = m.node("ReduceSum", new String[] {"input", m.longs("hw", 2, 3)});
                    String l2 = m.node("ReduceL2", new String[] {"input"}, ints("axes", 2, 3));
                    String gate = m.node("Sigmoid", new String[] {m.node("Div", new String[] {sum, m.node("Add", new String[] {l2,
                        m.floats("one3", new long[0], 1f)})})});
                    String mx = m.node("ReduceMax", new String[] {"input"}, ints("axes", 1));
                    String a = m.node("Add", new String[] {gelu, m.node("Mul", new String[] {hs, gate})});
                    return m.node("Add", new String[] {m.node("Add", new String[] {a, sq}), m.node("Mul", new String[] {mx,
                        m.floats("k", new long[0], 0.1f)})});
                })),
                Arguments.of(Named.<Function<TestModels, String>>of("pixel unshuffle and shuffle, both channel orders", m -> {
                    String s2d = m.node("SpaceToDepth", new String[] {"input"}, i("blocksize", 2));
                    String c = m.node("Conv", new String[] {s2d, m.weight("w", 0.2, 12, 12, 3, 3), m.weight("b", 0.1, 12)},
                            ints("pads", 1, 1, 1, 1));
                    String crd = m.node("DepthToSpace", new String[] {c}, i("blocksize", 2), s("mode", "CRD"));
                    String dcr = m.node("DepthToSpace", new String[] {m.node("Relu", new String[] {c})}, i("blocksize", 2));
                    return m.node("Add", new String[] {crd, dcr});
                })),
                Arguments.of(Named.<Function<TestModels, String>>of("NAFNet's simple gate: a channel split and a product", m -> {
                    String c = m.node("Conv", new String[] {"input", m.weight("w", 0.3, 6, 3, 3, 3)}, ints("pads", 1, 1, 1, 1));
                    String[] halves = m.nodes("Split", new String[] {c, m.longs("sizes", 3, 3)}, 2, i("axis", 1));
                    String gate = m.node("Mul", new String[] {halves[0], halves[1]});
                    String[] thirds = m.nodes("Split", new String[] {c}, 3, i("axis", 1));
                    String two = m.node("Concat", new String[] {thirds[2], thirds[0]}, i("axis", 1));
                    String back = m.node("Conv", new String[] {two, m.weight("w2", 0.3, 3, 4, 1, 1)});
                    return m.node("Add", new String[] {gate, back});
                })),
                Arguments.of(Named.<Function<TestModels, String>>of("layer norm, attention along a row, expand", m -> {
                    String t = m.node("Transpose", new String[] {"input"}, ints("perm", 0, 2, 3, 1));
                    String ln = m.node("LayerNormalization", new String[] {t, m.weight("scale", 1, 3), m.weight("bias", 0.2, 3)},
                            i("axis", -1), f("epsilon", 1e-5f));
                    String x = m.node("Transpose", new String[] {ln}, ints("perm", 0, 3, 1, 2)); // [N, C, H, W]
                    String kt = m.node("Transpose", new String[] {x}, ints("perm", 0, 1, 3, 2)); // [N, C, W, H]
                    String scores = m.node("MatMul", new String[] {x, kt}); // [N, C, H, H]
                    String attn = m.node("Softmax", new String[] {m.node("Mul", new String[] {scores,
                        m.floats("temp", new long[0], 0.2f)})}, i("axis", -1));
                    String o = m.node("MatMul", new String[] {attn, x}); // [N, C, H, W]
                    // F.normalize's form: x / expand(max(norm, eps))
                    String norm = m.node("ReduceL2", new String[] {"input"}, ints("axes", 1));
                    String e = m.node("Expand", new String[] {m.node("Clip", new String[] {norm, m.floats("lo", new long[0], 1e-6f)}),
                        m.longs("to", 1, 3, 1, 1)});
                    return m.node("Add", new String[] {o, m.node("Div", new String[] {"input", e})});
                })),
                Arguments.of(Named.<Function<TestModels, String>>of("transposes, per-channel scaling and a resize in NHWC", m -> {
                    String t = m.node("Transpose", new String[] {"input"}, ints("perm", 0, 2, 3, 1));
                    String s = m.node("Mul", new String[] {t, m.weight("scale", 1, 3)});
                    String d = m.node("Dropout", new String[] {m.node("Identity", new String[] {s})});
                    // a channels-last resize (scales on axes 1 and 2), as dna's own exports and TF converters write them
                    String ap = m.node("AveragePool", new String[] {"input"}, ints("kernel_shape", 2, 2), ints("strides", 2, 2));
                    String apt = m.node("Transpose", new String[] {ap}, ints("perm", 0, 2, 3, 1));
                    String up = m.node("Resize", new String[] {apt, "", m.floats("sc", new long[] {4}, 1, 2, 2, 1)},
                            s("mode", "linear"), s("coordinate_transformation_mode", "align_corners"));
                    String sum = m.node("Add", new String[] {d, up});
                    return m.node("Transpose", new String[] {sum}, ints("perm", 0, 3, 1, 2));
                })));
    }

    @ParameterizedTest
    @MethodSource("models")
    void theImportedOpsComputeWhatOnnxRuntimeComputes(Function<TestModels, String> net) throws Exception {
        TestModels m = TestModels.create();
        Path file = m.save(tmp.resolve("m.onnx"), net.apply(m));
        OnnxRestorerSpec spec = Restorers.fromOnnx(file);
        var r = OnnxImportTest.imported(spec, ValueRange.ZERO_ONE);
        for (int[] size : new int[][] {{2, 16, 24}, {1, 12, 8}}) {
            ImageBatch x = OnnxImportTest.batch(size[0], size[1], size[2]);
            float[] ref = OnnxImportTest.ort(file, x);
            double scale = 1;
            for (float v : ref) {
                scale = Math.max(scale, Math.abs(v));
            }
            double d = OnnxImportTest.maxDiff(ref, r.predict(x).toArray());
            // 3e-4: float rounding of InstanceNormalization over low-variance crops (ORT and SameDiff sum differently);
            // a wrong formula (unbiased variance, eps outside the root) is off by more than 1e-3
            assertTrue(d < 3e-4 * scale, x.shapeString() + ": max |SameDiff - ORT| = " + d + " at max |ORT| " + scale);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void theImportedOpsHaveTheGradientsOfTheirValues(Function<TestModels, String> net) throws Exception {
        TestModels m = TestModels.create();
        Onnx.ModelProto model = m.model(net.apply(m));
        Path file = java.nio.file.Files.write(tmp.resolve("g.onnx"), model.toByteArray());
        OnnxRestorerSpec spec = Restorers.fromOnnx(file);
        SameDiff sd = SameDiff.create();
        Layers l = new Layers(sd, DataType.DOUBLE, Rngs.create(1), "restorer/");
        SDVariable x = sd.placeHolder("x", DataType.DOUBLE, 2, 3, 8, 12);
        SDVariable y = OnnxImporter.build(l, x, model.getGraph(), spec, ValueRange.MINUS_ONE_ONE, 2, 8, 12);
        Nd4j.getRandom().setSeed(5);
        SDVariable c = sd.constant("c", Nd4j.rand(DataType.DOUBLE, 2, 3, 8, 12).subi(0.5));
        y.mul(c).sum().rename("loss");
        List<String> params = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                params.add(v.name());
            }
        }
        assertTrue(!params.isEmpty(), "the file's weights are trainable");
        Nd4j.getRandom().setSeed(7); // fixed points: a ReLU kink within the step of a central difference fails any check
        INDArray xv = Nd4j.rand(DataType.DOUBLE, 2, 3, 8, 12).muli(2).subi(1);
        GradCheck.check(sd, Map.of("x", xv), "loss", params, 8, 1e-4);
    }

    /** What was imported can be exported again: the export checks ONNX Runtime against SameDiff at two sizes. */
    @ParameterizedTest
    @MethodSource("models")
    void theImportedOpsExportAgain(Function<TestModels, String> net) throws Exception {
        TestModels m = TestModels.create();
        Path file = m.save(tmp.resolve("e.onnx"), net.apply(m));
        var r = OnnxImportTest.imported(Restorers.fromOnnx(file), ValueRange.ZERO_ONE);
        OnnxExporter.export(r, tmp.resolve("again.onnx"));
        assertTrue(java.nio.file.Files.size(tmp.resolve("again.onnx")) > 0);
    }

    /** A node importing as a SameDiff op without an ONNX converter is refused before training, by its node and type. */
    @Test
    void aNodeThatCouldNotBeExportedAgainIsRefusedBeforeTraining() throws Exception {
        OpImporters.register("Cos", (c, n) -> c.put(n.getOutput(0), c.sameDiff().math().cos(c.var(n.getInput(0))),
                c.shape(n.getInput(0))));
        try {
            refusedBeforeTraining();
        } finally {
            OpImporters.unregister("Cos");
        }
    }

    private void refusedBeforeTraining() throws Exception {
        TestModels m = TestModels.create();
        String conv = m.node("Conv", new String[] {"input", m.weight("w", 0.3, 3, 3, 3, 3)}, ints("pads", 1, 1, 1, 1));
        Path file = m.save(tmp.resolve("cos.onnx"), m.node("Cos", new String[] {conv}));
        OnnxRestorerSpec spec = Restorers.fromOnnx(file);
        AdaptationPlan p = Adaptation.of(spec).patchSize(16).batchSize(2).steps(3).build();
        List<StepReport> steps = new ArrayList<>();
        RuntimeException e = assertThrows(RuntimeException.class, () -> SameDiffTrainer.create(p).progressBar(false)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepReport r) {
                        steps.add(r);
                    }
                }).fit(PatchDataset.synthetic(EmbeddedImages.load().select(0), Awgn.sigma255(10, 30),
                        new PatchSampler(16, true)), null));
        assertTrue(e.getMessage().contains("Cos_node_2") && e.getMessage().contains("(Cos)")
                && e.getMessage().contains("cannot export back to ONNX"), e.getMessage());
        assertTrue(steps.isEmpty(), "no step was taken");
    }

    @Test
    void anUnsupportedOpIsNamedWithItsNode() throws Exception {
        TestModels m = TestModels.create();
        String e = m.node("Einsum", new String[] {"input"}, s("equation", "nchw->nchw"));
        Path file = m.save(tmp.resolve("einsum.onnx"), m.node("Relu", new String[] {e}));
        UncheckedIOException ex = assertThrows(UncheckedIOException.class, () -> Restorers.fromOnnx(file));
        assertTrue(ex.getMessage().contains("einsum.onnx") && ex.getMessage().contains("op Einsum (node 'Einsum_node_1')")
                && ex.getMessage().contains("Conv"), ex.getMessage());
    }

    @Test
    void anUnsupportedFormOfASupportedOpIsNamedWhenThePlanIsBuilt() throws Exception {
        TestModels m = TestModels.create();
        String up = m.node("Resize", new String[] {"input", "", m.floats("sc", new long[] {4}, 1, 1, 2, 2)}, s("mode", "cubic"));
        Path file = m.save(tmp.resolve("cubic.onnx"), m.node("AveragePool", new String[] {up}, ints("kernel_shape", 2, 2),
                ints("strides", 2, 2)));
        OnnxRestorerSpec spec = Restorers.fromOnnx(file);
        RuntimeException ex = assertThrows(RuntimeException.class, () -> OnnxImportTest.imported(spec, ValueRange.ZERO_ONE));
        assertTrue(ex.getMessage().contains("Resize_node_1") && ex.getMessage().contains("cubic"), ex.getMessage());
    }

    @Test
    void aModelThatIsNotAnRgbRestorerIsRefused() throws Exception {
        TestModels gray = TestModels.create().inputChannels(1);
        Path f1 = gray.save(tmp.resolve("gray.onnx"), gray.node("Conv", new String[] {"input", gray.weight("w", 1, 3, 1, 1, 1)}));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Restorers.fromOnnx(f1));
        assertTrue(e.getMessage().contains("gray.onnx") && e.getMessage().contains("[N, 3, H, W]"), e.getMessage());

        TestModels old = TestModels.create().opset(9);
        Path f2 = old.save(tmp.resolve("old.onnx"), old.node("Relu", new String[] {"input"}));
        e = assertThrows(UncheckedIOException.class, () -> Restorers.fromOnnx(f2));
        assertTrue(e.getMessage().contains("opset 9") && e.getMessage().contains("opset_version=17"), e.getMessage());

        TestModels ext = TestModels.create();
        String w = ext.weight("w", 1, 3, 3, 1, 1);
        Path f3 = ext.externalData().save(tmp.resolve("ext.onnx"), ext.node("Conv", new String[] {"input", w}));
        e = assertThrows(UncheckedIOException.class, () -> Restorers.fromOnnx(f3));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("external"), e.getMessage());
    }
}
