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
 * A submit that outlasts the fence timeout (a hung driver; here: a batch waiting on a semaphore that
 * has not been signalled) is reported in one line, and its recorder is not freed while the GPU may
 * still run it: closing it then leaves it to the device, and once the work is done it closes for real.
 * The validation layer (on in tests) reports a fence or command buffer destroyed while in use.
 */
class HungSubmitTest extends VulkanTestBase {
    @AfterEach
    void clearKnob() {
        System.clearProperty("tandem.fence.timeout.ms");
    }

    @Test
    void aTimedOutSubmitIsReportedAndNotFreedWhileItMayStillRun() {
        try (TimelineSemaphore gate = TimelineSemaphore.create(device, false, "gate");
             GpuBuffer out = GpuBuffer.create(device, BufferKind.READBACK, 4, "out")) {
            int before = device.liveResources();
            CommandRecorder rec = CommandRecorder.create(device);
            rec.begin().fill(out.range(0, 4), 5).barrier().end();
            CommandRecorder.submitAll(List.of(rec), List.of(List.of(gate.at(1))), List.of(List.of()));

            System.setProperty("tandem.fence.timeout.ms", "50");
            TandemException e = assertThrows(TandemException.class, rec::await);
            assertTrue(e.getMessage().contains("did not finish its work within 0.05 s; the driver may be hung"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());

            rec.close();
            assertEquals(before + 1, device.liveResources(), "the recorder the GPU may still run was freed");

            System.clearProperty("tandem.fence.timeout.ms");
            gate.signal(1);
            rec.await();
            out.invalidate();
            assertEquals(5, out.mapped().get(ValueLayout.JAVA_INT, 0), "the work ran once the gate opened");
            rec.close();
            assertEquals(before, device.liveResources(), "closed once its work was done");
        }
    }
}
