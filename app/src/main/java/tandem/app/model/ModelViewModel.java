package tandem.app.model;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import tandem.app.concurrent.AppExecutors;
import tandem.app.concurrent.UiBatcher;
import tandem.app.engine.EngineService;
import tandem.app.engine.UserMessages;
import tandem.app.settings.SettingsService;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.ModelInfo;

/**
 * The Model screen's state: which GGUF file is chosen, whether it checked out, recent files, and
 * loading it with progress and cancel.
 *
 * <p>A chosen file is checked in full (header, architecture, tensor types, tokenizer) before it
 * can be loaded, and the loaded model stays loaded — and answering — until the new one is
 * ready: a bad file never costs the user a working model. Recent lists only files that loaded.
 * Loading runs on the engine thread, which also runs generation, so a model is never replaced
 * under a running generation.
 */
public final class ModelViewModel {
    private final EngineService engine;
    private final AppExecutors executors;
    private final SettingsService settings;

    private final ReadOnlyObjectWrapper<Path> modelPath = new ReadOnlyObjectWrapper<>(this, "modelPath");
    private final ReadOnlyObjectWrapper<ModelInfo> info = new ReadOnlyObjectWrapper<>(this, "info");
    private final ReadOnlyBooleanWrapper checking = new ReadOnlyBooleanWrapper(this, "checking", false);
    private final ObservableList<Path> recent = FXCollections.observableArrayList();
    /** Made once: a read-only view listens to its list weakly and must live as long as its listeners. */
    private final ObservableList<Path> recentView = FXCollections.unmodifiableObservableList(recent);
    private final ReadOnlyObjectWrapper<LoadedModel> loaded = new ReadOnlyObjectWrapper<>(this, "loaded");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading", false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper stage = new ReadOnlyStringWrapper(this, "stage", "");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final UiBatcher<Progress> progressUpdates;
    private AtomicBoolean cancelRequested = new AtomicBoolean();

    private final StringBinding status = Bindings.createStringBinding(this::describeStatus, loaded, loading, stage, modelPath);
    private final BooleanBinding canLoad = Bindings.createBooleanBinding(
            () -> info.get() != null && !checking.get() && !loading.get(), info, checking, loading);
    private final BooleanBinding canUnload = loaded.isNotNull().and(loading.not());

    public ModelViewModel(EngineService engine, AppExecutors executors, SettingsService settings) {
        this.engine = engine;
        this.executors = executors;
        this.settings = settings;
        this.progressUpdates = new UiBatcher<>(executors.ui(), batch -> {
            Progress last = batch.getLast();
            progress.set(last.fraction());
            stage.set(last.stage());
        });
        recent.setAll(settings.current().recentModels().stream().map(Path::of).toList());
    }

    /** The file chosen on the Model screen (not necessarily the loaded one). */
    public ReadOnlyObjectProperty<Path> modelPathProperty() { return modelPath.getReadOnlyProperty(); }

