package tandem.engine.vulkan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Labelled GPU timestamps in one command buffer: {@link #mark(String)} after a piece of work
 * stamps the time it ended, so after completion each label gets the time since the previous
 * mark. Segments (embedding, each layer, output) are always marked; in profiling mode every
 * kernel is. Recorded once, read after every replay.
 */
public final class GpuTimeline implements AutoCloseable {
    private final TimestampQueries queries;
    private final List<String> labels = new ArrayList<>();
    private CommandRecorder rec;
    /** Stamps the recording copies at its end ({@link #end}); -1: none, read from the pool. */
    private int copied = -1;

    public GpuTimeline(VulkanDevice device, int capacity) {
        this.queries = TimestampQueries.create(device, capacity);
    }

    /** Starts a recording: resets the slots and stamps the start. */
    public void begin(CommandRecorder rec) {
        this.rec = rec;
        labels.clear();
        copied = -1;
        rec.resetTimestamps(queries, queries.capacity());
        rec.timestamp(queries, 0);
        labels.add("start");
    }

    /**
     * Continues the timeline in another command buffer submitted later to the same queue (a step
     * cut into segments): later marks go there, and intervals span the gap between the two.
     */
    public void switchTo(CommandRecorder next) {
        this.rec = next;
    }

    /** Stamps the end of the work recorded since the previous mark. */
    public void mark(String label) {
        if (labels.size() >= queries.capacity()) return;  // more marks than slots: later ones are dropped
        rec.timestamp(queries, labels.size());
        labels.add(label);
    }

    /**
     * After the last mark: the recording copies its stamps to host memory when done, so {@link #read} needs no
     * driver call (the pool is read where a recording did not end this way).
     */
    public void end() {
        if (labels.size() < 2) return;
        queries.recordCopy(rec, labels.size());
        copied = labels.size();
    }

    /** Nanoseconds per label (summed when a label repeats), in recording order; call after the work completed. */
    public Map<String, Double> read() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (labels.size() < 2) return out;
        double[] ns = copied == labels.size() ? queries.copiedIntervalsNanos(labels.size()) : queries.intervalsNanos(labels.size());
        for (int i = 0; i < ns.length; i++) {
            Double before = out.get(labels.get(i + 1));
            out.put(labels.get(i + 1), before == null ? ns[i] : before + ns[i]);
        }
        return out;
    }

    /** Total GPU nanoseconds from the first to the last mark. */
    public double totalNanos() {
        return read().values().stream().mapToDouble(Double::doubleValue).sum();
    }

    @Override
    public void close() { queries.close(); }
}
