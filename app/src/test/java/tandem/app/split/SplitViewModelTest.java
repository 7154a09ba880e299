package tandem.app.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tandem.app.fakes.FakeEngine.GIB;
import static tandem.app.fakes.FakeEngine.gpu;

import java.nio.file.Path;
import java.util.List;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.app.concurrent.AppExecutors;
import tandem.app.devices.DevicesViewModel;
import tandem.app.fakes.FakeEngine;
import tandem.app.settings.SettingsService;
import tandem.engine.api.Backend;
import tandem.engine.api.CacheType;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.SplitMode;

class SplitViewModelTest {
    @TempDir Path dir;
    private FakeEngine engine;
    private SettingsService settings;
    private final ReadOnlyObjectWrapper<Path> model = new ReadOnlyObjectWrapper<>();

    @BeforeEach
    void setUp() {
        // A 24 GiB card with 20 free and an 8 GiB card with 6 free; the model's weights are 12 GiB.
        engine = new FakeEngine(List.of(gpu(0, "Big", 24, 20), gpu(1, "Small", 8, 6)), 12 * GIB);
        settings = new SettingsService(dir.resolve("settings.json"), Runnable::run);
    }

    private SplitViewModel newSplit(DevicesViewModel devices) {
        return new SplitViewModel(engine, AppExecutors.direct(), devices, model.getReadOnlyProperty(), settings);
    }

    private DevicesViewModel bothDevices() {
        DevicesViewModel devices = new DevicesViewModel(engine, AppExecutors.direct());
        devices.refresh();
        devices.devices().forEach(d -> d.includedProperty().set(true));
        return devices;
    }

    @Test
    void dragChangesRatiosThenThePlanThenTheFitWarning() {
        SplitViewModel split = newSplit(bothDevices());
        model.set(dir.resolve("m.gguf"));
        split.presetEven();
        // Even: the small card needs 6 GiB weights + KV + scratch > 6 GiB free.
        assertTrue(split.willNotFitProperty().get());
        assertTrue(split.warningProperty().get().contains("GPU1 Small"), split.warningProperty().get());

        split.dragDivider(0, 0.7);

        assertArrayEquals(new double[] {70, 30}, split.slots().stream().mapToDouble(SplitSlot::weight).toArray(), 1e-9);
        EngineOptions asked = engine.planned.getLast();
        assertEquals(List.of(0, 1), asked.devices());
        assertEquals(List.of(70.0, 30.0), asked.split());
        assertEquals(SplitMode.TENSOR, asked.splitMode());
        assertEquals(Math.round(12 * GIB * 0.3), split.slots().get(1).planProperty().get().weightBytes());
        assertFalse(split.willNotFitProperty().get());
        assertEquals("", split.warningProperty().get());
    }

    /** The plan is made as the model will load: with the cache type (and default context) of Preferences. */
    @Test
    void thePlanTakesTheCacheTypeOfPreferences() {
        settings.update(s -> s.withPreferences(s.preferences().withCacheType("q8_0")));
        SplitViewModel split = newSplit(bothDevices());
        model.set(dir.resolve("m.gguf"));
        split.presetEven();
        assertEquals(CacheType.Q8_0, engine.planned.getLast().cacheType());
    }

    /**
     * A split saved before EngineOptions had a cache type reads back whole, with the default F16 (the
     * cache type the app loads with is Preferences', applied at planning and loading).
     */
    @Test
    void aSplitSavedWithoutACacheTypeReadsBackAsF16() throws java.io.IOException {
        Path file = dir.resolve("settings.json");
        java.nio.file.Files.writeString(file, """
                {"splits": {"m.gguf": {"backend": "VULKAN", "devices": [0, 1], "split": [3.0, 1.0],
                                       "splitMode": "LAYER", "contextLength": 2048}}}
                """);
        EngineOptions reread = new SettingsService(file, Runnable::run).current().splits().get("m.gguf");
        assertEquals(new EngineOptions(Backend.VULKAN, List.of(0, 1), List.of(3.0, 1.0), SplitMode.LAYER, 2048), reread);
        assertEquals(CacheType.F16, reread.cacheType());
    }

