package tandem.app.preferences;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import tandem.app.AppPaths;
import tandem.app.chat.ChatHistory;
import tandem.app.chat.ChatViewModel;
import tandem.app.chat.SamplingSettings;
import tandem.app.settings.ContextPolicy;
import tandem.app.settings.Preferences;
import tandem.app.settings.SettingsService;
import tandem.app.settings.Theme;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.SamplingParams;

/**
 * The Preferences page: data folder, theme, the context and KV cache type models load with,
 * default sampling and the context-full policy. Every change is saved in settings.json at once
 * (the settings service writes atomically); theme, sampling and policy are the same properties
 * the window and the Chat screen use, so both places always agree.
 */
public final class PreferencesViewModel {
    private final SettingsService settings;
    private final AppPaths paths;
    private final ChatViewModel chat;
    private final ObjectProperty<Theme> theme;
    private final ObjectProperty<Integer> contextLength = new SimpleObjectProperty<>(this, "contextLength");
    private final ObjectProperty<String> cacheType = new SimpleObjectProperty<>(this, "cacheType");
    private final ReadOnlyStringWrapper dataFolder = new ReadOnlyStringWrapper(this, "dataFolder");
    private final ReadOnlyStringWrapper dataFolderNote = new ReadOnlyStringWrapper(this, "dataFolderNote", "");

    public PreferencesViewModel(SettingsService settings, AppPaths paths, ObjectProperty<Theme> theme, ChatViewModel chat) {
        this.settings = settings;
        this.paths = paths;
        this.theme = theme;
        this.chat = chat;
        Preferences p = settings.current().preferences();
        contextLength.set(p.contextLength());
        cacheType.set(p.cacheType());
        dataFolder.set(historyFolder(paths, p).toString());
        contextLength.addListener((obs, old, now) -> change(q -> q.withContextLength(now)));
        cacheType.addListener((obs, old, now) -> change(q -> q.withCacheType(now)));
    }

    /** Where the chat history is kept with these preferences. */
    public static Path historyFolder(AppPaths paths, Preferences p) {
        return p.dataFolder().isEmpty() ? paths.dataDir() : Path.of(p.dataFolder());
    }

    public ObjectProperty<Theme> themeProperty() { return theme; }

    /** Tokens a model's context holds when its split leaves it at 0; 0 is the model's own. */
    public ObjectProperty<Integer> contextLengthProperty() { return contextLength; }

    /** The KV cache's number type (f16, f32, q8_0). */
    public ObjectProperty<String> cacheTypeProperty() { return cacheType; }

    public SamplingSettings sampling() { return chat.sampling(); }

    public ObjectProperty<ContextPolicy> contextPolicyProperty() { return chat.contextPolicyProperty(); }

    /** The folder the chat history is kept in. */
    public ReadOnlyStringProperty dataFolderProperty() { return dataFolder.getReadOnlyProperty(); }

    /** What the last change of the data folder did, or why it was refused; one line. */
    public ReadOnlyStringProperty dataFolderNoteProperty() { return dataFolderNote.getReadOnlyProperty(); }

    /** Why the engine would refuse this context length (EngineOptions' own rule), or null. */
    public String contextLengthProblem(int tokens) {
        try {
            EngineOptions.defaults().withContextLength(tokens);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    public void resetSampling() { chat.sampling().set(SamplingParams.defaults()); }

    /**
     * Keeps the chat history in another folder from now on. Chats already in that folder join the
     * list (none is replaced), everything is written there, and the old file stays where it was,
     * as it was: nothing is overwritten or lost.
     *
     * @param folder null: back to the standard data folder
     */
    public void changeDataFolder(Path folder) {
        Path target = folder == null ? paths.dataDir() : folder.toAbsolutePath();
        Path old = Path.of(dataFolder.get());
        if (target.equals(old)) return;
        try {
            Files.createDirectories(target);
            if (!Files.isWritable(target)) {
                dataFolderNote.set("Not changed: " + target + " is not writable; choose another folder.");
                return;
            }
            int added = chat.moveHistory(ChatHistory.store(target.resolve(paths.historyFile().getFileName())));
            change(p -> p.withDataFolder(folder == null ? "" : target.toString()));
            dataFolder.set(target.toString());
            dataFolderNote.set("Chats are kept in " + target + " now" + (added > 0 ? " (" + added + " found there were added)" : "")
                    + "; the file in " + old + " stays as it was.");
        } catch (IOException | java.io.UncheckedIOException e) {
            dataFolderNote.set("Not changed: cannot use " + target + " (" + e.getMessage() + "); choose another folder.");
        }
    }

    private void change(java.util.function.UnaryOperator<Preferences> edit) {
        settings.update(s -> s.withPreferences(edit.apply(s.preferences())));
    }
}
