package tandem.engine.server;

import java.util.concurrent.atomic.AtomicLong;

/** Counts of the requests the server answered, for /metrics (thread-safe). */
final class ServerStats {
    final AtomicLong completed = new AtomicLong();
    final AtomicLong disconnected = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong promptTokens = new AtomicLong();
    final AtomicLong completionTokens = new AtomicLong();

    void answered(int prompt, int completion) {
        completed.incrementAndGet();
        promptTokens.addAndGet(prompt);
        completionTokens.addAndGet(completion);
    }
}
