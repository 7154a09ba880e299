package tandem.app.preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.app.AppPaths;
import tandem.app.chat.ChatHistory;
import tandem.app.chat.ChatViewModel;
import tandem.app.chat.ConversationViewModel;
import tandem.app.concurrent.AppExecutors;
import tandem.app.fakes.FakeEngine;
import tandem.app.model.ModelViewModel;
import tandem.app.settings.ContextPolicy;
import tandem.app.settings.SettingsService;
import tandem.app.settings.Theme;
import tandem.engine.api.CacheType;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadedModel;

class PreferencesViewModelTest {
    @TempDir Path dir;

    private AppPaths paths() { return new AppPaths(dir, dir.resolve("data")); }

    private SettingsService settings() { return new SettingsService(paths().settingsFile(), Runnable::run); }

    private ChatViewModel chat(SettingsService settings, Path historyFolder) {
        return new ChatViewModel(AppExecutors.direct(), new ReadOnlyObjectWrapper<LoadedModel>().getReadOnlyProperty(),
                ChatHistory.store(historyFolder.resolve("history.json")), settings);
    }

    private PreferencesViewModel preferences(SettingsService settings, ChatViewModel chat) {
        SimpleObjectProperty<Theme> theme = new SimpleObjectProperty<>(settings.current().theme());
        theme.addListener((obs, old, now) -> settings.update(s -> s.withTheme(now)));
        return new PreferencesViewModel(settings, paths(), theme, chat);
    }

    @Test
    void everyPreferenceIsSavedInTheSettingsFile() {
        SettingsService settings = settings();
        PreferencesViewModel vm = preferences(settings, chat(settings, paths().dataDir()));
        vm.themeProperty().set(Theme.DARK);
        vm.contextLengthProperty().set(4096);
        vm.cacheTypeProperty().set("q8_0");
        vm.contextPolicyProperty().set(ContextPolicy.STOP);
        vm.sampling().temperatureProperty().set(0.3);
        settings.flush();

        SettingsService reread = settings();
        assertEquals(Theme.DARK, reread.current().theme());
        assertEquals(4096, reread.current().preferences().contextLength());
        assertEquals("q8_0", reread.current().preferences().cacheType());
        assertEquals(ContextPolicy.STOP, reread.current().contextPolicy());
        assertEquals(0.3f, reread.current().sampling().temperature());
        PreferencesViewModel again = preferences(reread, chat(reread, paths().dataDir()));
        assertEquals(4096, again.contextLengthProperty().get());
        assertEquals(0.3, again.sampling().temperatureProperty().get());

        again.resetSampling();
        assertEquals(0.8f, again.sampling().toParams().temperature());
    }

    @Test
    void theDefaultContextIsTheEnginesRuleAndAppliesWhereTheSplitSaysZero() {
        SettingsService settings = settings();
        PreferencesViewModel vm = preferences(settings, chat(settings, paths().dataDir()));
        assertEquals("context length must be >= 0, got -1", vm.contextLengthProblem(-1));
        assertNull(vm.contextLengthProblem(8192));
        vm.contextLengthProperty().set(2048);

        FakeEngine engine = new FakeEngine(List.of(), 1);
        ModelViewModel model = new ModelViewModel(engine, AppExecutors.direct(), settings);
        model.open(dir.resolve("m.gguf"));
        model.load(EngineOptions.cpu());
        model.load(EngineOptions.cpu().withContextLength(512));
        assertEquals(List.of(2048, 512), engine.loaded.stream().map(EngineOptions::contextLength).toList());
    }

    @Test
    void theCacheTypeAppliesWhenAModelLoads() {
        SettingsService settings = settings();
        PreferencesViewModel vm = preferences(settings, chat(settings, paths().dataDir()));
        FakeEngine engine = new FakeEngine(List.of(), 1);
        ModelViewModel model = new ModelViewModel(engine, AppExecutors.direct(), settings);
        model.open(dir.resolve("m.gguf"));
        model.load(EngineOptions.cpu());
        vm.cacheTypeProperty().set("q8_0");
        model.load(EngineOptions.cpu());
        assertEquals(List.of(CacheType.F16, CacheType.Q8_0), engine.loaded.stream().map(EngineOptions::cacheType).toList());
    }

    @Test
    void aNewDataFolderTakesTheChatsAlongAndLosesNothing() throws IOException {
        SettingsService settings = settings();
        ChatViewModel chat = chat(settings, paths().dataDir());
        chat.newConversation().titleProperty().set("Mine");
        chat.saveNow();
        String before = Files.readString(paths().historyFile());
        Path elsewhere = dir.resolve("synced");
        ChatViewModel other = chat(settings(), elsewhere);
        other.newConversation().titleProperty().set("From the other computer");
        other.saveNow();

        PreferencesViewModel vm = preferences(settings, chat);
        vm.changeDataFolder(elsewhere);
        assertEquals(elsewhere.toString(), vm.dataFolderProperty().get());
        assertTrue(vm.dataFolderNoteProperty().get().contains("1 found there were added"), vm.dataFolderNoteProperty().get());
        assertEquals(List.of("Mine", "From the other computer"), chat.conversations().stream().map(c -> c.titleProperty().get()).toList());
        assertEquals(before, Files.readString(paths().historyFile()), "the old file stays as it was");

        chat.newConversation().titleProperty().set("After the move");
        chat.saveNow();
        settings.flush();
        SettingsService reread = settings();
        ChatViewModel next = chat(reread, PreferencesViewModel.historyFolder(paths(), reread.current().preferences()));
        assertEquals(List.of("After the move", "Mine", "From the other computer"),
                next.conversations().stream().map(ConversationViewModel::titleProperty).map(p -> p.get()).toList(),
                "the next start reads the new folder");
    }

    @Test
    void aFolderThatCannotHoldTheHistoryIsRefusedAndNothingChanges() throws IOException {
        SettingsService settings = settings();
        ChatViewModel chat = chat(settings, paths().dataDir());
        PreferencesViewModel vm = preferences(settings, chat);
        Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
        vm.changeDataFolder(file);
        assertTrue(vm.dataFolderNoteProperty().get().startsWith("Not changed: cannot use " + file), vm.dataFolderNoteProperty().get());
        assertEquals(paths().dataDir().toString(), vm.dataFolderProperty().get());
        assertEquals("", settings.current().preferences().dataFolder());
    }
}
