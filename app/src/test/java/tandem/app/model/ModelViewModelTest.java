package tandem.app.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.app.concurrent.AppExecutors;
import tandem.app.fakes.FakeEngine;
import tandem.app.fakes.FakeModel;
import tandem.app.fakes.QueuedExecutor;
import tandem.app.settings.SettingsService;
import tandem.engine.runtime.EngineOptions;
import tandem.engine.runtime.LoadProgress;
import tandem.engine.runtime.LoadedModel;
import tandem.engine.runtime.TandemException;

class ModelViewModelTest {
    @TempDir Path dir;

    private SettingsService settings() {
        return new SettingsService(dir.resolve("settings.json"), Runnable::run);
    }

    @Test
    void openReadsFactsAndRemembersTheFileFirstInRecent() {
        FakeEngine engine = new FakeEngine(List.of(), 1234);
        ModelViewModel vm = new ModelViewModel(engine, AppExecutors.direct(), settings());
        vm.open(dir.resolve("a.gguf"));
        vm.open(dir.resolve("b.gguf"));
        vm.open(dir.resolve("a.gguf"));
        assertEquals(1234, vm.infoProperty().get().fileBytes());
        assertEquals(List.of(dir.resolve("a.gguf"), dir.resolve("b.gguf")), List.copyOf(vm.recent()));
        assertEquals(List.copyOf(vm.recent()), List.copyOf(new ModelViewModel(engine, AppExecutors.direct(), settings()).recent()),
                "recent files survive a restart");
    }

    @Test
    void loadReportsProgressInBatchesAndReplacesTheOldModel() {
        FakeEngine engine = new FakeEngine(List.of(), 1);
        QueuedExecutor ui = new QueuedExecutor();
        ModelViewModel vm = new ModelViewModel(engine, new AppExecutors(Runnable::run, Runnable::run, ui), settings());
        vm.open(dir.resolve("m.gguf"));
        ui.runAll();
        assertEquals("m.gguf · not loaded", vm.statusProperty().get());
        int before = ui.submitted();

        vm.load(EngineOptions.cpu());

        assertEquals(2, ui.submitted() - before, "ten progress updates become one UI task, plus the result");
        ui.runAll();
        assertSame(engine.model, vm.loadedProperty().get());
        assertEquals("m.gguf · CPU", vm.statusProperty().get());
        assertEquals(1.0, vm.progressProperty().get());
        assertFalse(vm.loadingProperty().get());

        FakeModel first = engine.model;
        engine.model = new FakeModel(1);
        vm.load(EngineOptions.cpu());
        ui.runAll();
        assertTrue(first.closed, "the previous model is closed before the new one loads");
        assertSame(engine.model, vm.loadedProperty().get());
    }

    @Test
    void aFailedLoadIsShownInPlainWordsAndCancelSaysCancelled() {
        FakeEngine failing = new FakeEngine(List.of(), 1) {
            @Override
            public LoadedModel load(Path path, EngineOptions options, LoadProgress progress, BooleanSupplier cancelled) {
                if (cancelled.getAsBoolean()) throw new TandemException("load cancelled");
                throw new TandemException("m.gguf: tensor blk.0.attn_q.weight is truncated; download the file again");
            }
        };
        QueuedExecutor engineThread = new QueuedExecutor();
        ModelViewModel vm = new ModelViewModel(failing, new AppExecutors(Runnable::run, engineThread, Runnable::run), settings());
        vm.open(dir.resolve("m.gguf"));
        vm.load(EngineOptions.cpu());
        engineThread.runAll();
        assertEquals("m.gguf: tensor blk.0.attn_q.weight is truncated; download the file again", vm.loadProblemProperty().get());
        assertEquals("Not loaded: m.gguf: tensor blk.0.attn_q.weight is truncated; download the file again", vm.statusProperty().get());
        assertNull(vm.loadedProperty().get());

        vm.load(EngineOptions.cpu());
        assertTrue(vm.loadingProperty().get());
        vm.cancelLoad();
        engineThread.runAll();
        assertEquals("Loading was cancelled.", vm.loadProblemProperty().get());
        assertFalse(vm.loadingProperty().get());
    }
}
