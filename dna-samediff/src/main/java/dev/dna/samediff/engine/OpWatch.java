package dev.dna.samediff.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** One gradient step through SameDiff's session, with a callback on every op it executes, in execution order. */
public final class OpWatch {
    private OpWatch() {}

    /** Called after each op of the forward pass and of the gradient function, with the op's output arrays. */
    interface Callback {
        void executed(SameDiff s, SameDiffOp op, INDArray[] out);
    }

    /**
     * {@code sd.calculateGradientsAndOutputs(feed, outputs, params)} with {@code callback} on every executed op;
     * the graph's listeners (and its gradient function's) are as before afterwards.
     */
    static OutAndGrad gradientsAndOutputs(SameDiff sd, Map<String, INDArray> feed, List<String> outputs, List<String> params,
            Callback callback) {
        List<Listener> before = new ArrayList<>(sd.getListeners());
        Listener watcher = new BaseListener() {
            @Override
            public boolean isActive(Operation operation) {
                return true;
            }

            @Override
            public void opExecution(SameDiff s, At at, MultiDataSet batch, SameDiffOp op, OpContext ctx, INDArray[] out) {
                callback.executed(s, op, out);
            }
        };
        List<Listener> with = new ArrayList<>(before);
        with.add(watcher);
        sd.setListeners(with);
        try {
            return sd.calculateGradientsAndOutputs(feed, outputs, params);
        } finally {
            sd.setListeners(before);
            SameDiff g = sd.getFunction("grad");
            if (g != null) {
                g.setListeners(before);
            }
        }
    }
}
