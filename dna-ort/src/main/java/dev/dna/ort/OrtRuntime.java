package dev.dna.ort;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process's ONNX Runtime environment, created once on a thread with a 64 MB stack. Measured here:
 * ONNX Runtime 1.29's native initialization crashes the JVM (SIGSEGV, no hs_err file) when it runs on a
 * thread with the JVM's default 1 MB stack, e.g. a program's main thread; sessions created and run on
 * ordinary threads afterwards are fine.
 */
public final class OrtRuntime {
    private static final AtomicReference<OrtEnvironment> ENV = new AtomicReference<>();

    private OrtRuntime() {}

    /**
     * {@return the one ONNX Runtime environment of the process, started on first use (on a thread with a large stack)}
     */
    public static OrtEnvironment environment() {
        OrtEnvironment env = ENV.get();
        if (env != null) {
            return env;
        }
        synchronized (OrtRuntime.class) {
            if (ENV.get() == null) {
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread t = new Thread(null, () -> {
                    try {
                        ENV.set(OrtEnvironment.getEnvironment());
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }, "dna-ort-init", 64L << 20);
                t.start();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
                }
                if (failure.get() != null) {
                    throw new IllegalStateException("ONNX Runtime failed to start: " + failure.get().getMessage(), failure.get());
                }
            }
            return ENV.get();
        }
    }
}
