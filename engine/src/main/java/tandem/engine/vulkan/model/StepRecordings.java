package tandem.engine.vulkan.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The recorded shared steps a runner keeps ({@link SharedStepPlan#key}: which sequences with how
 * many rows), least recently used first out: each holds command buffers and descriptor sets, so
 * only a few are kept, and those of a closing sequence go at once. Not thread-safe (the runner's
 * command-pool lock guards it).
 *
 * @param <R> a recording, closed through the given closer
 */
public final class StepRecordings<R> {
    private final int capacity;
    private final Consumer<R> closer;
    private final Map<List<Object>, R> recordings = new LinkedHashMap<>(16, 0.75f, true);

    public StepRecordings(int capacity, Consumer<R> closer) {
        this.capacity = capacity;
        this.closer = closer;
    }

    /** The recording of this key, recorded now when there is none. */
    public R get(List<Object> key, Supplier<R> record) {
        R r = recordings.get(key);
        if (r != null) return r;
        r = record.get();
        recordings.put(key, r);
        if (recordings.size() > capacity) {
            var eldest = recordings.entrySet().iterator().next();
            closer.accept(eldest.getValue());
            recordings.remove(eldest.getKey());
        }
        return r;
    }

    /** Drops the recordings whose key holds {@code part} (a sequence's buffers: it is closing). */
    public void forget(Object part) {
        recordings.entrySet().removeIf(e -> {
            if (!e.getKey().contains(part)) return false;
            closer.accept(e.getValue());
            return true;
        });
    }

    public void close() {
        recordings.values().forEach(closer);
        recordings.clear();
    }
}
