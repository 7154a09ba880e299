package tandem.app.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Hands items produced on a worker thread to the UI thread in batches: however fast items
 * arrive, at most one drain is queued on the UI executor at a time, so a fast generator cannot
 * flood the JavaFX event queue with one task per token.
 */
public final class UiBatcher<T> {
    private final Executor ui;
    private final Consumer<List<T>> sink;
    private final Object lock = new Object();
    private List<T> pending = new ArrayList<>();
    private boolean drainQueued;

    /** @param sink receives each non-empty batch on the UI thread, in arrival order */
    public UiBatcher(Executor ui, Consumer<List<T>> sink) {
        this.ui = ui;
        this.sink = sink;
    }

    /** Any thread. Queues a drain only when none is queued already. */
    public void offer(T item) {
        boolean queueDrain;
        synchronized (lock) {
            pending.add(item);
            queueDrain = !drainQueued;
            drainQueued = true;
        }
        if (queueDrain) ui.execute(this::drain);
    }

    /** UI thread. Delivers whatever is pending now (used before a final update that must follow all items). */
    public void drain() {
        List<T> batch;
        synchronized (lock) {
            batch = pending;
            pending = new ArrayList<>();
            drainQueued = false;
        }
        if (!batch.isEmpty()) sink.accept(batch);
    }
}
