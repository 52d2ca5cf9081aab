package dev.dna.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Where issue 5's per-op cost goes: the time one small op takes through SameDiff's session (forward, and
 * forward + backward) against the same op executed directly on ND4J arrays. A chain of {@code --ops}
 * elementwise adds, each {@code y = y + z} (a custom op, as most of the training graph's are) or
 * {@code y = y + 1} (a legacy scalar op), on arrays of 1 element (pure overhead) and of an activation's size
 * in the main example ([4, 16, 48, 48]). Prints microseconds per op, medians of {@code --reps}.
 */
@Command(name = "op-overhead", mixinStandardHelpOptions = true,
        description = "Microseconds per op: SameDiff session against direct ND4J execution.")
public final class OpOverheadBenchmark implements Callable<Integer> {
    @Option(names = "--ops", defaultValue = "200", description = "ops in the chain (default: ${DEFAULT-VALUE})")
    int ops;

    @Option(names = "--reps", defaultValue = "15", description = "timed repetitions (default: ${DEFAULT-VALUE})")
    int reps;

    /**
     * Runs the command line {@code args} (see the class comment and {@code --help}); exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new OpOverheadBenchmark()).execute(args));
    }

    @Override
    public Integer call() {
        System.out.printf(Locale.ROOT, "%d-op chains, medians of %d, microseconds per op; %s%n", ops, reps,
                Nd4j.getExecutioner().getClass().getSimpleName());
        System.out.println("| elements | op | direct ND4J | SameDiff forward | SameDiff forward + backward |");
        System.out.println("|---|---|---|---|---|");
        for (long n : new long[] {1, 4L * 16 * 48 * 48}) {
            for (boolean custom : new boolean[] {true, false}) {
                double direct = perOp(direct(n, custom));
                double forward = perOp(chain(n, custom, false));
                double both = perOp(chain(n, custom, true));
                System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.1f |%n", n, custom ? "y + z (custom add)" : "y + 1 (scalar)",
                        direct, forward, both);
            }
        }
        return 0;
    }

    private double perOp(Runnable r) {
        for (int i = 0; i < 3; i++) {
            r.run();
        }
        List<Double> t = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            t.add((System.nanoTime() - t0) / 1e3 / ops);
        }
        return Timing.median(t);
    }

    /** The chain on ND4J arrays, alternating between two preallocated outputs: the op's own cost, nothing else. */
    private Runnable direct(long n, boolean custom) {
        INDArray x = Nd4j.rand(DataType.FLOAT, n);
        INDArray z = Nd4j.rand(DataType.FLOAT, n);
        INDArray[] outs = {Nd4j.create(DataType.FLOAT, n), Nd4j.create(DataType.FLOAT, n)};
        return () -> {
            INDArray y = x;
            for (int i = 0; i < ops; i++) {
                INDArray out = outs[i % 2];
                if (custom) {
                    Nd4j.exec(new AddOp(y, z, out));
                } else {
                    Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd(y, null, out, 1.0));
                }
                y = out;
            }
        };
    }

    /**
     * The chain as a SameDiff graph: {@code y = x + w} with w the trainable variable, then the chain with z a
     * placeholder, the loss the mean of the last y; the gradient with respect to w goes back through every op once,
     * as a training graph's does (each parameter is read once).
     */
    private Runnable chain(long n, boolean custom, boolean backward) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, n);
        SDVariable z = sd.placeHolder("z", DataType.FLOAT, n);
        SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, n));
        SDVariable y = x.add(w);
        for (int i = 0; i < ops; i++) {
            y = custom ? y.add(z) : y.add(1.0);
        }
        SDVariable loss = y.mean().rename("loss");
        sd.setLossVariables(loss);
        Map<String, INDArray> feed = Map.of("x", Nd4j.rand(DataType.FLOAT, n), "z", Nd4j.rand(DataType.FLOAT, n));
        if (backward) {
            return () -> sd.calculateGradients(feed, "w");
        }
        return () -> sd.output(feed, "loss");
    }
}
