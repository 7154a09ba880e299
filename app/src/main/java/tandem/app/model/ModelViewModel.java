package tandem.app.model;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.beans.binding.Bindings;
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
import tandem.engine.runtime.EngineOptions;
import tandem.engine.runtime.LoadedModel;
import tandem.engine.runtime.ModelInfo;

/**
 * The Model screen's state: which GGUF file is chosen, its facts, recent files, and loading it
 * with progress and cancel. Loading runs on the engine thread, which also runs generation, so a
 * model is never replaced under a running generation.
 */
public final class ModelViewModel {
    private final EngineService engine;
    private final AppExecutors executors;
    private final SettingsService settings;

    private final ReadOnlyObjectWrapper<Path> modelPath = new ReadOnlyObjectWrapper<>(this, "modelPath");
    private final ReadOnlyObjectWrapper<ModelInfo> info = new ReadOnlyObjectWrapper<>(this, "info");
    private final ReadOnlyStringWrapper inspectProblem = new ReadOnlyStringWrapper(this, "inspectProblem", "");
    private final ObservableList<Path> recent = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<LoadedModel> loaded = new ReadOnlyObjectWrapper<>(this, "loaded");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading", false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper stage = new ReadOnlyStringWrapper(this, "stage", "");
    private final ReadOnlyStringWrapper loadProblem = new ReadOnlyStringWrapper(this, "loadProblem", "");
    private final UiBatcher<Progress> progressUpdates;
    private AtomicBoolean cancelRequested = new AtomicBoolean();

    private final StringBinding status = Bindings.createStringBinding(this::describeStatus,
            loaded, loading, stage, modelPath, loadProblem);

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

    public ReadOnlyObjectProperty<Path> modelPathProperty() { return modelPath.getReadOnlyProperty(); }

    public ReadOnlyObjectProperty<ModelInfo> infoProperty() { return info.getReadOnlyProperty(); }

    public ReadOnlyStringProperty inspectProblemProperty() { return inspectProblem.getReadOnlyProperty(); }

    /** Most recent first. */
    public ObservableList<Path> recent() { return FXCollections.unmodifiableObservableList(recent); }

    /** The model ready for chat; null while none is loaded. */
    public ReadOnlyObjectProperty<LoadedModel> loadedProperty() { return loaded.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty loadingProperty() { return loading.getReadOnlyProperty(); }

    public ReadOnlyDoubleProperty progressProperty() { return progress.getReadOnlyProperty(); }

    public ReadOnlyStringProperty stageProperty() { return stage.getReadOnlyProperty(); }

    public ReadOnlyStringProperty loadProblemProperty() { return loadProblem.getReadOnlyProperty(); }

    /** One line for the window's header: which model, where it runs, or why it does not. */
    public StringBinding statusProperty() { return status; }

    private String describeStatus() {
        String file = modelPath.get() == null ? "" : modelPath.get().getFileName().toString();
        if (loading.get()) return "Loading " + file + " · " + stage.get();
        LoadedModel model = loaded.get();
        if (model != null) {
            var devices = model.plan().devices();
            String where = devices.size() > 1
                    ? devices.size() + " devices, " + model.plan().mode().name().toLowerCase(java.util.Locale.ROOT) + " split"
                    : devices.isEmpty() ? model.backend().name() : devices.getFirst().deviceName();
            return file + " · " + where;
        }
        if (!loadProblem.get().isEmpty()) return "Not loaded: " + loadProblem.get();
        return modelPath.get() == null ? "No model" : file + " · not loaded";
    }

    /** Chooses a model file and reads its facts in the background (nothing is loaded yet). */
    public void open(Path file) {
        Path path = file.toAbsolutePath().normalize();
        info.set(null);
        inspectProblem.set("");
        loadProblem.set("");
        modelPath.set(path);
        settings.update(s -> s.withRecentModel(path.toString()));
        recent.setAll(settings.current().recentModels().stream().map(Path::of).toList());
        executors.background().execute(() -> {
            try {
                ModelInfo facts = engine.inspect(path);
                executors.ui().execute(() -> {
                    if (path.equals(modelPath.get())) info.set(facts);
                });
            } catch (RuntimeException e) {
                String problem = UserMessages.describe(e);
                executors.ui().execute(() -> {
                    if (path.equals(modelPath.get())) inspectProblem.set(problem);
                });
            }
        });
    }

    /** Loads the chosen model with these options, replacing (and freeing) the loaded one. */
    public void load(EngineOptions options) {
        Path path = modelPath.get();
        if (path == null || loading.get()) return;
        LoadedModel previous = loaded.get();
        loaded.set(null); // listeners (chat) let go of the old model before it is closed
        loading.set(true);
        loadProblem.set("");
        progress.set(0);
        stage.set("Starting");
        AtomicBoolean cancelled = new AtomicBoolean();
        cancelRequested = cancelled;
        executors.engine().execute(() -> {
            if (previous != null) previous.close();
            try {
                LoadedModel model = engine.load(path, options,
                        (fraction, what) -> progressUpdates.offer(new Progress(fraction, what)), cancelled::get);
                executors.ui().execute(() -> finishLoad(model, ""));
            } catch (RuntimeException e) {
                String problem = cancelled.get() ? "Loading was cancelled." : UserMessages.describe(e);
                executors.ui().execute(() -> finishLoad(null, problem));
            }
        });
    }

    /** Asks the running load to stop; it frees what it allocated and reports "cancelled". */
    public void cancelLoad() {
        cancelRequested.set(true);
    }

    private void finishLoad(LoadedModel model, String problem) {
        progressUpdates.drain();
        loading.set(false);
        progress.set(model == null ? 0 : 1);
        stage.set(model == null ? "" : "Loaded");
        loadProblem.set(problem);
        loaded.set(model);
    }

    /** Closes the loaded model (on the engine thread, after any running generation). */
    public void unload() {
        LoadedModel previous = loaded.get();
        loaded.set(null);
        if (previous != null) executors.engine().execute(previous::close);
    }


    private record Progress(double fraction, String stage) {}
}
