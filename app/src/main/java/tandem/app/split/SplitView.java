package tandem.app.split;

import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import tandem.app.model.ModelViewModel;
import tandem.app.monitor.MonitorViewModel;
import tandem.app.ui.DeviceColors;
import tandem.app.ui.Sizes;
import tandem.app.ui.Widgets;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.SplitMode;

/**
 * The Split screen: mode, context length, the bar with its dividers, typed ratios, presets, and
 * for each device what the engine's plan needs against what is free.
 */
public final class SplitView {
    private final SplitViewModel vm;
    private final ModelViewModel model;
    private final MonitorViewModel monitor;
    private final VBox root = new VBox(14);
    private final ScrollPane scroll = new ScrollPane(root);
    private final GridPane table = new GridPane();
    private final Node measurePane;

    public SplitView(SplitViewModel vm, ModelViewModel model, MonitorViewModel monitor, MeasureViewModel measure) {
        this.vm = vm;
        this.model = model;
        this.monitor = monitor;
        root.getStyleClass().addAll("screen", "split-screen");
        measurePane = new MeasurePane(measure).node();
        Label title = new Label("Split");
        title.getStyleClass().add("screen-title");
        Label explain = new Label("Tensor: every layer is split across the devices by these ratios (two all-reduces per layer). "
                + "Layer: consecutive layers per device. None: one device.");
        explain.getStyleClass().add("hint");
        explain.setWrapText(true);
        root.getChildren().addAll(title, explain, modeAndContext(), new SplitBar(vm), presets(), table, messages(), loadRow(),
                new Separator(), measurePane);
        // Measure's results below the split: the screen scrolls at 900x600 rather than clipping them
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("screen-scroll");
        measure.winnerProperty().addListener((obs, old, now) -> {
            if (now != null) showFromTop(measurePane);
        });
        table.getStyleClass().add("split-table");
        table.setHgap(14);
        table.setVgap(6);
        vm.slots().addListener((ListChangeListener<SplitSlot>) c -> showTable());
        showTable();
    }

    public Node node() { return scroll; }

    /** Scrolls so that the node's top is at the top of the view (as far as the content allows). */
    private void showFromTop(Node node) {
        // the results and the winner's row are in: size the content for them now
        scroll.applyCss();
        scroll.layout();
        double hidden = root.getHeight() - scroll.getViewportBounds().getHeight();
        if (hidden > 0) scroll.setVvalue(Math.min(1, node.getBoundsInParent().getMinY() / hidden) * scroll.getVmax());
    }

