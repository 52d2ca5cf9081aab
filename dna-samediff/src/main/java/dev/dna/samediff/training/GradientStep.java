package dev.dna.samediff.training;

import dev.dna.samediff.engine.GradientReplay;
import dev.dna.samediff.engine.SessionMemory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A graph's loss terms and parameter gradients, step after step: the first call runs SameDiff's session and
 * records it; later calls replay the recording ({@link GradientReplay}) unless replay is off or the graph
 * cannot be replayed, in which case every call runs the session. Both give the same numbers (a test).
 *
 * <p>Call {@link #release} once the results of {@link #run} are consumed: after a session run it frees the
 * session's intermediates ({@link SessionMemory}); a replay's arrays are reused and need nothing.
 */
public final class GradientStep implements AutoCloseable {
    private final SameDiff sd;
    private final List<String> outputs;
    private final List<String> params;
    private final boolean replayAllowed;
    private final Map<String, INDArray> gradientInto;
    private GradientReplay replay;
    private String notReplayed;
    private boolean sessionRan;

    /**
     * Gradients of {@code sd}'s loss with respect to {@code params}, with the values of {@code outputs} (the loss terms);
     * with {@code replayAllowed}, once a step has run through SameDiff, later steps may replay its recorded ops.
     *
     * @param sd the graph with its loss
     * @param outputs the loss terms to return
     * @param params the trained parameters
     * @param replayAllowed whether later steps may replay the first one's ops
     */
    public GradientStep(SameDiff sd, List<String> outputs, List<String> params, boolean replayAllowed) {
        this(sd, outputs, params, replayAllowed, Map.of());
    }

    /**
     * As the other constructor; a replay writes the gradient of each parameter in {@code gradientInto} into the
     * given array (such as a view of {@link FlatParameters}' gradient buffer), so that it needs no copy.
     *
     * @param sd the graph with its loss
     * @param outputs the loss terms to return
     * @param params the trained parameters
     * @param replayAllowed whether later steps may replay the first one's ops
     * @param gradientInto where each parameter's gradient goes, by name
     */
    public GradientStep(SameDiff sd, List<String> outputs, List<String> params, boolean replayAllowed,
            Map<String, INDArray> gradientInto) {
        this.gradientInto = Map.copyOf(gradientInto);
        this.sd = sd;
        this.outputs = List.copyOf(outputs);
        this.params = List.copyOf(params);
        this.replayAllowed = replayAllowed;
    }

    /**
     * The loss terms (by name) and gradients (by parameter name) on {@code feed}. The arrays stay valid until
     * the next call.
     *
     * @param feed every placeholder's value
     * @return the loss terms and gradients
     */
    public OutAndGrad run(Map<String, INDArray> feed) {
        if (replay != null && !replay.current()) {
            replay.close(); // a parameter array was replaced: record again
            replay = null;
        }
        if (replay != null) {
            sessionRan = false;
            return replay.run(feed);
        }
        sessionRan = true;
        if (replayAllowed && notReplayed == null) {
            GradientReplay.Recorded r = GradientReplay.record(sd, feed, outputs, params, gradientInto);
            replay = r.replay();
            notReplayed = r.unsupported();
            return r.result();
        }
        return sd.calculateGradientsAndOutputs(feed, outputs, params);
    }

    /**
     * Frees what the last {@link #run} left in SameDiff's session, keeping the arrays in {@code keep}.
     *
     * @param keep arrays still in use
     */
    public void release(Collection<INDArray> keep) {
        if (sessionRan) {
            SessionMemory.freeIntermediates(sd, keep);
            sessionRan = false;
        }
    }

    /**
     * {@return whether later calls replay; false before the first call, when replay is off, or for an unsupported
     *     graph}
     */
    public boolean replaying() {
        return replay != null;
    }

    /** {@return why this graph is not replayed (an op the session executes specially), or null} */
    public String notReplayed() {
        return notReplayed;
    }

    /** {@return the replay, when there is one (for its op count and memory)} */
    public GradientReplay replay() {
        return replay;
    }

    @Override
    public void close() {
        if (replay != null) {
            replay.close();
            replay = null;
        }
    }
}