    /** The chosen file's facts once it checked out as loadable; null while checking or when it did not. */
    public ReadOnlyObjectProperty<ModelInfo> infoProperty() { return info.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty checkingProperty() { return checking.getReadOnlyProperty(); }

    /** Files that loaded, most recent first. */
    public ObservableList<Path> recent() { return recentView; }

    /** The model ready for chat; null while none is loaded. */
    public ReadOnlyObjectProperty<LoadedModel> loadedProperty() { return loaded.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty loadingProperty() { return loading.getReadOnlyProperty(); }

    public ReadOnlyDoubleProperty progressProperty() { return progress.getReadOnlyProperty(); }

    public ReadOnlyStringProperty stageProperty() { return stage.getReadOnlyProperty(); }

    /** The one message about the chosen file: why it cannot be loaded, or why its load failed. Empty when none. */
    public ReadOnlyStringProperty loadProblemProperty() { return problem.getReadOnlyProperty(); }

    /** True when the chosen file checked out and nothing is loading. */
    public BooleanBinding canLoadProperty() { return canLoad; }

    public BooleanBinding canUnloadProperty() { return canUnload; }

    /** One line for the window's header: the loaded model and where it runs (never a merely chosen file). */
    public StringBinding statusProperty() { return status; }

    private String describeStatus() {
        if (loading.get()) return "Loading " + fileName(modelPath.get()) + " · " + stage.get();
        LoadedModel model = loaded.get();
        if (model == null) return "No model loaded";
        var devices = model.plan().devices();
        String where = devices.size() > 1
                ? devices.size() + " devices, " + model.plan().mode().name().toLowerCase(java.util.Locale.ROOT) + " split"
                : devices.isEmpty() ? model.backend().name() : devices.getFirst().deviceName();
        return fileName(model.info().path()) + " · " + where;
    }

    private static String fileName(Path path) {
        return path == null || path.getFileName() == null ? "" : path.getFileName().toString();
    }

    /** Chooses a model file and checks it in the background; nothing is loaded or unloaded. */
    public void open(Path file) {
        choose(file, null);
    }

    /** Chooses a file and loads it as soon as it checked out (a double-click in Recent). */
    public void openAndLoad(Path file, Supplier<EngineOptions> options) {
        choose(file, options);
    }

    private void choose(Path file, Supplier<EngineOptions> thenLoadWith) {
        if (loading.get()) return;
        Path path = file.toAbsolutePath().normalize();
        info.set(null);
        problem.set("");
        checking.set(true);
        modelPath.set(path);
        executors.background().execute(() -> {
            ModelInfo facts = null;
            String failure = "";
            try {
                facts = engine.check(path);
            } catch (RuntimeException e) {
                failure = UserMessages.describe(e);
            }
            ModelInfo checked = facts;
            String why = failure;
            executors.ui().execute(() -> {
                if (!path.equals(modelPath.get())) return; // another file was chosen meanwhile
                checking.set(false);
                info.set(checked);
                problem.set(why);
                if (checked != null && thenLoadWith != null) load(thenLoadWith.get());
            });
        });
    }

    /**
     * Loads the chosen model with these options (a context of 0 takes the default from
     * Preferences). The loaded model stays until the new one is
     * ready, then it is closed; when the new one fails, it simply stays.
     */
    public void load(EngineOptions requested) {
        EngineOptions options = settings.current().preferences().applyTo(requested); // the default context, from Preferences
        Path path = modelPath.get();
        if (path == null || loading.get()) return;
        loading.set(true);
        problem.set("");
        progress.set(0);
        stage.set("Starting");
        AtomicBoolean cancelled = new AtomicBoolean();
        cancelRequested = cancelled;
        executors.engine().execute(() -> {
            try {
                LoadedModel model = engine.load(path, options,
                        (fraction, what) -> progressUpdates.offer(new Progress(fraction, what)), cancelled::get);
                executors.ui().execute(() -> finishLoad(path, model, ""));
            } catch (RuntimeException e) {
                String why = cancelled.get() ? "Loading was cancelled." : UserMessages.describe(e);
                executors.ui().execute(() -> finishLoad(path, null, why));
            }
        });
    }

    /** Asks the running load to stop; it frees what it allocated and reports "cancelled". */
    public void cancelLoad() {
        cancelRequested.set(true);
    }

    private void finishLoad(Path path, LoadedModel model, String why) {
        progressUpdates.drain();
        loading.set(false);
        progress.set(model == null ? 0 : 1);
        stage.set(model == null ? "" : "Loaded");
        problem.set(why);
        if (model == null) return;
        LoadedModel previous = loaded.get();
        loaded.set(model); // listeners (chat) let go of the previous model before it is closed
        if (previous != null) executors.engine().execute(previous::close);
        settings.update(s -> s.withRecentModel(path.toString()));
        recent.setAll(settings.current().recentModels().stream().map(Path::of).toList());
    }

    /** Closes the loaded model (on the engine thread, after any running generation). */
    public void unload() {
        LoadedModel previous = loaded.get();
        loaded.set(null);
        if (previous != null) executors.engine().execute(previous::close);
    }

    private record Progress(double fraction, String stage) {}
}
