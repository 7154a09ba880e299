package tandem.app.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.app.AppPaths;
import tandem.app.concurrent.AppExecutors;
import tandem.app.devices.DeviceEntry;
import tandem.app.devices.DevicesViewModel;
import tandem.app.engine.LocalEngineService;
import tandem.app.model.ModelViewModel;
import tandem.app.settings.SettingsService;
import tandem.engine.Engine;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.SplitMode;

/**
 * Measure with the real engine: the demo model on the first Vulkan device (lavapipe in CI) used
 * as two logical devices, split 60:40, every step on the calling thread.
 */
class MeasureViewModelTest {
    @TempDir Path dir;
    private final LocalEngineService engine = new LocalEngineService();
    private ModelViewModel model;
    private SplitViewModel split;
    private MeasureViewModel measure;

    @BeforeEach
    void setUp() {
        AppExecutors direct = AppExecutors.direct();
        SettingsService settings = new SettingsService(dir.resolve("settings.json"), Runnable::run);
        DevicesViewModel devices = new DevicesViewModel(engine, direct);
        devices.refresh();
        DeviceEntry first = devices.devices().getFirst();
        first.includedProperty().set(true);
        first.instancesProperty().set(2);
        model = new ModelViewModel(engine, direct, settings);
        split = new SplitViewModel(engine, direct, devices, model.modelPathProperty(), settings);
        model.open(AppPaths.fromEnvironment().demoModel());
        split.modeProperty().set(SplitMode.TENSOR);
        split.setWeight(0, 60);
        split.setWeight(1, 40);
        measure = new MeasureViewModel(engine, direct, split, model);
    }

    @Test
    void measuresEveryModeThenAppliesTheFastest() {
        List<Double> progress = new ArrayList<>();
        measure.progressProperty().addListener((obs, old, now) -> progress.add(now.doubleValue()));
        assertTrue(measure.canMeasureProperty().get());

        measure.start();

        assertEquals("", measure.problemProperty().get());
        assertFalse(measure.runningProperty().get());
        List<TrialResult> results = measure.results();
        assertEquals(List.of(SplitMode.TENSOR, SplitMode.LAYER, SplitMode.NONE), results.stream().map(TrialResult::mode).toList());
        for (TrialResult r : results) {
            assertTrue(r.ok(), r.problem());
            assertTrue(r.tokensPerSecond() > 0 && r.tokens() > 0, r.toString());
            assertTrue(r.devices().stream().allMatch(d -> d.computeMicros() > 0), r.toString());
        }
        TrialResult tensor = results.get(0);
        TrialResult none = results.get(2);
        assertEquals(List.of("GPU0 " + name() + ", GPU0 " + name() + " #2"), List.of(String.join(", ",
                tensor.devices().stream().map(DeviceTime::label).toList())));
        assertTrue(tensor.devices().stream().allMatch(d -> d.interconnectMicros() > 0), "tensor split exchanges partial sums: " + tensor);
        assertEquals(1, none.devices().size());
        assertEquals(0, none.devices().getFirst().interconnectMicros());

        // the note says what the engine's own plan gave the second device: whole heads, not 40 %
        LoadPlan plan = Engine.plan(AppPaths.fromEnvironment().demoModel(), tensor.options());
        int heads = plan.devices().get(1).queryHeads();
        assertTrue(tensor.notes().stream().anyMatch(n -> n.contains("#2 gets " + heads + " of 8 attention heads (")
                && n.contains("instead of 40 %") && n.contains("4 KV heads")), tensor.notes().toString());
        assertTrue(none.notes().getFirst().startsWith("Only GPU0"), none.notes().toString());

        TrialResult fastest = results.stream().max(Comparator.comparingDouble(TrialResult::tokensPerSecond)).orElseThrow();
        assertEquals(fastest, measure.winnerProperty().get());
        assertTrue(measure.verdictProperty().get().contains("is fastest"), measure.verdictProperty().get());
        for (int i = 1; i < progress.size(); i++) assertTrue(progress.get(i) >= progress.get(i - 1), progress.toString());
        assertEquals(1.0, progress.getLast());

        measure.applyWinner();

        assertEquals(fastest.mode(), split.modeProperty().get());
        assertNotNull(model.loadedProperty().get(), model.loadProblemProperty().get());
        assertEquals(fastest.mode(), model.loadedProperty().get().plan().mode());
        assertEquals(fastest.options().devices(), split.options().devices());
        model.unload();
    }

    @Test
    void cancelStopsTheMeasurementWithoutAWinner() {
        measure.progressProperty().addListener((obs, old, now) -> {
            if (now.doubleValue() > 0.5) measure.cancel();
        });

        measure.start();

        assertFalse(measure.runningProperty().get());
        assertNull(measure.winnerProperty().get());
        assertEquals("Measuring was cancelled.", measure.problemProperty().get());
        assertTrue(measure.results().size() < 3, measure.results().toString());
        assertTrue(measure.canMeasureProperty().get(), "it can be started again");
    }

    /** The device's name without the driver's details, as sentences name it ("llvmpipe"). */
    private String name() {
        String name = Engine.devices().getFirst().name();
        return name.contains(" (") ? name.substring(0, name.indexOf(" (")) : name;
    }
}
