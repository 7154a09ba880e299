package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Recorders submitted together ({@link CommandRecorder#submitAll}) share the last one's fence:
 * awaiting, re-recording or closing any of them, in any order, waits for the group and never
 * touches a fence that is gone.
 */
class CommandRecorderGroupTest extends VulkanTestBase {
    private static final List<TimelinePoint> NONE = List.of();

    @Test
    void awaitingAnEarlierRecorderWaitsForTheWholeGroup() throws InterruptedException {
        try (TimelineSemaphore gate = TimelineSemaphore.create(device, false, "gate");
             TimelineSemaphore done = TimelineSemaphore.create(device, false, "done");
             GpuBuffer out = GpuBuffer.create(device, BufferKind.READBACK, 8, "out");
             CommandRecorder first = CommandRecorder.create(device);
             CommandRecorder last = CommandRecorder.create(device)) {
            first.begin().fill(out.range(0, 4), 7).barrier().end();
            last.begin().fill(out.range(4, 4), 9).barrier().end();
            // The first batch waits for the gate, which opens only once this thread is (about to be)
            // in await(): an await that returned without waiting would find the group unfinished.
            CommandRecorder.submitAll(List.of(first, last), List.of(List.of(gate.at(1)), NONE),
                    List.of(NONE, List.of(done.at(1))));
            Thread opener = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                gate.signal(1);
            });
            try {
                first.await();
                assertEquals(1, done.value(), "the group's last batch had signalled when the first recorder's await returned");
                out.invalidate();
                assertEquals(7, out.mapped().get(ValueLayout.JAVA_INT, 0));
                assertEquals(9, out.mapped().get(ValueLayout.JAVA_INT, 4));
            } finally {
                opener.join();
            }
        }
    }

    @Test
    void groupMembersCanBeRecordedAgainAndClosedInAnyOrder() {
        try (GpuBuffer out = GpuBuffer.create(device, BufferKind.READBACK, 8, "out")) {
            CommandRecorder first = CommandRecorder.create(device);
            CommandRecorder last = CommandRecorder.create(device);
            first.begin().fill(out.range(0, 4), 1).barrier().end();
            last.begin().fill(out.range(4, 4), 2).barrier().end();
            CommandRecorder.submitAll(List.of(first, last), List.of(NONE, NONE), List.of(NONE, NONE));
            // begin() of a covered recorder waits for the group before resetting its buffer
            first.begin().fill(out.range(0, 4), 3).barrier().end().submitAndWait();
            out.invalidate();
            assertEquals(3, out.mapped().get(ValueLayout.JAVA_INT, 0));
            assertEquals(2, out.mapped().get(ValueLayout.JAVA_INT, 4));

            CommandRecorder.submitAll(List.of(first, last), List.of(NONE, NONE), List.of(NONE, NONE));
            last.close();      // the fence that covers first is destroyed here
            first.await();     // nothing left to wait for
            first.close();
        }
    }
}
