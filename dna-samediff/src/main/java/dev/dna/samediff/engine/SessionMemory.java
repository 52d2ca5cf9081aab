package dev.dna.samediff.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.NoOpMemoryMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Frees the activations and partial gradients of a gradient computation as soon as it returns.
 *
 * <p>In M2.1, {@code SameDiff.calculateGradientsAndOutputs} keeps every intermediate array of the
 * forward and backward pass (about 780 MB a step for the example's full plan) in its session and hands
 * none of them to the session's array cache; their native memory is freed only when the garbage
 * collector finds the Java wrappers. Between collections the process grew to 4-5 GB, and every step
 * page-faulted hundreds of MB of fresh memory, which made step times vary 4x. Closing those arrays
 * right after the step returns the memory to the allocator, which hands the same blocks to the next
 * step.
 *
 * <p>Only arrays the session computed are closed: never a parameter, constant or placeholder value,
 * never an array in {@code keep} (those the caller still reads, such as the step's feed), never a view,
 * and never two arrays over one buffer.
 *
 * <p>The session's own array cache ({@code ArrayCacheMemoryMgr}) is replaced by {@code NoOpMemoryMgr}
 * (allocate new, release nothing): the cache keeps some of the arrays this class closes, and a later
 * release compares arrays with {@code INDArray.equals}, which runs an op on the closed one. A Java long run
 * died of that at step 7,073 ("Op.X argument was closed before call"). The cache held about 0.2 MB, so
 * it saved next to nothing.
 */
public final class SessionMemory {
    private SessionMemory() {}

    /**
     * Closes the intermediate arrays of the last gradient computation run on this thread.
     *
     * @param sd the graph whose session holds the arrays
     * @param keep arrays still in use
     * @return bytes freed
     */
    public static long freeIntermediates(SameDiff sd, Collection<INDArray> keep) {
        SameDiff grad = sd.getFunction("grad");
        if (grad == null) {
            return 0;
        }
        InferenceSession session = grad.getSessions().get(Thread.currentThread().getId());
        if (session == null) {
            return 0;
        }
        if (!(session.getMmgr() instanceof NoOpMemoryMgr)) {
            session.setMmgr(new NoOpMemoryMgr()); // the old cache is dropped, not closed: it may hold arrays closed below
        }
        Set<Long> protectedBuffers = new HashSet<>();
        for (SameDiff g : new SameDiff[] {sd, grad}) {
            for (SDVariable v : g.variables()) {
                INDArray arr = v.getVariableType() == VariableType.ARRAY ? null : v.getArr();
                if (arr != null && !arr.wasClosed()) {
                    protectedBuffers.add(arr.data().address());
                }
            }
        }
        for (INDArray a : keep) {
            if (a != null && !a.wasClosed()) {
                protectedBuffers.add(a.data().address());
            }
        }
        List<INDArray> computed = new ArrayList<>();
        for (SDValue value : session.getNodeValueOutputs().values()) {
            computed.add(value.getTensorValue());
        }
        return closeAll(computed, protectedBuffers);
    }

    /**
     * Closes arrays the caller created and no longer needs, such as a step's placeholder values, once
     * every computation that reads them is done. Views, closed and non-closeable arrays are skipped.
     * Each step's feed is a few MB at the example's full plan (most of it dropout masks); closing it
     * returns that memory at once instead of whenever the garbage collector finds the wrappers.
     *
     * @param arrays arrays no longer used
     * @return bytes freed
     */
    public static long close(Collection<INDArray> arrays) {
        return closeAll(arrays, new HashSet<>());
    }

    /**
     * Closes each array whose buffer is not in {@code skip}, skipping nulls, views, empty, closed and
     * non-closeable arrays; adds every buffer it closes to {@code skip}, so a second wrapper of one buffer
     * is never closed twice.
     */
    private static long closeAll(Collection<INDArray> arrays, Set<Long> skip) {
        long freed = 0;
        for (INDArray a : arrays) {
            if (a == null || a.wasClosed() || a.isEmpty() || a.isView() || !a.closeable() || !skip.add(a.data().address())) {
                continue;
            }
            freed += a.data().length() * a.dataType().width();
            a.close();
        }
        return freed;
    }
}
