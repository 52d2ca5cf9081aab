package dev.dna.examples;

import dev.dna.api.image.Image;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/** Wall-clock timing for the benchmark programs. */
final class Timing {
    private Timing() {}

    /** Median seconds of {@code reps} runs of {@code f} on {@code x}, after one untimed warm-up run. */
    static double medianSeconds(UnaryOperator<Image> f, Image x, int reps) {
        f.apply(x);
        List<Double> t = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            f.apply(x);
            t.add((System.nanoTime() - t0) / 1e9);
        }
        return median(t);
    }

    /** The median (the mean of the two middle values for an even count). */
    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
