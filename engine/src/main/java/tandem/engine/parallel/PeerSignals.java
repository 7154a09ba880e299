package tandem.engine.parallel;

import java.util.List;

import tandem.engine.vulkan.TimelinePoint;

/**
 * The synchronisation half of the all-reduce: device d signals {@link #written} once its partial of
 * round k is in host memory, and its submit that reads round k waits on {@link #peersWritten}.
 * Rounds count from 1; a device never signals a round before the previous one.
 */
interface PeerSignals extends AutoCloseable {
    TimelinePoint written(int device, long round);

    List<TimelinePoint> peersWritten(int device, long round);

    /** "shared timeline semaphores" or "host relay": for notes and benchmarks. */
    String describe();

    /**
     * After a device failed mid-step: raises every semaphore a device may wait on past any round,
     * so the other devices' queued submits run out instead of waiting forever. The signals are
     * useless afterwards; the model must be loaded again.
     */
    void releaseWaiters();

    /** Throws the relay's failure, if it had one (a lost device), as a one-line error. */
    default void checkHealthy() {}

    @Override
    void close();
}
