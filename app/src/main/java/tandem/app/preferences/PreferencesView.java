package tandem.app.preferences;

import javafx.collections.FXCollections;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import java.nio.file.Path;
import tandem.app.chat.SamplingForm;
import tandem.app.settings.ContextPolicy;
import tandem.app.settings.Preferences;
import tandem.app.settings.Theme;
import tandem.app.ui.CheckedField;
import tandem.app.ui.FilePicker;
import tandem.app.ui.Widgets;

/** The Preferences screen: one section each for appearance, chats, models and default sampling. */
public final class PreferencesView {
    private final PreferencesViewModel vm;
    private final FilePicker files;
    private final ScrollPane root;

    public PreferencesView(PreferencesViewModel vm) {
        this(vm, FilePicker.system());
    }

    public PreferencesView(PreferencesViewModel vm, FilePicker files) {
        this.vm = vm;
        this.files = files;
        Label title = new Label("Preferences");
        title.getStyleClass().add("screen-title");
        Label saved = new Label("Changes are saved at once.");
        saved.getStyleClass().add("hint");
        VBox page = new VBox(14, title, saved, appearance(), chats(), models(), sampling());
        page.getStyleClass().addAll("screen", "preferences-screen");
        page.setMaxWidth(720);
        root = new ScrollPane(page);
        root.setFitToWidth(true);
        root.getStyleClass().add("edge-to-edge");
    }

    public Node node() { return root; }

    private static VBox section(String name, Node... rows) {
        Label heading = new Label(name);
        heading.getStyleClass().add("section-title");
        VBox box = new VBox(8, heading);
        box.getChildren().addAll(rows);
        box.getStyleClass().add("card");
        return box;
    }

    private static GridPane form() {
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(8);
        return grid;
    }

    private Node appearance() {
        ChoiceBox<Theme> theme = new ChoiceBox<>(FXCollections.observableArrayList(Theme.values()));
        theme.setId("preferences-theme");
        theme.setConverter(converter(t -> t == Theme.LIGHT ? "Light" : "Dark"));
        theme.valueProperty().bindBidirectional(vm.themeProperty());
        GridPane grid = form();
        grid.addRow(0, new Label("Theme"), theme);
        return section("Appearance", grid);
    }

    private Node chats() {
        Label folder = new Label();
        folder.setId("data-folder");
        folder.textProperty().bind(vm.dataFolderProperty());
        folder.setWrapText(true);
        Button change = new Button("Change…");
        change.setId("change-data-folder");
        change.setOnAction(e -> {
            Path chosen = files.folder(root.getScene().getWindow(), "Folder for the chat history", Path.of(vm.dataFolderProperty().get()));
            if (chosen != null) vm.changeDataFolder(chosen);
        });
        Button standard = new Button("Standard folder");
        standard.setId("standard-data-folder");
        standard.setTooltip(new Tooltip("Back to the standard data folder, where the settings are kept"));
        standard.setOnAction(e -> vm.changeDataFolder(null));
        HBox buttons = new HBox(8, change, standard);
        Label note = Widgets.message("data-folder-note", "hint", vm.dataFolderNoteProperty());
        ChoiceBox<ContextPolicy> policy = new ChoiceBox<>(FXCollections.observableArrayList(ContextPolicy.values()));
        policy.setId("preferences-context-policy");
        policy.valueProperty().bindBidirectional(vm.contextPolicyProperty());
        policy.setTooltip(new Tooltip("Stop: refuse to answer once the conversation fills the context.\n"
                + "Rolling window: keep the system prompt and the latest turns, leaving out the oldest (a notice says so)."));
        GridPane grid = form();
        grid.addRow(0, new Label("Data folder"), new VBox(4, folder, buttons, note));
        grid.addRow(1, new Label("Context full"), policy);
        GridPane.setHgrow(folder.getParent(), Priority.ALWAYS);
        Label hint = new Label("The chat history is kept in the data folder (the settings stay in the standard one). "
                + "Your chats move with it; chats already in the new folder join them, and the file in the old folder "
                + "stays as it was.");
        hint.getStyleClass().add("hint");
        hint.setWrapText(true);
        return section("Chats", grid, hint);
    }

    private Node models() {
        CheckedField<Integer> context = new CheckedField<>("preferences-context", vm.contextLengthProperty(),
                text -> CheckedField.wholeNumber(text, Integer::parseInt), vm::contextLengthProblem, String::valueOf);
        context.field().setPrefColumnCount(8);
        ChoiceBox<String> cache = new ChoiceBox<>(FXCollections.observableArrayList(Preferences.CACHE_TYPES));
        cache.setId("preferences-cache-type");
        cache.valueProperty().bindBidirectional(vm.cacheTypeProperty());
        cache.setTooltip(new Tooltip("The number type of the KV cache: f16 (the default), f32 (exact, twice the memory) "
                + "or q8_0 (about half of f16's memory)"));
        GridPane grid = form();
        Label contextHint = new Label("tokens; 0 = the model's own. Used when the Split screen's context is 0.");
        contextHint.getStyleClass().add("hint");
        contextHint.setWrapText(true);
        HBox contextRow = new HBox(8, context.field(), contextHint);
        contextRow.setAlignment(Pos.CENTER_LEFT);
        grid.addRow(0, new Label("Default context"), new VBox(4, contextRow, context.problem()));
        Label cacheNote = new Label("f16 as llama.cpp; f32 exact at twice the memory; q8_0 about half of f16.");
        cacheNote.getStyleClass().add("hint");
        cacheNote.setWrapText(true);
        HBox cacheRow = new HBox(8, cache, cacheNote);
        cacheRow.setAlignment(Pos.CENTER_LEFT);
        grid.addRow(1, new Label("KV cache type"), cacheRow);
        for (Node n : grid.getChildren()) {
            if (n instanceof Label l) l.setMinWidth(Region.USE_PREF_SIZE);
        }
        return section("Models (applied when a model loads)", grid);
    }

    private Node sampling() {
        Button reset = new Button("Reset to defaults");
        reset.setId("reset-sampling");
        reset.setOnAction(e -> vm.resetSampling());
        Label hint = new Label("The same values as the Chat screen's Sampling panel: every new answer uses them.");
        hint.getStyleClass().add("hint");
        hint.setWrapText(true);
        Node form = new SamplingForm(vm.sampling()).node();
        return section("Default sampling", hint, form, reset);
    }

    private static <T> StringConverter<T> converter(java.util.function.Function<T, String> name) {
        return new StringConverter<>() {
            @Override public String toString(T value) { return value == null ? "" : name.apply(value); }
            @Override public T fromString(String text) { throw new UnsupportedOperationException(); }
        };
    }
}
