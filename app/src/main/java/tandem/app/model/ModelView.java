package tandem.app.model;

import java.io.File;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import tandem.app.split.SplitViewModel;
import tandem.app.ui.Sizes;
import tandem.app.ui.Widgets;
import tandem.engine.api.ModelInfo;

/**
 * The Model screen: choose a GGUF file (file chooser, drag-and-drop anywhere on the screen, or
 * a recent file), read its facts, and load it with the current split, with progress and Cancel.
 */
public final class ModelView {
    private final ModelViewModel vm;
    private final SplitViewModel split;
    private final VBox root = new VBox(14);
    private static final double FACT_WIDTH = 640;

    private final GridPane facts = new GridPane();

    public ModelView(ModelViewModel vm, SplitViewModel split) {
        this.vm = vm;
        this.split = split;
        root.getStyleClass().addAll("screen", "model-screen");
        root.getChildren().addAll(chooser(), factsPane(), loadPane());
        root.setOnDragOver(this::dragOver);
        root.setOnDragDropped(this::dropped);
        vm.infoProperty().addListener((obs, old, now) -> showFacts());
        showFacts();
    }

    public Node node() { return root; }

    private Node chooser() {
        Label title = new Label("Model");
        title.getStyleClass().add("screen-title");
        Button open = new Button("Open .gguf…");
        open.setId("open-model");
        open.setOnAction(e -> choose());
        Label drop = new Label("or drop a .gguf file anywhere here");
        drop.getStyleClass().add("hint");
        Label path = new Label();
        path.setId("model-path");
        path.textProperty().bind(Bindings.createStringBinding(
                () -> vm.modelPathProperty().get() == null ? "No model chosen" : vm.modelPathProperty().get().toString(),
                vm.modelPathProperty()));
        HBox row = new HBox(10, open, drop);
        row.setAlignment(Pos.CENTER_LEFT);

        ListView<Path> recent = new ListView<>(vm.recent());
        recent.setId("recent-models");
        recent.setPrefHeight(110);
        recent.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(Path item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.getFileName() + "  —  " + item.getParent());
            }
        });
        recent.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2 && recent.getSelectionModel().getSelectedItem() != null) {
                vm.openAndLoad(recent.getSelectionModel().getSelectedItem(), split::options);
            }
        });
        recent.setOnKeyPressed(e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ENTER && recent.getSelectionModel().getSelectedItem() != null) {
                vm.openAndLoad(recent.getSelectionModel().getSelectedItem(), split::options);
            }
        });
        Label recentTitle = new Label("Recent (double-click or Enter to load)");
        recentTitle.getStyleClass().add("section-title");
        // The file's one problem (unloadable, or its load failed), readable in full, right under its name.
        Label problem = Widgets.message("load-problem", "error-banner", vm.loadProblemProperty());
        Label checking = Widgets.message("model-checking", "hint", Bindings.when(vm.checkingProperty())
                .then("Checking the file…").otherwise(""));
        return new VBox(8, title, row, path, checking, problem, recentTitle, recent);
    }

    private Node factsPane() {
        facts.getStyleClass().add("facts");
        facts.setHgap(16);
        facts.setVgap(4);
        return facts;
    }

    private Node loadPane() {
        Button load = new Button("Load");
        load.setId("load-model");
        load.setDefaultButton(false);
        load.disableProperty().bind(vm.canLoadProperty().not().or(split.willNotFitProperty()));
        load.setOnAction(e -> vm.load(split.options()));
        Button unload = new Button("Unload");
        unload.setId("unload-model");
        unload.disableProperty().bind(vm.canUnloadProperty().not());
        unload.setOnAction(e -> vm.unload());
        Button cancel = new Button("Cancel");
        cancel.setId("cancel-load");
        cancel.disableProperty().bind(vm.loadingProperty().not());
        cancel.setOnAction(e -> vm.cancelLoad());
        ProgressBar progress = new ProgressBar();
        progress.setId("load-progress");
        progress.setPrefWidth(260);
        progress.progressProperty().bind(vm.progressProperty());
        Label stage = new Label();
        stage.textProperty().bind(vm.stageProperty());
        HBox row = new HBox(10, load, cancel, unload, progress, stage);
        row.setAlignment(Pos.CENTER_LEFT);

        Label where = new Label();
        where.getStyleClass().add("hint");
        where.textProperty().bind(Bindings.concat("Loads on: ", split.targetProperty()));
        Label warning = Widgets.message("load-warning", "warning", split.warningProperty());
        return new VBox(8, row, where, warning);
    }

    private void showFacts() {
        facts.getChildren().clear();
        ModelInfo info = vm.infoProperty().get();
        if (info == null) return;
        int row = 0;
        row = fact(row, "Name", info.name());
        row = fact(row, "Architecture", info.architecture());
        if (!info.features().isEmpty()) row = fact(row, "Architecture facts", String.join("\n", info.features()));
        row = fact(row, "Parameters", parameters(info.parameterCount()));
        row = fact(row, "File size", Sizes.bytes(info.fileBytes()));
        row = fact(row, "Quantisation", quantMix(info.quantMix()));
        row = fact(row, "Layers", Integer.toString(info.layers()));
        row = fact(row, "Embedding / FFN", info.embeddingLength() + " / " + info.feedForwardLength());
        row = fact(row, "Heads / KV heads / head size", info.heads() + " / " + info.kvHeads() + " / " + info.headDim());
        row = fact(row, "Context", info.contextLength() + " tokens");
        row = fact(row, "Vocabulary", info.vocabSize() + " (" + info.tokenizerModel() + ")");
        fact(row, "Chat template", info.hasChatTemplate() ? "from the model" : "none in the file (the engine's built-in fallback)");
    }

    private int fact(int row, String name, String value) {
        return Widgets.fact(facts, row, name, value, FACT_WIDTH);
    }

    static String parameters(long count) {
        if (count >= 1_000_000_000L) return String.format(Locale.ROOT, "%.1f B", count / 1e9);
        if (count >= 1_000_000L) return String.format(Locale.ROOT, "%.1f M", count / 1e6);
        if (count >= 1_000L) return String.format(Locale.ROOT, "%.1f K", count / 1e3);
        return Long.toString(count);
    }

    /** "Q4_K 71% · Q6_K 18% · F32 11%", largest first. */
    static String quantMix(Map<String, Long> mix) {
        long total = mix.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) return "—";
        return mix.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / total))
                .collect(Collectors.joining(" · "));
    }

    private void choose() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open a GGUF model");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("GGUF models", "*.gguf"));
        Path current = vm.modelPathProperty().get();
        if (current != null && current.getParent() != null) chooser.setInitialDirectory(current.getParent().toFile());
        File file = chooser.showOpenDialog(root.getScene().getWindow());
        if (file != null) vm.open(file.toPath());
    }

    private void dragOver(DragEvent e) {
        if (ggufIn(e) != null) e.acceptTransferModes(TransferMode.COPY);
        e.consume();
    }

    private void dropped(DragEvent e) {
        File file = ggufIn(e);
        if (file != null) vm.open(file.toPath());
        e.setDropCompleted(file != null);
        e.consume();
    }

    private static File ggufIn(DragEvent e) {
        if (!e.getDragboard().hasFiles()) return null;
        return e.getDragboard().getFiles().stream()
                .filter(f -> f.getName().toLowerCase(Locale.ROOT).endsWith(".gguf")).findFirst().orElse(null);
    }
}
