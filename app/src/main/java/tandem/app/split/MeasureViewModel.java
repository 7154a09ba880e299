package tandem.app.split;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
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
import tandem.app.engine.EngineService;
import tandem.app.engine.UserMessages;
import tandem.app.model.ModelViewModel;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.SplitMode;

/**
 * Measure on the Split screen: a short decode in tensor, layer and none split on the chosen
 * devices, one after the other on the engine thread (each loads its own copy of the model and
 * frees it), with progress and Cancel; then the winner, which one click applies and loads.
 */
public final class MeasureViewModel {
    private static final List<SplitMode> MODES = List.of(SplitMode.TENSOR, SplitMode.LAYER, SplitMode.NONE);

    private final EngineService engine;
    private final AppExecutors executors;
    private final SplitViewModel split;
    private final ModelViewModel model;

    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running", false);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper stage = new ReadOnlyStringWrapper(this, "stage", "");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final ReadOnlyObjectWrapper<TrialResult> winner = new ReadOnlyObjectWrapper<>(this, "winner");
    private final ReadOnlyStringWrapper verdict = new ReadOnlyStringWrapper(this, "verdict", "");
    private final ObservableList<TrialResult> results = FXCollections.observableArrayList();
    private final BooleanBinding canMeasure;
    private volatile AtomicBoolean cancelRequested = new AtomicBoolean();

    public MeasureViewModel(EngineService engine, AppExecutors executors, SplitViewModel split, ModelViewModel model) {
        this.engine = engine;
        this.executors = executors;
        this.split = split;
        this.model = model;
        this.canMeasure = Bindings.createBooleanBinding(
                () -> !running.get() && model.modelPathProperty().get() != null && !model.loadingProperty().get()
                        && split.labels(Integer.MAX_VALUE).size() >= 2 && !split.usesCpuEngine(),
                running, model.modelPathProperty(), model.loadingProperty(), split.slots());
    }

    public ReadOnlyBooleanProperty runningProperty() { return running.getReadOnlyProperty(); }

    /** Of the whole measurement, in [0, 1]. */
    public ReadOnlyDoubleProperty progressProperty() { return progress.getReadOnlyProperty(); }

    /** What runs now, e.g. "Layer split: loading". */
    public ReadOnlyStringProperty stageProperty() { return stage.getReadOnlyProperty(); }

    /** Why the measurement stopped or could not start; empty otherwise. */
    public ReadOnlyStringProperty problemProperty() { return problem.getReadOnlyProperty(); }

    /** One per mode measured, in the order tensor, layer, none. */
    public ObservableList<TrialResult> results() { return results; }

    /** The fastest mode once all are measured; null before. */
    public ReadOnlyObjectProperty<TrialResult> winnerProperty() { return winner.getReadOnlyProperty(); }

    /** Why the winner won, in one sentence. */
    public ReadOnlyStringProperty verdictProperty() { return verdict.getReadOnlyProperty(); }

    /** A model is chosen and at least two (logical) devices are included. */
    public BooleanBinding canMeasureProperty() { return canMeasure; }

    /** Measures every mode on the included devices with the current ratios. */
    public void start() {
        if (!canMeasure.get()) return;
        Path path = model.modelPathProperty().get();
        List<EngineOptions> plans = MODES.stream().map(split::optionsFor).toList();
        List<List<String>> labels = plans.stream().map(o -> split.labels(o.devices().size())).toList();
        AtomicBoolean cancelled = new AtomicBoolean();
        cancelRequested = cancelled;
        results.clear();
        winner.set(null);
        verdict.set("");
        problem.set("");
        progress.set(0);
        running.set(true);
        executors.engine().execute(() -> {
            for (int i = 0; i < plans.size() && !cancelled.get(); i++) {
                EngineOptions options = plans.get(i);
                int index = i;
                String name = SplitNotes.name(TrialResult.failed(options.splitMode(), options, ""));
                executors.ui().execute(() -> stage.set(name + " (" + (index + 1) + " of " + plans.size() + ")"));
                TrialResult result;
                try {
                    result = SplitTrial.run(engine, path, options, labels.get(i), shares(options), cancelled::get,
                            f -> executors.ui().execute(() -> progress.set((index + f) / plans.size())));
                } catch (RuntimeException e) {
                    if (cancelled.get()) break;
                    result = TrialResult.failed(options.splitMode(), options, UserMessages.describe(e));
                }
                TrialResult done = result;
                executors.ui().execute(() -> results.add(done));
            }
            executors.ui().execute(() -> finish(cancelled.get()));
        });
    }

    /** Stops after the current token (or load step); what was measured so far stays, no winner is chosen. */
    public void cancel() { cancelRequested.set(true); }

    /** Switches the split to the winner's mode and loads the model with it. */
    public void applyWinner() {
        TrialResult w = winner.get();
        if (w == null || model.loadingProperty().get()) return;
        split.modeProperty().set(w.mode());
        model.load(split.options());
    }

    private void finish(boolean cancelled) {
        running.set(false);
        stage.set("");
        if (cancelled) {
            problem.set("Measuring was cancelled.");
            return;
        }
        progress.set(1);
        List<TrialResult> ranked = results.stream().filter(TrialResult::ok)
                .sorted(Comparator.comparingDouble(TrialResult::tokensPerSecond).reversed()).toList();
        if (ranked.isEmpty()) {
            problem.set("No mode could be measured: " + results.getFirst().problem());
            return;
        }
        winner.set(ranked.getFirst());
        verdict.set(SplitNotes.verdict(ranked.getFirst(), ranked.size() > 1 ? ranked.get(1) : null));
    }

    private static double[] shares(EngineOptions options) {
        if (options.split().isEmpty()) return new double[] {1};
        return SplitShares.normalize(options.split().stream().mapToDouble(Double::doubleValue).toArray());
    }
}
