package tandem.app.concurrent;

import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time on an executor, keeping only the newest waiting task. Suits work
 * whose latest request supersedes older ones (re-planning while a divider is dragged, saving
 * settings): a burst of requests costs at most two runs, never a queue of stale ones.
 */
public final class LatestOnlyRunner {
    private final Executor executor;
    private final Object lock = new Object();
    private Runnable waiting;
    private boolean running;
    /** No task starts any more ({@link #close}): the process is ending. */
    private boolean closed;

    public LatestOnlyRunner(Executor executor) {
        this.executor = executor;
    }

    public void submit(Runnable task) {
        synchronized (lock) {
            if (closed) return;
            waiting = task;
            if (running) return;
            running = true;
        }
        executor.execute(this::runUntilNoneWaiting);
    }

    /**
     * Waits until no task runs or waits, at most {@code millis}: the app is closing and a write
     * cut off by the JVM's exit would leave a stray temporary file. True when idle.
     */
    public boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (lock) {
            while (running) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) return false;
                lock.wait(left);
            }
            return true;
        }
    }

    /**
     * Takes no more tasks: later submits are dropped (the one running and the one waiting still run; see
     * {@link #awaitIdle}). The process is ending (SIGTERM): a save that began after the exit's last wait would be
     * cut off by the JVM's halt and leave a stray temporary file, so the caller writes the final state itself.
     */
    public void close() {
        synchronized (lock) {
            closed = true;
        }
    }

    private void runUntilNoneWaiting() {
        while (true) {
            Runnable next;
            synchronized (lock) {
                next = waiting;
                waiting = null;
                if (next == null) {
                    running = false;
                    lock.notifyAll();
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // The task reports its own failures; one failing run must not stop later ones.
                Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
            }
        }
    }
}