    @Test
    void typedRatiosKeepTheirScale() {
        SplitViewModel split = newSplit(bothDevices());
        split.setWeight(0, 3);
        split.setWeight(1, 1);
        assertArrayEquals(new double[] {0.75, 0.25}, split.shares(), 1e-9);
        split.setWeight(1, -2); // rejected: a ratio must be positive
        split.setWeight(5, 1); // rejected: no such device (a late commit from a rebuilt table)
        assertArrayEquals(new double[] {0.75, 0.25}, split.shares(), 1e-9);
    }

    @Test
    void presetsFollowTotalOrFreeMemoryOrMeasuredSpeed() {
        SplitViewModel split = newSplit(bothDevices());
        split.presetByVram();
        assertArrayEquals(new double[] {0.75, 0.25}, split.shares(), 1e-3);
        split.presetByFreeVram();
        assertArrayEquals(new double[] {20.0 / 26, 6.0 / 26}, split.shares(), 1e-3);
        // Loaded at 50:50, device 0 needed 300 µs per token and device 1 100 µs.
        LoadPlan measured = engine.plan(dir.resolve("m.gguf"), new EngineOptions(Backend.VULKAN, List.of(0, 1), List.of(1.0, 1.0), SplitMode.TENSOR, 0));
        assertFalse(split.canBalance(measured, new double[] {300}), "a device without a time");
        assertFalse(split.canBalance(engine.plan(dir.resolve("m.gguf"), new EngineOptions(Backend.VULKAN, List.of(1, 0), List.of(1.0, 1.0), SplitMode.TENSOR, 0)),
                new double[] {300, 100}), "measured on other devices");
        split.presetByMeasuredSpeed(measured, new double[] {300, 100});
        assertArrayEquals(new double[] {0.25, 0.75}, split.shares(), 1e-9);
    }

    @Test
    void noIncludedDeviceMeansTheCpuEngine() {
        DevicesViewModel devices = bothDevices();
        devices.devices().forEach(d -> d.includedProperty().set(false));
        SplitViewModel split = newSplit(devices);
        assertEquals(1, split.slots().size());
        assertEquals(Backend.CPU, split.options().backend());
        assertTrue(split.targetProperty().get().startsWith("the CPU engine"), split.targetProperty().get());
        devices.devices().getFirst().includedProperty().set(true);
        assertEquals("GPU0 Big", split.targetProperty().get());
    }

    @Test
    void oneGpuUsedAsTwoLogicalDevicesGivesTwoSegments() {
        DevicesViewModel devices = bothDevices();
        devices.devices().get(1).includedProperty().set(false);
        devices.devices().getFirst().instancesProperty().set(2);
        SplitViewModel split = newSplit(devices);
        assertEquals(List.of(0, 0), split.options().devices());
        assertEquals("GPU0 Big, GPU0 Big #2 (tensor split)", split.targetProperty().get());
    }

    @Test
    void theSplitIsSavedPerModelAndRestoredWhenTheModelIsOpenedAgain() {
        SplitViewModel split = newSplit(bothDevices());
        Path first = dir.resolve("first.gguf");
        model.set(first);
        split.modeProperty().set(SplitMode.LAYER);
        split.dragDivider(0, 0.6);
        model.set(dir.resolve("other.gguf"));
        split.presetEven();

        // A fresh app (new view models, same settings file) opening the first model again.
        settings = new SettingsService(dir.resolve("settings.json"), Runnable::run);
        ReadOnlyObjectWrapper<Path> reopened = new ReadOnlyObjectWrapper<>();
        DevicesViewModel devices = new DevicesViewModel(engine, AppExecutors.direct());
        SplitViewModel restored = new SplitViewModel(engine, AppExecutors.direct(), devices, reopened.getReadOnlyProperty(), settings);
        reopened.set(first);
        devices.refresh();

        assertEquals(SplitMode.LAYER, restored.modeProperty().get());
        assertEquals(List.of(0, 1), restored.options().devices());
        assertArrayEquals(new double[] {0.6, 0.4}, restored.shares(), 1e-9);
    }
}
