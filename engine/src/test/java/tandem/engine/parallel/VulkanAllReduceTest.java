package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tandem.engine.api.TandemException;
import tandem.engine.tools.AllReduceExercise;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.VulkanInstance;

/**
 * The all-reduce on several logical devices opened on Vulkan device 0 (lavapipe in CI): every
 * element of every device's result against the Java sum, over many rounds in a row.
 *
 * <p>Host-relay rounds use an instance without the validation layer: the installed layer
 * (1.3.239) mis-tracks timeline semaphores that the host signals while a device's submits wait on
 * them — it reports VUID-VkSemaphoreSignalInfo-value-03259 for semaphores that have no device-side
 * signal at all, then stalls 10 s in "timeout waiting for timeline semaphore state" (its own
 * message: "most likely a validation bug"). That happens with one device too (its relay thread
 * still signals from the host), intermittently, so only set-up and the non-relay tests run validated.
 */
class VulkanAllReduceTest {
    private static VulkanInstance validated;
    private static VulkanInstance unvalidated;

    @BeforeAll
    static void open() {
        validated = VulkanInstance.create();
        unvalidated = VulkanInstance.create(false);
    }

    @AfterAll
    static void close() {
        unvalidated.close();
        validated.close();
    }

    private static void withDevices(int n, Consumer<List<VulkanDevice>> body) { open(validated, n, body); }

    private static void open(VulkanInstance instance, int n, Consumer<List<VulkanDevice>> body) {
        List<VulkanDevice> devices = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) devices.add(VulkanDevice.open(instance, 0));
            body.accept(devices);
            for (VulkanDevice d : devices) assertEquals(0, d.liveResources(), "resources left on " + d.label());
        } finally {
            devices.reversed().forEach(VulkanDevice::close);
        }
        assertEquals(List.of(), instance.takeValidationMessages());
    }

    @ParameterizedTest(name = "{0} devices, {1} floats")
    @CsvSource({"1, 512", "2, 4096", "2, 1000", "3, 4099", "4, 777", "4, 8192"})
    void hostRelaySumsEveryElementRoundAfterRound(int devices, int length) {
        open(unvalidated, devices, ds -> {
            AllReduceExercise.Report r = AllReduceExercise.run(ds, AllReduceMode.HOST_RELAY, length, 6, 3, 42 + devices);
            assertEquals("host relay", r.path());
            assertEquals(18, r.rounds());
            assertEquals(0, r.wrongElements(), "elements that differ from the Java sum");
            assertEquals(0, r.devicesDisagree(), "elements not bit-identical across devices");
        });
    }

    @ParameterizedTest(name = "{0} devices, {1} floats")
    @CsvSource({"2, 4096", "3, 1000", "4, 777"})
    void hostCopiesForDriversWithoutHostMemoryImportSumEveryElement(int devices, int length) {
        open(unvalidated, devices, ds -> {
            AllReduceExercise.Report r = AllReduceExercise.run(ds, AllReduceMode.AUTO, length, 6, 3, 7 + devices, true, true);
            assertEquals("host relay", r.path());
            assertEquals(0, r.wrongElements(), "elements that differ from the Java sum");
            assertEquals(0, r.devicesDisagree(), "elements not bit-identical across devices");
        });
    }

    @Test
    void autoUsesSharedSemaphoresOnlyWhereTheDriverCanShareThem() {
        withDevices(2, ds -> {
            String why = SharedTimelineSignals.whyNotSupported(ds);
            if (why != null) {
                TandemException e = assertThrows(TandemException.class,
                        () -> VulkanAllReduce.create(ds, 64, AllReduceMode.SHARED_SEMAPHORES));
                assertTrue(e.getMessage().contains(why), e.getMessage());
                try (VulkanAllReduce ar = VulkanAllReduce.create(ds, 64, AllReduceMode.AUTO)) {
                    assertEquals("host relay", ar.path());
                }
            } else {
                AllReduceExercise.Report r = AllReduceExercise.run(ds, AllReduceMode.AUTO, 4096, 6, 3, 7);
                assertEquals("shared timeline semaphores", r.path());
                assertEquals(0, r.wrongElements());
            }
        });
    }

    @Test
    void releasingWaitersDrainsADeviceWhosePeerNeverComes() {
        open(unvalidated, 2, ds -> {
            try (VulkanAllReduce ar = VulkanAllReduce.create(ds, 64, AllReduceMode.HOST_RELAY);
                 CommandRecorder waiting = CommandRecorder.create(ds.get(0))) {
                // device 0 waits for round 1 of device 1, which (as if lost) never submits anything
                waiting.begin().end().submit(ar.peersWritten(0, 1), List.of());
                ar.releaseWaiters();
                waiting.await(); // without the release this times out after 60 s with an error
            }
        });
    }

    @Test
    void aLongerVectorThanPlannedIsRefused() {
        withDevices(2, ds -> {
            try (VulkanAllReduce ar = VulkanAllReduce.create(ds, 64, AllReduceMode.HOST_RELAY)) {
                assertThrows(IllegalArgumentException.class, () -> ar.recordSum(null, 0, 1, null, 65, false));
            }
        });
    }
}
