package dev.dna.samediff.training;

import static com.google.common.base.Preconditions.checkArgument;

import dev.dna.api.spec.SpikeGuardSpec;
import dev.dna.samediff.SpikeEvent;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The running judge of {@link SpikeGuardSpec}: per step, the restorer's synthetic loss {@code l_res} and the norm of
 * the gradient that reaches the restorer, against their medians over the last accepted steps; and the snapshots a
 * rollback restores. The trainer asks {@link #judge} before applying a step's update (null: apply it; else the
 * {@link SpikeEvent} says what to do) and calls {@link #accepted} after an applied one (a clipped one included).
 *
 * <p>A loss spike is skipped or rolled back and counts towards {@code maxEvents}. A gradient spike alone is clipped and
 * applied ({@link SpikeEvent.Action#CLIP}) and does not count: skipping it changes nothing the next step would see, so
 * a run whose gradient rose for good would skip every step until stopped (the SIDD run of issue 44 did so from step
 * 6,761, where the unguarded run went on); its raw norm enters the median, which follows a lasting rise within half a
 * window.
 *
 * <p>Snapshots: every {@code snapshotEvery} accepted steps the state is copied as a candidate; a candidate becomes the
 * good state once {@code snapshotEvery} more steps passed without a spike (a spike in between drops it, since damage may
 * predate the spike that shows it). A rollback restores the good state; before there is one, a loss spike is skipped.
 *
 * @param <S> the copied training state
 */
public final class SpikeGuard<S> {

    private final SpikeGuardSpec spec;
    private final Window loss;
    private final Window grad;
    private S candidate;
    private long candidateStep;
    private S good;
    private long goodStep;
    private int events;
    private int clips;

    /**
     * A guard following {@code spec}, with empty windows.
     *
     * @param spec the policy, factor, window, snapshots and limit
     */
    public SpikeGuard(SpikeGuardSpec spec) {
        this.spec = spec;
        this.loss = new Window(spec.window());
        this.grad = new Window(spec.window());
    }

    /** {@return whether it judges at all (the policy is not OFF)} */
    public boolean enabled() {
        return spec.enabled();
    }

    /**
     * Judges step {@code step} from its restoration loss and the restorer's gradient norm; a spike counts towards
     * {@code maxEvents}. The event, if any, is the returned one's; {@code null} when the step is accepted.
     *
     * @param step the step, from 1
     * @param lossValue its restoration loss
     * @param gradNorm the norm of the restorer's gradient
     * @return the event, or null
     */
    public SpikeEvent judge(long step, double lossValue, double gradNorm) {
        if (!spec.enabled()) {
            return null;
        }
        double lm = loss.median();
        double gm = grad.median();
        boolean lossSpike = loss.ready() && lossValue > spec.factor() * lm;
        boolean gradSpike = grad.ready() && gradNorm > spec.factor() * gm;
        if (!lossSpike && !gradSpike) {
            return null;
        }
        candidate = null; // damage may predate the spike: a candidate taken since the last good state is not trusted
        if (lossSpike) {
            events++;
            boolean back = spec.policy() == SpikeGuardSpec.Policy.ROLLBACK && good != null;
            return new SpikeEvent(step, "l_res", lossValue, lm, back ? SpikeEvent.Action.ROLLBACK : SpikeEvent.Action.SKIP,
                    back ? goodStep : -1);
        }
        clips++;
        return new SpikeEvent(step, "grad_restorer", gradNorm, gm, SpikeEvent.Action.CLIP, -1, spec.factor());
    }

    /** {@return whether the run has met more loss spikes than {@code maxEvents}} */
    public boolean exhausted() {
        return events > spec.maxEvents();
    }

    /** {@return the loss spikes met so far, skipped or rolled back (with those of the run before a resume)} */
    public int events() {
        return events;
    }

    /** {@return the gradient spikes clipped so far (with those of the run before a resume)} */
    public int clips() {
        return clips;
    }

    /** {@return the good state a rollback restores, or null when there is none yet} */
    public S goodState() {
        return good;
    }

    /**
     * Records an applied step's values in the running medians and takes the snapshots due: {@code snapshot} is asked
     * for a copy of the state after step {@code step} every {@code snapshotEvery} steps.
     *
     * @param step the step applied
     * @param lossValue its restoration loss
     * @param gradNorm the norm of the restorer's gradient
     * @param snapshot makes a copy of the state after {@code step}
     */
    public void accepted(long step, double lossValue, double gradNorm, Supplier<S> snapshot) {
        if (!spec.enabled()) {
            return;
        }
        loss.add(lossValue);
        grad.add(gradNorm);
        if (step % spec.snapshotEvery() == 0) {
            if (candidate != null && step - candidateStep >= spec.snapshotEvery()) {
                good = candidate;
                goodStep = candidateStep;
            }
            candidate = snapshot.get();
            candidateStep = step;
        }
    }

    /**
     * {@return the state of the running medians, for a checkpoint: the loss window's values, then the gradient
     *     window's}
     */
    public double[][] windows() {
        return new double[][] {loss.values(), grad.values()};
    }

    /**
     * Checks what a checkpoint says of a guard before anything is restored: two windows of losses and norms (finite,
     * not negative) and counts that are not negative.
     *
     * @param windows the loss window and the gradient-norm window
     * @param eventCount loss spikes met before
     * @param clipCount gradient spikes clipped before
     * @throws IllegalArgumentException naming the first value that no run could have recorded
     */
    public static void checkRestorable(double[][] windows, int eventCount, int clipCount) {
        checkArgument(windows.length == 2, "the spike guard has %s windows, not 2", windows.length);
        for (double[] w : windows) {
            for (double v : w) {
                checkArgument(Double.isFinite(v) && v >= 0, "the spike guard's window holds %s, which is no loss or norm", v);
            }
        }
        checkArgument(eventCount >= 0 && clipCount >= 0, "the spike guard counts %s events and %s clips", eventCount, clipCount);
    }

    /**
     * Puts back the windows of {@link #windows} and the counts of events and clips (resuming a run).
     *
     * @param windows from {@link #windows}
     * @param eventCount loss spikes met before
     * @param clipCount gradient spikes clipped before
     * @throws IllegalArgumentException as {@link #checkRestorable}, before anything is restored
     */
    public void restore(double[][] windows, int eventCount, int clipCount) {
        checkRestorable(windows, eventCount, clipCount);
        loss.set(windows[0]);
        grad.set(windows[1]);
        events = eventCount;
        clips = clipCount;
    }

    /**
     * Starts the snapshots of a resumed run: its state becomes the candidate, good once {@code snapshotEvery} steps pass
     * without a spike (when the checkpoint's step is a multiple of {@code snapshotEvery}, as the uninterrupted run's
     * candidate would be; otherwise the first rollback target after a resume comes later than in the uninterrupted run).
     *
     * @param step the checkpoint's step
     * @param state the state at that step
     */
    public void startFrom(long step, S state) {
        if (spec.enabled()) {
            candidate = state;
            candidateStep = step;
        }
    }

    /** The last {@code capacity} values and their median. */
    private static final class Window {
        private final int capacity;
        private final ArrayDeque<Double> values = new ArrayDeque<>();

        Window(int capacity) {
            this.capacity = capacity;
        }

        void add(double v) {
            if (!Double.isFinite(v)) {
                return;
            }
            if (values.size() == capacity) {
                values.removeFirst();
            }
            values.addLast(v);
        }

        boolean ready() {
            return values.size() >= capacity / 2 && median() > 0;
        }

        double median() {
            if (values.isEmpty()) {
                return Double.NaN;
            }
            double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(a);
            int n = a.length;
            return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
        }

        double[] values() {
            return values.stream().mapToDouble(Double::doubleValue).toArray();
        }

        void set(double[] v) {
            values.clear();
            for (double x : v) {
                add(x);
            }
        }
    }
}
