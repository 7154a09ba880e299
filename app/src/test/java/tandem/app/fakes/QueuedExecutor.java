package tandem.app.fakes;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** Stands in for Platform.runLater in view-model tests: keeps tasks until the test runs them, and counts them. */
public final class QueuedExecutor implements Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private int submitted;

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
        submitted++;
    }

    public synchronized int pending() { return tasks.size(); }

    public synchronized int submitted() { return submitted; }

    /** Runs one queued task; false when none is left. */
    public boolean runOne() {
        Runnable next;
        synchronized (this) {
            next = tasks.poll();
        }
        if (next == null) return false;
        next.run();
        return true;
    }

    public void runAll() {
        while (runOne()) {
            // tasks may queue more tasks; run until quiet
        }
    }
}
