package tandem.engine.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import tandem.engine.api.TandemException;
import tandem.engine.vulkan.TimelinePoint;
import tandem.engine.vulkan.TimelineSemaphore;
import tandem.engine.vulkan.VulkanDevice;

/**
 * Peer signals through the host, for drivers that cannot share semaphores (mixed vendors,
 * lavapipe). Each device signals its own "written" timeline; a relay thread busy-polls all of
 * them and raises each device's "peers ready" timeline to the lowest round all its peers have
 * written. Busy-polling costs a core but was the fastest host path measured (~9 µs per hop on
 * H200 against ~13 µs with long tails for blocking waits); after a while without progress the
 * thread backs off so an idle model does not burn a core.
 */
final class HostRelaySignals implements PeerSignals {
    private static final long SPIN_WITHOUT_PROGRESS_NS = 2_000_000;
    private static final long IDLE_PARK_NS = 50_000;

    private final List<TimelineSemaphore> written = new ArrayList<>();
    private final List<TimelineSemaphore> peersReady = new ArrayList<>();
    /** Null where the slots live in one imported host allocation; else copies a written slot to the peers. */
    private final SlotCopies copies;
    private final Thread relay;
    private volatile boolean stopping;
    private volatile RuntimeException failure;

    /** @param copies null where every device reads the same imported host memory */
    HostRelaySignals(List<VulkanDevice> devices, SlotCopies copies) {
        this.copies = copies;
        try {
            for (int d = 0; d < devices.size(); d++) {
                written.add(TimelineSemaphore.create(devices.get(d), false, "all-reduce written " + d));
                peersReady.add(TimelineSemaphore.create(devices.get(d), false, "all-reduce peers ready " + d));
            }
        } catch (RuntimeException e) {
            closeSemaphores();
            throw e;
        }
        relay = Thread.ofPlatform().daemon().name("tandem-allreduce-relay").start(this::relayLoop);
    }

    private void relayLoop() {
        int n = written.size();
        long[] seen = new long[n];
        long[] published = new long[n];
        long[] relayed = new long[n];
        long lastProgress = System.nanoTime();
        try {
            while (!stopping) {
                for (int d = 0; d < n; d++) seen[d] = written.get(d).value();
                if (copies != null) publish(seen, published);
                boolean progress = false;
                for (int e = 0; e < n; e++) {
                    long ready = Long.MAX_VALUE;
                    for (int d = 0; d < n; d++) if (d != e) ready = Math.min(ready, seen[d]);
                    if (ready != Long.MAX_VALUE && ready > relayed[e]) {
                        peersReady.get(e).signal(ready);
                        relayed[e] = ready;
                        progress = true;
                    }
                }
                long now = System.nanoTime();
                if (progress) lastProgress = now;
                else if (now - lastProgress > SPIN_WITHOUT_PROGRESS_NS) LockSupport.parkNanos(IDLE_PARK_NS);
                else Thread.onSpinWait();
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /**
     * Copies every newly written slot to the peers before any of them is told. Only the last two
     * rounds of a jump matter: the slots alternate between two sets.
     */
    private void publish(long[] seen, long[] published) {
        for (int d = 0; d < seen.length; d++) {
            for (long r = Math.max(published[d] + 1, seen[d] - 1); r <= seen[d]; r++) copies.publish(d, r);
            published[d] = seen[d];
        }
    }

    @Override
    public TimelinePoint written(int device, long round) { return written.get(device).at(round); }

    @Override
    public List<TimelinePoint> peersWritten(int device, long round) {
        return written.size() == 1 ? List.of() : List.of(peersReady.get(device).at(round));
    }

    @Override
    public String describe() { return "host relay"; }

    @Override
    public void checkHealthy() {
        RuntimeException f = failure;
        if (f != null) throw new TandemException("the all-reduce relay stopped: " + f.getMessage(), f);
    }

    @Override
    public void releaseWaiters() {
        stopRelay();
        for (TimelineSemaphore s : peersReady) signalQuietly(s);
    }

    /** Raises a semaphore far past any round, ignoring a device that is gone. */
    static void signalQuietly(TimelineSemaphore s) {
        try {
            if (s.value() < RELEASED) s.signal(RELEASED);
        } catch (RuntimeException gone) {
            // the lost device's own semaphores cannot be signalled any more; the others can
        }
    }

    /** A round no step reaches. */
    static final long RELEASED = Long.MAX_VALUE / 2;

    private void stopRelay() {
        stopping = true;
        try {
            relay.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopRelay();
        closeSemaphores();
    }

    private void closeSemaphores() {
        written.forEach(TimelineSemaphore::close);
        peersReady.forEach(TimelineSemaphore::close);
    }
}
