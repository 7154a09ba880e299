package tandem.engine.runtime;

import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;

/**
 * Counts what a loaded model's sessions do (time inside the forward pass, tokens) so that
 * {@link LoadedModel#metrics()} can report rates over the window since its previous call.
 * Thread-safe: generation records, the monitor reads.
 */
final class ActivityMeter {
    private long forwardNanos;
    private long forwardTokens;
    private long generatedTokens;
    private int activeGenerations;

    private long windowStart = System.nanoTime();
    private long windowForwardNanos;
    private long windowForwardTokens;
    private long windowGenerated;

    synchronized void recordForward(long nanos, int tokens) {
        forwardNanos += nanos;
        forwardTokens += tokens;
    }

    synchronized void recordGeneratedToken() {
        generatedTokens++;
    }

    synchronized void generationStarted() {
        activeGenerations++;
    }

    synchronized void generationEnded() {
        activeGenerations--;
        notifyAll();
    }

    /** Waits until no generation runs, at most the given time; true when none runs. */
    synchronized boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (activeGenerations > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) return false;
            wait(left);
        }
        return true;
    }

    /** Figures since the previous snapshot; starts the next window. */
    synchronized MetricsSnapshot snapshot(ModelRunner runner) {
        long now = System.nanoTime();
        long window = Math.max(1, now - windowStart);
        long busy = forwardNanos - windowForwardNanos;
        long tokens = forwardTokens - windowForwardTokens;
        long generated = generatedTokens - windowGenerated;
        windowStart = now;
        windowForwardNanos = forwardNanos;
        windowForwardTokens = forwardTokens;
        windowGenerated = generatedTokens;
        double tokensPerSecond = generated * 1e9 / window;
        return new MetricsSnapshot(now, activeGenerations > 0, tokensPerSecond, generatedTokens,
                runner.deviceMetrics(window, busy, tokens));
    }
}
