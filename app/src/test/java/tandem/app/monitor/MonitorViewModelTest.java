package tandem.app.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.junit.jupiter.api.Test;
import tandem.app.concurrent.AppExecutors;
import tandem.engine.api.DeviceMetrics;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;

class MonitorViewModelTest {
    private static MetricsSnapshot at(double seconds) {
        return new MetricsSnapshot((long) (seconds * 1e9), true, 100, 0, List.of(
                new DeviceMetrics(0, "A", 0.8, 300, 100, 1, 2),
                new DeviceMetrics(1, "B", 0.6, 500, 300, 1, 2)));
    }

    @Test
    void keepsTheLastMinuteOfSamples() {
        MonitorViewModel vm = new MonitorViewModel(AppExecutors.direct(), new ReadOnlyObjectWrapper<LoadedModel>().getReadOnlyProperty(),
                new ReadOnlyBooleanWrapper().getReadOnlyProperty(), 0);
        for (int tenth = 0; tenth <= 900; tenth++) vm.accept(at(tenth / 10.0));
        assertEquals(30.0, vm.samples().getFirst().seconds(), 1e-9);
        assertEquals(90.0, vm.samples().getLast().seconds(), 1e-9);
        assertEquals(601, vm.samples().size());
        assertEquals(90.0, vm.latestProperty().get().seconds(), 1e-9);
    }

    @Test
    void tokensPerSecondIsTheRateOverTheLastSecondOfEngineCounts() {
        MonitorViewModel vm = new MonitorViewModel(AppExecutors.direct(), new ReadOnlyObjectWrapper<LoadedModel>().getReadOnlyProperty(),
                new ReadOnlyBooleanWrapper().getReadOnlyProperty(), 0);
        // 100 ms windows alternating 7 and 13 tokens: each window's own rate jumps between 70 and 130.
        long tokens = 0;
        for (int tenth = 1; tenth <= 30; tenth++) {
            int inWindow = tenth % 2 == 0 ? 7 : 13;
            tokens += inWindow;
            vm.accept(new MetricsSnapshot(tenth * 100_000_000L, true, inWindow * 10.0, tokens, List.of()));
        }
        assertEquals(100.0, vm.latestProperty().get().tokensPerSecond(), 1e-9);
        // Until a third of a second of snapshots exists, the engine's own figure is shown.
        assertEquals(130.0, vm.samples().getFirst().tokensPerSecond(), 1e-9);
    }

    @Test
    void computeAndInterconnectAreMeansOverDevices() {
        MonitorSample s = new MonitorSample(0, 32.66, at(0).devices());
        assertEquals(400, s.computeMicrosPerToken(), 1e-9);
        assertEquals(200, s.interconnectMicrosPerToken(), 1e-9);
        assertEquals("32.7 tokens/s · interconnect 33 % of the time per token · 2 devices", s.summary());
    }

    @Test
    void aBackendWithoutPerDeviceTimingsIsSaidSo() {
        MonitorSample s = new MonitorSample(0, 40, List.of(new DeviceMetrics(0, "A", 0, 0, 0, 0, 0)));
        assertTrue(s.summary().endsWith("this backend does not report per-device timings yet"), s.summary());
    }

    @Test
    void meanComputeTimePerDeviceIgnoresIdleSamples() {
        MonitorViewModel vm = new MonitorViewModel(AppExecutors.direct(), new ReadOnlyObjectWrapper<LoadedModel>().getReadOnlyProperty(),
                new ReadOnlyBooleanWrapper().getReadOnlyProperty(), 0);
        vm.accept(at(1));
        vm.accept(new MetricsSnapshot(1_500_000_000L, false, 0, 0, List.of(
                new DeviceMetrics(0, "A", 0, 0, 0, 1, 2), new DeviceMetrics(1, "B", 0, 0, 0, 1, 2))));
        vm.accept(new MetricsSnapshot(2_000_000_000L, true, 100, 0, List.of(
                new DeviceMetrics(0, "A", 0.8, 500, 100, 1, 2), new DeviceMetrics(1, "B", 0.6, 700, 300, 1, 2))));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {400, 600}, vm.meanComputeMicrosPerToken(), 1e-9);
    }
}