    private Node modeAndContext() {
        ToggleGroup group = new ToggleGroup();
        HBox modes = new HBox(0);
        modes.getStyleClass().add("segmented");
        for (SplitMode mode : new SplitMode[] {SplitMode.TENSOR, SplitMode.LAYER, SplitMode.NONE}) {
            ToggleButton b = new ToggleButton(mode.name().toLowerCase(Locale.ROOT));
            b.setId("mode-" + mode.name().toLowerCase(Locale.ROOT));
            b.setToggleGroup(group);
            b.setSelected(vm.modeProperty().get() == mode);
            b.setOnAction(e -> {
                vm.modeProperty().set(mode);
                b.setSelected(true);
            });
            vm.modeProperty().addListener((obs, old, now) -> b.setSelected(now == mode));
            modes.getChildren().add(b);
        }
        Spinner<Integer> context = new Spinner<>(0, 1 << 20, vm.contextLengthProperty().get(), 512);
        context.setId("context-length");
        context.setEditable(true);
        context.setPrefWidth(110);
        context.getValueFactory().valueProperty().addListener((obs, old, now) -> vm.contextLengthProperty().set(now == null ? 0 : now));
        vm.contextLengthProperty().addListener((obs, old, now) -> context.getValueFactory().setValue(now.intValue()));
        Tooltip.install(context, new Tooltip("KV-cache length in tokens; 0 uses the model's own"));
        HBox row = new HBox(10, new Label("Mode"), modes, new Label("Context (tokens, 0 = model's)"), context);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private Node presets() {
        Button even = new Button("Even");
        even.setId("preset-even");
        even.setOnAction(e -> vm.presetEven());
        Button byVram = new Button("By VRAM");
        byVram.setId("preset-vram");
        byVram.setOnAction(e -> vm.presetByVram());
        Button byFree = new Button("By free VRAM");
        byFree.setId("preset-free-vram");
        byFree.setOnAction(e -> vm.presetByFreeVram());
        Button bySpeed = new Button("By measured speed");
        bySpeed.setId("preset-speed");
        bySpeed.setOnAction(e -> vm.presetByMeasuredSpeed(loadedPlan(), monitor.meanComputeMicrosPerToken()));
        bySpeed.disableProperty().bind(Bindings.createBooleanBinding(
                () -> !vm.canBalance(loadedPlan(), monitor.meanComputeMicrosPerToken()),
                monitor.latestProperty(), vm.slots(), model.loadedProperty()));
        Tooltip.install(bySpeed, new Tooltip("Gives each device work in proportion to its speed measured on the Monitor, "
                + "so none waits for a slower one: load with this split and generate an answer first"));
        HBox row = new HBox(8, new Label("Presets"), even, byVram, byFree, bySpeed);
        row.setAlignment(Pos.CENTER_LEFT);
        row.disableProperty().bind(Bindings.size(vm.slots()).lessThan(2));
        return row;
    }

    /** The plan the Monitor's figures were measured with; null while no model is loaded. */
    private LoadPlan loadedPlan() {
        return model.loadedProperty().get() == null ? null : model.loadedProperty().get().plan();
    }

    private Node messages() {
        Label warning = Widgets.message("split-warning", "warning", vm.warningProperty());
        Label problem = Widgets.message("plan-problem", "error", vm.planProblemProperty());
        Label notes = new Label();
        notes.getStyleClass().add("hint");
        notes.setWrapText(true);
        notes.textProperty().bind(Bindings.createStringBinding(
                () -> vm.planProperty().get() == null ? "" : String.join("\n", vm.planProperty().get().notes()), vm.planProperty()));
        return new VBox(6, warning, problem, notes);
    }

    /** The split takes effect when the model is loaded again; this saves a trip to the Model screen. */
    private Node loadRow() {
        Button load = new Button("Load with this split");
        load.setId("load-with-split");
        load.disableProperty().bind(model.canLoadProperty().not().or(vm.willNotFitProperty()));
        load.setOnAction(e -> model.load(vm.options()));
        Label state = new Label();
        state.getStyleClass().add("hint");
        state.textProperty().bind(Bindings.createStringBinding(() -> {
            if (model.loadingProperty().get()) return "Loading… " + model.stageProperty().get();
            if (!model.loadProblemProperty().get().isEmpty()) return model.loadProblemProperty().get();
            return "Changes apply the next time the model is loaded.";
        }, model.loadingProperty(), model.stageProperty(), model.loadProblemProperty()));
        state.setWrapText(true);
        HBox row = new HBox(10, load, state);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private void showTable() {
        table.getChildren().clear();
        // the KV figure is of the plan's cache type (Preferences), so the header names it
        Label needs = header("");
        needs.setId("needs-header");
        needs.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> "Needs (weights + KV "
                + (vm.planProperty().get() == null ? "" : vm.planProperty().get().cacheType().optionName() + " ") + "+ scratch)",
                vm.planProperty()));
        table.addRow(0, header(""), header("Device"), header("Ratio"), header("Share"), needs, header("Free"), header(""));
        for (int i = 0; i < vm.slots().size(); i++) {
            SplitSlot slot = vm.slots().get(i);
            Region swatch = Widgets.swatch(DeviceColors.of(slot.physicalIndex(), slot.instance()));
            table.addRow(i + 1, swatch, new Label(slot.label()), ratioField(i, slot),
                    bound("share-" + i, slot, () -> String.format(Locale.ROOT, "%.1f %%", slot.share() * 100)),
                    bound("needs-" + i, slot, () -> needs(slot.planProperty().get())),
                    bound("free-" + i, slot, () -> slot.planProperty().get() == null ? "" : Sizes.bytes(slot.planProperty().get().freeBytes())),
                    fitLabel(i, slot));
        }
    }

    private static Label header(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("fact-name");
        return l;
    }

    private TextField ratioField(int index, SplitSlot slot) {
        TextField field = new TextField(format(slot.weight()));
        field.setId("ratio-" + index);
        field.setPrefColumnCount(5);
        field.setDisable(vm.slots().size() < 2);
        Runnable commit = () -> {
            try {
                vm.setWeight(index, Double.parseDouble(field.getText().trim().replace(',', '.')));
            } catch (NumberFormatException e) {
                field.setText(format(slot.weight()));
            }
        };
        field.setOnAction(e -> commit.run());
        field.focusedProperty().addListener((obs, was, now) -> {
            if (!now) commit.run();
        });
        slot.weightProperty().addListener((obs, old, now) -> field.setText(format(now.doubleValue())));
        return field;
    }

    private static Label bound(String id, SplitSlot slot, java.util.concurrent.Callable<String> text) {
        Label l = new Label();
        l.setId(id);
        l.textProperty().bind(Bindings.createStringBinding(text, slot.shareProperty(), slot.planProperty()));
        return l;
    }

    private static Label fitLabel(int index, SplitSlot slot) {
        Label l = bound("fit-" + index, slot, () -> {
            DevicePlan p = slot.planProperty().get();
            return p == null ? "" : p.fits() ? "fits" : "does not fit";
        });
        slot.planProperty().addListener((obs, old, now) -> l.pseudoClassStateChanged(
                javafx.css.PseudoClass.getPseudoClass("error"), now != null && !now.fits()));
        return l;
    }

    private static String needs(DevicePlan p) {
        if (p == null) return "";
        return Sizes.bytes(p.weightBytes()) + " + " + Sizes.bytes(p.kvCacheBytes()) + " + " + Sizes.bytes(p.scratchBytes())
                + " = " + Sizes.bytes(p.totalBytes());
    }

    private static String format(double weight) {
        return weight == Math.rint(weight) ? Long.toString((long) weight) : String.format(Locale.ROOT, "%.1f", weight);
    }
}
