package tandem.app.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.app.concurrent.AppExecutors;
import tandem.app.engine.EngineService;
import tandem.app.fakes.FakeEngine;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.TandemException;

class DevicesViewModelTest {
    private static final DeviceInfo LLVMPIPE = new DeviceInfo(0, "llvmpipe", "Mesa", "llvmpipe", "cpu", 2L << 30, 2L << 30, 8, List.of());
    private static final DeviceInfo IGPU = new DeviceInfo(1, "Iris", "Intel", "mesa", "integrated", 32L << 30, 30L << 30, 32, List.of());
    private static final DeviceInfo SMALL = FakeEngine.gpu(2, "Small", 8, 8);
    private static final DeviceInfo BIG = FakeEngine.gpu(3, "Big", 24, 20);

    private static DevicesViewModel discovered(List<DeviceInfo> found) {
        DevicesViewModel vm = new DevicesViewModel(new FakeEngine(found, 1), AppExecutors.direct());
        vm.refresh();
        return vm;
    }

    @Test
    void aFirstStartIncludesOnlyTheBestGpu() {
        DevicesViewModel vm = discovered(List.of(LLVMPIPE, IGPU, SMALL, BIG));
        assertEquals(List.of(false, false, false, true), vm.devices().stream().map(DeviceEntry::isIncluded).toList());
        assertEquals(List.of(3), vm.logicalDevices().stream().map(e -> e.info().index()).toList());
        assertEquals("", vm.bannerProperty().get());
    }

    @Test
    void aSoftwareDeviceIsNeverChosenSoTheCpuEngineRuns() {
        DevicesViewModel vm = discovered(List.of(LLVMPIPE));
        assertTrue(vm.logicalDevices().isEmpty());
        assertEquals("", vm.bannerProperty().get(), "a device exists, so no 'no Vulkan' banner");
    }

    @Test
    void noDeviceShowsTheBanner() {
        DevicesViewModel vm = discovered(List.of());
        assertTrue(vm.bannerProperty().get().startsWith("No Vulkan device found"), vm.bannerProperty().get());
        assertTrue(vm.discoveredProperty().get());
    }

    @Test
    void aDiscoveryFailureIsExplainedAndTheCpuEngineRuns() {
        EngineService failing = new FakeEngine(List.of(), 1) {
            @Override public List<DeviceInfo> devices() { throw new TandemException("Vulkan loader not found: install libvulkan1"); }
        };
        DevicesViewModel vm = new DevicesViewModel(failing, AppExecutors.direct());
        vm.refresh();
        assertTrue(vm.bannerProperty().get().contains("Vulkan loader not found: install libvulkan1"), vm.bannerProperty().get());
        assertTrue(vm.logicalDevices().isEmpty());
        assertFalse(vm.refreshingProperty().get());
    }

    @Test
    void refreshKeepsTheUsersChoicesAndInstances() {
        DevicesViewModel vm = discovered(List.of(SMALL, BIG));
        vm.devices().getFirst().includedProperty().set(true);
        vm.devices().getFirst().instancesProperty().set(2);
        vm.refresh();
        assertEquals(List.of(2, 2, 3), vm.logicalDevices().stream().map(e -> e.info().index()).toList());
    }

    @Test
    void selectRestoresRepeatedDevicesAsInstances() {
        DevicesViewModel vm = discovered(List.of(SMALL, BIG));
        vm.select(List.of(2, 2, 2));
        assertEquals(List.of(2, 2, 2), vm.logicalDevices().stream().map(e -> e.info().index()).toList());
    }

}
