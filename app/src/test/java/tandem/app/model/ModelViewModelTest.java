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
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.TandemException;

class ModelViewModelTest {
    @TempDir Path dir;

    private SettingsService settings() {
        return new SettingsService(dir.resolve("settings.json"), Runnable::run);
    }

    @Test
    void openChecksTheFileAndRecentHoldsOnlyFilesThatLoaded() {
        FakeEngine engine = new FakeEngine(List.of(), 1234);
        ModelViewModel vm = new ModelViewModel(engine, AppExecutors.direct(), settings());
        vm.open(dir.resolve("a.gguf"));
        assertEquals(1234, vm.infoProperty().get().fileBytes());
        assertTrue(vm.canLoadProperty().get());
        assertEquals(List.of(), List.copyOf(vm.recent()), "chosen is not loaded");
        vm.load(EngineOptions.cpu());
        vm.open(dir.resolve("b.gguf"));
        vm.load(EngineOptions.cpu());
        vm.open(dir.resolve("a.gguf"));
        vm.load(EngineOptions.cpu());
        assertEquals(List.of(dir.resolve("a.gguf"), dir.resolve("b.gguf")), List.copyOf(vm.recent()));
        assertEquals(List.copyOf(vm.recent()), List.copyOf(new ModelViewModel(engine, AppExecutors.direct(), settings()).recent()),
                "recent files survive a restart");
    }

    @Test
    void loadReportsProgressInBatchesAndReplacesTheOldModelOnlyOnceTheNewOneIsReady() {
        FakeEngine engine = new FakeEngine(List.of(), 1);
        QueuedExecutor ui = new QueuedExecutor();
        QueuedExecutor engineThread = new QueuedExecutor();
        ModelViewModel vm = new ModelViewModel(engine, new AppExecutors(Runnable::run, engineThread, ui), settings());
        vm.open(dir.resolve("m.gguf"));
        ui.runAll();
        assertEquals("No model loaded", vm.statusProperty().get(), "a chosen file is not a loaded one");
        int before = ui.submitted();

        vm.load(EngineOptions.cpu());
        engineThread.runAll();

        assertEquals(2, ui.submitted() - before, "ten progress updates become one UI task, plus the result");
        ui.runAll();
        assertSame(engine.model, vm.loadedProperty().get());
        assertEquals("fake.gguf · CPU", vm.statusProperty().get());
        assertEquals(1.0, vm.progressProperty().get());
        assertFalse(vm.loadingProperty().get());

        FakeModel first = engine.model;
        engine.model = new FakeModel(1);
        vm.load(EngineOptions.cpu());
        assertSame(first, vm.loadedProperty().get(), "the working model stays while the new one loads");
        engineThread.runOne();
        ui.runAll();
        assertSame(engine.model, vm.loadedProperty().get());
        assertFalse(first.closed, "closed on the engine thread, after the chat let go of it");
        engineThread.runAll();
        assertTrue(first.closed, "the previous model is closed once the new one is ready");
    }

    @Test
    void aBadFileIsRefusedBeforeAnythingIsUnloadedAndNeverJoinsRecent() {
        FakeEngine engine = new FakeEngine(List.of(), 1);
        Path bad = dir.resolve("bad.gguf").toAbsolutePath();
        engine.badFiles.put(bad, bad + ": not a GGUF file (magic 'PK\\x03\\x04'); choose a .gguf model");
        ModelViewModel vm = new ModelViewModel(engine, AppExecutors.direct(), settings());
        vm.open(dir.resolve("good.gguf"));
        vm.load(EngineOptions.cpu());
        FakeModel working = engine.model;

        vm.open(bad);

        assertEquals(engine.badFiles.get(bad), vm.loadProblemProperty().get(), "one message, the engine's words");
        assertFalse(vm.canLoadProperty().get(), "Load is disabled for a file that failed its check");
        assertNull(vm.infoProperty().get());
        assertSame(working, vm.loadedProperty().get());
        assertFalse(working.closed);
        assertEquals("fake.gguf · CPU", vm.statusProperty().get(), "the header names the working model, not the bad file");
        vm.load(EngineOptions.cpu()); // even when forced, e.g. by an old shortcut
        assertSame(working, vm.loadedProperty().get());
        assertFalse(working.closed);
        assertEquals(List.of(dir.resolve("good.gguf").toAbsolutePath()), List.copyOf(vm.recent()));
    }

    @Test
    void doubleClickInRecentLoadsAndUnloadFreesTheModel() {
        FakeEngine engine = new FakeEngine(List.of(), 1);
        ModelViewModel vm = new ModelViewModel(engine, AppExecutors.direct(), settings());
        assertFalse(vm.canUnloadProperty().get());
        vm.openAndLoad(dir.resolve("m.gguf"), EngineOptions::cpu);
        assertSame(engine.model, vm.loadedProperty().get());
        assertTrue(vm.canUnloadProperty().get());

        vm.unload();

        assertNull(vm.loadedProperty().get());
        assertTrue(engine.model.closed);
        assertEquals("No model loaded", vm.statusProperty().get());
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
        assertEquals("No model loaded", vm.statusProperty().get());
        assertNull(vm.loadedProperty().get());

        vm.load(EngineOptions.cpu());
        assertTrue(vm.loadingProperty().get());
        vm.cancelLoad();
        engineThread.runAll();
        assertEquals("Loading was cancelled.", vm.loadProblemProperty().get());
        assertFalse(vm.loadingProperty().get());
    }
}
