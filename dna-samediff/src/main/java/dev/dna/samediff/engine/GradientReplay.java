package dev.dna.samediff.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.custom.Invoke;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.Enter;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.Exit;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.LoopCond;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.Merge;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.NextIteration;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.Switch;
import org.nd4j.linalg.api.ops.impl.layers.ExternalErrorsFunction;
import org.nd4j.linalg.api.ops.impl.shape.CreateView;
import org.nd4j.linalg.api.ops.impl.shape.Reshape;
import org.nd4j.linalg.api.ops.impl.shape.tensorops.BaseTensorOp;
import org.nd4j.linalg.api.ops.impl.transforms.Assert;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Assign;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training step's gradient computation without SameDiff's session: the ops that one ordinary
 * {@code SameDiff.calculateGradientsAndOutputs} call executes are recorded, then executed again, in the
 * same order, each through one {@link OpContext} built once over arrays allocated once.
 *
 * <p>Why: M2.1's {@code InferenceSession} spends about 400 us of bookkeeping per op (dependency tracking,
 * output-shape calculation, allocation, argument marshalling), about 40-50% of the example's full step of
 * 1,148 ops (docs/lab/benchmarks-2026-11-to-12.md, OpProfile). The graph is static (fixed batch and patch size), so all of
 * that can be done once.
 *
 * <p>What is the same as the session: the ops, their order, their arguments ({@code iArgs}, {@code tArgs},
 * {@code bArgs}, {@code dArgs}, a legacy op's scalar and reduction axes), their input and output shapes and
 * data types, and the parameter arrays (read by reference, so in-place updates are seen). What differs:
 * outputs are written into arrays that live as long as this object, an array whose last reader has run
 * lends its memory to a later output of the same data type and length, and a reshape of a plain c-order array
 * is a view instead of a copy (102 copies a step in the example's full plan). Requested outputs (the loss terms and
 * the gradients) are never lent; they are overwritten by the next {@link #run}, so read them first.
 *
 * <p>Graphs with ops whose execution the session special-cases (control flow, tensor arrays, {@code Assign},
 * views) cannot be replayed: {@link #record} then returns the reason, and the caller keeps
 * using the session. Not thread-safe.
 */
public final class GradientReplay {
    /** Arrays shorter than this get their own memory instead of sharing a pool buffer. */
    private static final long SHARE_MIN_LENGTH = 1024;

    private final SameDiff grad;
    private final List<Exec> execs;
    private final Map<String, INDArray> placeholders;     // name -> fixed array, filled from the feed each run
    private final Map<String, INDArray> parameters;       // VARIABLE-type inputs, as read when built
    private final Map<String, INDArray> outputs;          // loss term -> array
    private final Map<String, INDArray> gradients;        // parameter -> gradient array
    private final List<INDArray> owned;                 // every array allocated here, for close()

    /** One op, ready to run. */
    private static final class Exec {
        final DifferentialFunction op;
        final OpContext ctx;
        final INDArray scalar; // a legacy scalar op's second input, set again before each run (the session resets it)

        Exec(DifferentialFunction op, OpContext ctx, INDArray scalar) {
            this.op = op;
            this.ctx = ctx;
            this.scalar = scalar;
        }
    }

    /** The result of {@link #record}: the session's own result of the recorded call, and the replay or why not. */
    public record Recorded(OutAndGrad result, GradientReplay replay, String unsupported) {}

    private GradientReplay(SameDiff grad, List<Exec> execs, Map<String, INDArray> placeholders,
            Map<String, INDArray> parameters, Map<String, INDArray> outputs, Map<String, INDArray> gradients,
            List<INDArray> owned) {
        this.grad = grad;
        this.execs = execs;
        this.placeholders = placeholders;
        this.parameters = parameters;
        this.outputs = outputs;
        this.gradients = gradients;
        this.owned = owned;
    }

    /**
     * Runs {@code sd.calculateGradientsAndOutputs(feed, outputNames, params)} once, records the ops it executes
     * and builds their replay. The gradient of each parameter in {@code gradientInto} is written into the given
     * array (of the gradient's shape and type) instead of one allocated here.
     *
     * @param sd the graph with its loss
     * @param feed every placeholder's value
     * @param outputNames the loss terms to return
     * @param params the trained parameters
     * @param gradientInto where each parameter's gradient goes, by name
     * @return the step's outputs and gradients, with the replay or why there is none
     */
    public static Recorded record(SameDiff sd, Map<String, INDArray> feed, List<String> outputNames, List<String> params,
            Map<String, INDArray> gradientInto) {
        List<String> executed = new ArrayList<>();
        Map<String, INDArray[]> outArrays = new HashMap<>();
        OutAndGrad result = OpWatch.gradientsAndOutputs(sd, feed, outputNames, params, (s, op, out) -> {
            executed.add(op.getName());
            outArrays.put(op.getName(), out.clone());
        });
        SameDiff grad = sd.getFunction("grad");
        List<String> gradNames = new ArrayList<>();
        List<String> gradParams = new ArrayList<>();
        for (String p : params) {
            SDVariable gv = sd.getVariable(p).getGradient();
            if (gv != null) {
                gradNames.add(gv.name());
                gradParams.add(p);
            }
        }
        try {
            return new Recorded(result, build(grad, executed, outArrays, feed, outputNames, gradNames, gradParams,
                    gradientInto), null);
        } catch (Unsupported e) {
            return new Recorded(result, null, e.getMessage());
        }
    }

    /** Why a graph cannot be replayed. */
    private static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    private static GradientReplay build(SameDiff grad, List<String> executed, Map<String, INDArray[]> outArrays,
            Map<String, INDArray> feed, List<String> outputNames, List<String> gradNames, List<String> gradParams,
            Map<String, INDArray> gradientInto) throws Unsupported {
        int n = executed.size();
        Map<String, INDArray> into = new HashMap<>(); // gradient variable -> the caller's array
        for (int k = 0; k < gradNames.size(); k++) {
            INDArray a = gradientInto.get(gradParams.get(k));
            if (a != null) {
                into.put(gradNames.get(k), a);
            }
        }
        Set<String> requested = new HashSet<>(outputNames);
        requested.addAll(gradNames);
        if (new HashSet<>(executed).size() != n) {
            throw new Unsupported("an op ran more than once in one step (a loop)");
        }

        // pass 1: which computed variable shares memory with which (an Identity's output is its input), and the
        // index of the last op that reads each such memory
        Map<String, Integer> slotOf = new HashMap<>();
        List<Integer> slotLast = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SameDiffOp sdo = grad.getOps().get(executed.get(i));
            DifferentialFunction df = sdo.getOp();
            checkSupported(df);
            for (String a : argNames(df)) {
                Integer s = slotOf.get(a);
                if (s != null) {
                    if (s >= 0) {
                        slotLast.set(s, Math.max(slotLast.get(s), i));
                    }
                } else if (grad.getVariable(a).getVariableType() == VariableType.ARRAY) {
                    throw new Unsupported("op " + df.getOwnName() + " reads " + a + ", which no recorded op computed");
                }
            }
            List<String> outs = sdo.getOutputsOfOp();
            if (df instanceof Identity || df instanceof Reshape) { // the output is (or may be) a view of the input
                String in = argNames(df)[0];
                slotOf.put(outs.get(0), slotOf.getOrDefault(in, -1));
                continue;
            }
            for (String o : outs) {
                slotOf.put(o, slotLast.size());
                slotLast.add(i);
            }
        }
        for (String r : requested) {
            Integer s = slotOf.get(r);
            if (s == null) {
                throw new Unsupported("no recorded op computes the requested " + r);
            }
            if (s >= 0) {
                slotLast.set(s, Integer.MAX_VALUE);
            }
        }
        List<List<Integer>> freedAfter = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            freedAfter.add(new ArrayList<>());
        }
        for (int s = 0; s < slotLast.size(); s++) {
            if (slotLast.get(s) < n) {
                freedAfter.get(slotLast.get(s)).add(s);
            }
        }

        // pass 2: arrays and op contexts
        Map<String, INDArray> placeholders = new LinkedHashMap<>();
        Map<String, INDArray> parameters = new LinkedHashMap<>();
        Map<String, INDArray> values = new HashMap<>();
        Map<Integer, INDArray> slotBase = new HashMap<>();
        Map<String, ArrayDeque<INDArray>> pool = new HashMap<>();
        List<INDArray> owned = new ArrayList<>();
        List<Exec> execs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (i > 0) { // memory last read by the previous op goes back to the pool
                for (int slot : freedAfter.get(i - 1)) {
                    INDArray base = slotBase.remove(slot);
                    if (base != null) {
                        pool.get(poolKey(base)).push(base);
                    }
                }
            }
            SameDiffOp sdo = grad.getOps().get(executed.get(i));
            DifferentialFunction df = sdo.getOp();
            String[] argNames = argNames(df);
            INDArray[] args = new INDArray[argNames.length];
            for (int k = 0; k < argNames.length; k++) {
                String a = argNames[k];
                SDVariable v = grad.getVariable(a);
                switch (v.getVariableType()) {
                    case CONSTANT:
                        args[k] = v.getArr();
                        break;
                    case VARIABLE:
                        args[k] = v.getArr();
                        parameters.put(a, args[k]);
                        break;
                    case PLACEHOLDER:
                        INDArray fed = feed.get(a);
                        if (fed == null) {
                            throw new Unsupported("placeholder " + a + " was not fed");
                        }
                        args[k] = placeholders.computeIfAbsent(a, x -> own(owned, newArray(fed.dataType(), fed.shape(), 'c')));
                        break;
                    default:
                        args[k] = values.get(a);
                }
                if (args[k] == null) {
                    throw new Unsupported("op " + df.getOwnName() + ": no array for input " + a);
                }
            }
            List<String> outs = sdo.getOutputsOfOp();
            if (df instanceof Identity) {
                values.put(outs.get(0), args[0]);
                continue;
            }
            INDArray[] recorded = outArrays.get(executed.get(i));
            if (recorded == null || recorded.length != outs.size()) {
                throw new Unsupported("op " + df.getOwnName() + " recorded " + (recorded == null ? 0 : recorded.length)
                        + " outputs, declares " + outs.size());
            }
            if (df instanceof Reshape) {
                INDArray view = reshapeView(args[0], recorded[0]);
                if (view != null) {
                    values.put(outs.get(0), view);
                    continue;
                }
                // not a plain c-order array: the op copies, into an array of its own (its slot is its input's)
                INDArray out = own(owned, newArray(recorded[0].dataType(), recorded[0].shape(), recorded[0].ordering()));
                values.put(outs.get(0), out);
                execs.add(prepare(df, args, new INDArray[] {out}));
                continue;
            }
            INDArray[] out = new INDArray[outs.size()];
            for (int k = 0; k < outs.size(); k++) {
                INDArray like = recorded[k];
                if (like == null || like.isEmpty() || like.isView() || like.data().length() != like.length()) {
                    throw new Unsupported("op " + df.getOwnName() + " output " + k + " is "
                            + (like == null ? "missing" : like.isEmpty() ? "empty" : "not a plain array: " + like.shapeInfoToString()
                            + ", view " + like.isView()));
                }
                int slot = slotOf.get(outs.get(k));
                INDArray given = into.get(outs.get(k));
                if (given != null && given.dataType() == like.dataType() && Arrays.equals(given.shape(), like.shape())) {
                    out[k] = given;
                } else if (like.length() >= SHARE_MIN_LENGTH && slotLast.get(slot) != Integer.MAX_VALUE) {
                    ArrayDeque<INDArray> free = pool.computeIfAbsent(poolKey(like), x -> new ArrayDeque<>());
                    INDArray base = free.isEmpty() ? null : free.pop();
                    if (base == null) {
                        base = own(owned, newArray(like.dataType(), new long[] {like.length()}, 'c'));
                    }
                    slotBase.put(slot, base);
                    out[k] = base.reshape(like.ordering(), like.shape());
                    if (out[k].data().address() != base.data().address()) {
                        throw new Unsupported("reshape copied the pool buffer of op " + df.getOwnName());
                    }
                } else {
                    out[k] = own(owned, newArray(like.dataType(), like.shape(), like.ordering()));
                }
                values.put(outs.get(k), out[k]);
            }
            execs.add(prepare(df, args, out));
        }
        Map<String, INDArray> outputs = new LinkedHashMap<>();
        outputNames.forEach(o -> outputs.put(o, values.get(o)));
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        for (int k = 0; k < gradNames.size(); k++) {
            gradients.put(gradParams.get(k), values.get(gradNames.get(k)));
        }
        return new GradientReplay(grad, execs, placeholders, parameters, outputs, gradients, owned);
    }

    private static String[] argNames(DifferentialFunction df) {
        String[] a = df.argNames();
        return a == null ? new String[0] : a;
    }

    /** Ops whose execution {@code InferenceSession} special-cases (besides Identity, which is replayed as an alias). */
    private static final List<Class<?>> SPECIAL = List.of(LoopCond.class, Enter.class, Exit.class, NextIteration.class,
            Merge.class, Switch.class, BaseTensorOp.class, Invoke.class, CreateView.class, ExternalErrorsFunction.class,
            Assert.class, Assign.class);

    private static void checkSupported(DifferentialFunction df) throws Unsupported {
        boolean special = SPECIAL.stream().anyMatch(c -> c.isInstance(df));
        if (special || !(df instanceof Identity || df instanceof DynamicCustomOp || df instanceof Op)) {
            throw new Unsupported("op " + df.getOwnName() + " (" + df.getClass().getSimpleName()
                    + ") is executed specially by SameDiff's session");
        }
    }

    /** The op context the session would build for this op, with these arrays (InferenceSession.getAndParameterizeOp). */
    private static Exec prepare(DifferentialFunction df, INDArray[] args, INDArray[] out) throws Unsupported {
        OpContext oc = Nd4j.getExecutioner().buildContext();
        if (df instanceof DynamicCustomOp) {
            DynamicCustomOp c = (DynamicCustomOp) df;
            oc.setArgs(args, c.iArgs(), c.dArgs(), c.tArgs(), c.bArgs());
            for (int k = 0; k < out.length; k++) {
                oc.setOutputArray(k, out[k]);
            }
            return new Exec(df, oc, null);
        }
        Op op = (Op) df;
        if (out.length != 1) {
            throw new Unsupported("legacy op " + df.getOwnName() + " has " + out.length + " outputs");
        }
        boolean axisArg = op instanceof ReduceOp && ((ReduceOp) op).getOpType() != Op.Type.REDUCE3 && args.length == 2;
        INDArray scalar = op instanceof ScalarOp && args.length == 2 ? args[1] : null;
        if (args.length > 0) {
            oc.setInputArray(0, args[0]);
            if (args.length == 2 && !axisArg) {
                oc.setInputArray(1, args[1]);
            }
        }
        oc.setOutputArray(0, out[0]);
        return new Exec(df, oc, scalar);
    }

    /**
     * {@code in} reshaped to {@code like}'s shape without a copy, or null where that is not a plain c-order view
     * (M2.1's reshape op copies; a view of a contiguous c-order array holds the same values).
     */
    private static INDArray reshapeView(INDArray in, INDArray like) {
        if (like == null || in.ordering() != 'c' || like.ordering() != 'c' || in.dataType() != like.dataType()
                || in.length() != like.length() || in.isEmpty() || !Shape.hasDefaultStridesForShape(in)) {
            return null;
        }
        INDArray v = in.reshape('c', like.shape());
        return v.data().address() == in.data().address() && v.offset() == in.offset()
                && Shape.hasDefaultStridesForShape(v) ? v : null;
    }

    /** Pool buffers are shared by arrays of one data type and length. */
    private static String poolKey(INDArray a) {
        return a.dataType() + "/" + a.length();
    }

    private static INDArray own(List<INDArray> owned, INDArray a) {
        owned.add(a);
        return a;
    }

    private static INDArray newArray(DataType dt, long[] shape, char order) {
        return shape.length == 0 ? Nd4j.scalar(dt, 0) : Nd4j.createUninitialized(dt, shape, order);
    }

    /**
     * True while every parameter array is still the one this replay reads (the trainer updates them in place;
     * a graph whose arrays were replaced must be recorded again).
     *
     * @return whether the replay can still run
     */
    public boolean current() {
        for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
            if (grad.getVariable(e.getKey()).getArr() != e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * One gradient computation on {@code feed}, which must have the recorded placeholders' shapes and types.
     *
     * @param feed every placeholder's value
     * @return the loss terms and the gradients by parameter name, in arrays owned by this object and overwritten
     *     by its next run
     */
    public OutAndGrad run(Map<String, INDArray> feed) {
        return run(feed, null);
    }

    /**
     * As {@link #run(Map)}; when {@code nanos} is not null (length {@link #opCount()}), adds each op's wall time
     * to its element (for profiling, see {@link #opType}).
     *
     * @param feed every placeholder's value
     * @param nanos each op's accumulated wall time, or null
     * @return the loss terms and the gradients, as {@link #run(Map)}
     */
    public OutAndGrad run(Map<String, INDArray> feed, long[] nanos) {
        for (Map.Entry<String, INDArray> e : placeholders.entrySet()) {
            INDArray v = feed.get(e.getKey());
            INDArray fixed = e.getValue();
            if (v == null) {
                throw new IllegalArgumentException("placeholder " + e.getKey() + " was not fed");
            }
            if (!Arrays.equals(v.shape(), fixed.shape()) || v.dataType() != fixed.dataType()) {
                throw new IllegalArgumentException("placeholder " + e.getKey() + " was recorded as " + fixed.dataType()
                        + Arrays.toString(fixed.shape()) + ", fed " + v.dataType() + Arrays.toString(v.shape()));
            }
            fixed.assign(v);
        }
        var exec = Nd4j.getExecutioner();
        for (int i = 0; i < execs.size(); i++) {
            Exec x = execs.get(i);
            long t0 = nanos == null ? 0 : System.nanoTime();
            if (x.op instanceof CustomOp) {
                exec.exec((CustomOp) x.op, x.ctx);
            } else {
                if (x.scalar != null) {
                    ((ScalarOp) x.op).setScalar(x.scalar);
                }
                exec.exec((Op) x.op, x.ctx);
                x.op.clearArrays();
            }
            if (nanos != null) {
                nanos[i] += System.nanoTime() - t0;
            }
        }
        return new OutAndGrad(outputs, gradients);
    }

    /** Ops executed per run. */
    int opCount() {
        return execs.size();
    }

    /** The type ({@code opName()}, e.g. {@code conv2d_bp}) of the {@code i}-th op run. */
    String opType(int i) {
        return execs.get(i).op.opName();
    }

    /** The {@code i}-th op's type and input shapes, e.g. {@code add_bp [4, 16, 48, 48] [1, 16, 1, 1] ...}. */
    String opSignature(int i) {
        StringBuilder sb = new StringBuilder(opType(i));
        for (INDArray a : execs.get(i).ctx.getInputArrays()) {
            sb.append(' ').append(Arrays.toString(a.shape()));
        }
        return sb.toString();
    }

    /** Bytes of the arrays this replay allocated (placeholders, pool buffers and unshared outputs). */
    long allocatedBytes() {
        long b = 0;
        for (INDArray a : owned) {
            b += a.wasClosed() ? 0 : a.length() * a.dataType().width();
        }
        return b;
    }

    /** Bytes of all op outputs of one run, as if none shared memory (what the session allocates per run). */
    long outputBytes() {
        long b = 0;
        for (Exec x : execs) {
            for (INDArray a : x.ctx.getOutputArrays()) {
                b += a.length() * a.dataType().width();
            }
        }
        return b;
    }

    /** Frees every array this replay allocated; it cannot run afterwards. */
    public void close() {
        execs.clear();
        SessionMemory.close(owned);
    }
}
