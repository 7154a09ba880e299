package tandem.engine.vulkan.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tandem.engine.api.KernelTime;

/**
 * Host time per phase of a runner's steps (writing the step's parameters, submitting, waiting for the
 * GPU, reading its timestamps, copying logits), summed since load: where the GPU sits idle between
 * steps, which the kernels' timestamps cannot show. {@code bench --profile} prints them.
 */
final class HostTimes {
    private final Map<String, long[]> phases = new LinkedHashMap<>();

    /** Adds the time since {@code since} (System.nanoTime) to the phase; returns now, the next phase's start. */
    long add(String phase, long since) {
        long now = System.nanoTime();
        addNanos(phase, now - since);
        return now;
    }

    /** Adds a duration measured elsewhere (the GPU's span of a step, beside the host's wait for it). */
    synchronized void addNanos(String phase, long nanos) {
        long[] t = phases.computeIfAbsent(phase, k -> new long[2]);
        t[0] += nanos;
        t[1]++;
    }

    /** A step's GPU span (the sum of its timeline's intervals) as the phase "KIND: (GPU span of the step)". */
    void addGpuSpan(String kind, Map<String, Double> times) {
        // plain loops in these paths: they run every 8th step only, too rarely for the JIT, and a stream interpreted
        // cost ~100 µs (lavapipe) with the GPU idle
        double span = 0;
        for (double ns : times.values()) span += ns;
        addNanos(kind + ": (GPU span of the step)", (long) span);
    }

    /** The phases in the order first seen, as (phase, total µs, times). */
    synchronized List<KernelTime> times() {
        List<KernelTime> out = new ArrayList<>();
        phases.forEach((phase, t) -> out.add(new KernelTime(phase, t[0] / 1e3, t[1])));
        return out;
    }
}
