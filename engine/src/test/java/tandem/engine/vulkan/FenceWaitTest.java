package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tandem.engine.api.TandemException;

/**
 * The hybrid fence wait (sleep for most of the last duration, then poll) returns only once the work is
 * done, also when the work takes far longer than last time (it falls back to sleeping in
 * vkWaitForFences) and when it never ends (the fence timeout's one-line error); CPU devices block.
 */
class FenceWaitTest extends VulkanTestBase {
    private static final List<TimelinePoint> NONE = List.of();

    @AfterEach
    void clearKnobs() {
        System.clearProperty(FenceWait.PROPERTY);
        System.clearProperty("tandem.fence.timeout.ms");
    }

    @Test
    void cpuDevicesBlockAndGpusPollUnlessTheKnobSaysOtherwise() {
        assertEquals(FenceWait.BLOCK, FenceWait.forDevice("cpu"));
        assertEquals(FenceWait.HYBRID, FenceWait.forDevice("discrete-gpu"));
        System.setProperty(FenceWait.PROPERTY, "hybrid");
        assertEquals(FenceWait.HYBRID, FenceWait.forDevice("cpu"));
        System.setProperty(FenceWait.PROPERTY, " Block ");
        assertEquals(FenceWait.BLOCK, FenceWait.forDevice("discrete-gpu"));
        System.setProperty(FenceWait.PROPERTY, "spin");
        TandemException e = assertThrows(TandemException.class, () -> FenceWait.forDevice("cpu"));
        assertEquals("-Dtandem.fence.wait=spin: use block or hybrid", e.getMessage());
    }

    @Test
    void aHybridWaitReturnsOnlyOnceWorkFarLongerThanLastTimeIsDone() throws InterruptedException {
        System.setProperty(FenceWait.PROPERTY, "hybrid");
        try (TimelineSemaphore gate = TimelineSemaphore.create(device, false, "gate");
             GpuBuffer out = GpuBuffer.create(device, BufferKind.READBACK, 4, "out");
             CommandRecorder rec = CommandRecorder.create(device)) {
            rec.begin().fill(out.range(0, 4), 3).barrier().end();
            rec.submitAndWait(); // a short first run: the next wait expects about as long
            CommandRecorder.submitAll(List.of(rec), List.of(List.of(gate.at(1))), List.of(NONE));
            long opened = System.nanoTime() + 300_000_000L;
            Thread opener = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                gate.signal(1);
            });
            try {
                rec.await();
                assertTrue(System.nanoTime() >= opened - 20_000_000L, "await returned before the work could run");
                out.invalidate();
                assertEquals(3, out.mapped().get(ValueLayout.JAVA_INT, 0));
            } finally {
                opener.join();
            }
        }
    }

    @Test
    void aHybridWaitOnWorkThatNeverEndsTimesOutInOneLine() {
        System.setProperty(FenceWait.PROPERTY, "hybrid");
        try (TimelineSemaphore gate = TimelineSemaphore.create(device, false, "gate");
             GpuBuffer out = GpuBuffer.create(device, BufferKind.READBACK, 4, "out")) {
            CommandRecorder rec = CommandRecorder.create(device);
            rec.begin().fill(out.range(0, 4), 5).barrier().end();
            rec.submitAndWait();
            CommandRecorder.submitAll(List.of(rec), List.of(List.of(gate.at(1))), List.of(NONE));
            System.setProperty("tandem.fence.timeout.ms", "100");
            TandemException e = assertThrows(TandemException.class, rec::await);
            assertTrue(e.getMessage().contains("did not finish its work within 0.1 s"), e.getMessage());
            System.clearProperty("tandem.fence.timeout.ms");
            gate.signal(1);
            rec.await();
            rec.close();
        }
    }
}
