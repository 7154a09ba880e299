package tandem.app.chat;

import java.nio.file.Path;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import tandem.app.ui.FilePicker;

/**
 * The Chat screen's left side: New chat, search, the conversations, and buttons to rename,
 * delete, import and export them (also on each conversation's right-click menu).
 */
final class ConversationListView {
    private final ChatViewModel vm;
    private final FilePicker files;
    private final VBox box;

    ConversationListView(ChatViewModel vm, FilePicker files) {
        this.vm = vm;
        this.files = files;
        this.box = build();
    }

    Node node() {
        return box;
    }

    private VBox build() {
        Button create = new Button("New chat");
        create.setId("new-chat");
        create.setMaxWidth(Double.MAX_VALUE);
        create.setOnAction(e -> vm.newConversation());
        TextField search = new TextField();
        search.setId("chat-search");
        search.setPromptText("Search chats");
        search.setTooltip(new Tooltip("Finds chats whose title or text has every word typed here"));
        search.textProperty().bindBidirectional(vm.searchProperty());
        ListView<ConversationViewModel> list = new ListView<>(vm.foundConversations());
        list.setId("conversations");
        list.setCellFactory(v -> new ConversationCell());
        Label empty = new Label();
        empty.textProperty().bind(javafx.beans.binding.Bindings.when(vm.searchProperty().isEmpty())
                .then("No chats yet").otherwise("No chat matches"));
        list.setPlaceholder(empty);
        list.getSelectionModel().select(vm.selectedProperty().get());
        list.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            if (now != null) vm.selectedProperty().set(now);
        });
        vm.selectedProperty().addListener((obs, old, now) -> list.getSelectionModel().select(now));
        list.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.DELETE && list.getSelectionModel().getSelectedItem() != null) {
                confirmDelete(list.getSelectionModel().getSelectedItem());
            }
        });
        VBox.setVgrow(list, Priority.ALWAYS);
        Button rename = new Button("Rename");
        rename.setTooltip(new Tooltip("Rename the selected chat"));
        rename.setId("rename-chat");
        rename.setOnAction(e -> rename(vm.selectedProperty().get()));
        Button delete = new Button("Delete");
        delete.setTooltip(new Tooltip("Delete the selected chat (asks first)"));
        delete.setId("delete-chat");
        delete.setOnAction(e -> confirmDelete(vm.selectedProperty().get()));
        rename.disableProperty().bind(vm.selectedProperty().isNull());
        delete.disableProperty().bind(vm.selectedProperty().isNull());
        Label status = new Label();
        status.setId("transfer-status");
        status.setWrapText(true);
        status.getStyleClass().add("hint");
        VBox pane = new VBox(8, create, search, list, evenRow(rename, delete), evenRow(importButton(status), exportButton(status)), status);
        pane.getStyleClass().add("side-pane");
        pane.setMinWidth(160);
        return pane;
    }

    private static HBox evenRow(javafx.scene.control.Control... controls) {
        HBox row = new HBox(6, controls);
        for (var c : controls) {
            c.setMaxWidth(Double.MAX_VALUE);
            c.setMinWidth(0);
            HBox.setHgrow(c, Priority.ALWAYS);
        }
        return row;
    }

    private Button importButton(Label status) {
        Button button = new Button("Import");
        button.setId("import-chats");
        button.setTooltip(new Tooltip("Adds the chats of a JSON export; the chats already here stay"));
        button.setOnAction(e -> {
            Path file = files.open(box.getScene().getWindow(), "Import chats", "Chat export (JSON)", "*.json");
            if (file != null) show(status, vm.importJson(file));
        });
        return button;
    }

    private MenuButton exportButton(Label status) {
        MenuItem markdown = new MenuItem("This chat as Markdown…");
        markdown.setOnAction(e -> saveAs("chat.md", "Markdown", "*.md",
                file -> show(status, vm.exportMarkdown(vm.selectedProperty().get(), file))));
        MenuItem json = new MenuItem("This chat as JSON…");
        json.setOnAction(e -> saveAs("chat.json", "JSON", "*.json",
                file -> show(status, vm.exportJson(java.util.List.of(vm.selectedProperty().get()), file))));
        MenuItem all = new MenuItem("All chats as JSON…");
        all.setOnAction(e -> saveAs("tandem-chats.json", "JSON", "*.json",
                file -> show(status, vm.exportJson(java.util.List.copyOf(vm.conversations()), file))));
        markdown.disableProperty().bind(vm.selectedProperty().isNull());
        json.disableProperty().bind(vm.selectedProperty().isNull());
        MenuButton button = new MenuButton("Export", null, markdown, json, all);
        button.setId("export-chats");
        return button;
    }

    private void saveAs(String name, String kind, String pattern, java.util.function.Consumer<Path> then) {
        Path file = files.save(box.getScene().getWindow(), "Export", name, kind, pattern);
        if (file != null) then.accept(file);
    }

    private static void show(Label status, ChatViewModel.Transfer result) {
        status.setText(result.message());
        status.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("error"), result.failed());
    }

    private void rename(ConversationViewModel c) {
        if (c == null) return;
        TextInputDialog dialog = new TextInputDialog(c.titleProperty().get());
        dialog.setTitle("Rename chat");
        dialog.setHeaderText(null);
        dialog.setContentText("Name");
        dialog.initOwner(box.getScene().getWindow());
        dialog.showAndWait().ifPresent(title -> vm.rename(c, title));
    }

    /** Deleting is not undone, so it asks first. */
    private void confirmDelete(ConversationViewModel c) {
        if (c == null) return;
        javafx.scene.control.ButtonType delete = new javafx.scene.control.ButtonType("Delete", javafx.scene.control.ButtonBar.ButtonData.OK_DONE);
        javafx.scene.control.Alert ask = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.CONFIRMATION,
                "Delete “" + c.titleProperty().get() + "”? This cannot be undone.", delete, javafx.scene.control.ButtonType.CANCEL);
        ask.setTitle("Delete chat");
        ask.setHeaderText(null);
        ask.initOwner(box.getScene().getWindow());
        ask.showAndWait().filter(delete::equals).ifPresent(b -> vm.delete(c));
    }

    private final class ConversationCell extends ListCell<ConversationViewModel> {
        private final ContextMenu menu = new ContextMenu();

        ConversationCell() {
            setPrefWidth(0); // long titles end in "…" instead of widening the list
            MenuItem rename = new MenuItem("Rename…");
            rename.setOnAction(e -> rename(getItem()));
            MenuItem delete = new MenuItem("Delete…");
            delete.setOnAction(e -> confirmDelete(getItem()));
            menu.getItems().addAll(rename, delete);
        }

        @Override
        protected void updateItem(ConversationViewModel item, boolean empty) {
            super.updateItem(item, empty);
            textProperty().unbind();
            if (empty || item == null) {
                setText(null);
                setContextMenu(null);
            } else {
                textProperty().bind(item.titleProperty());
                setContextMenu(menu);
            }
        }
    }
}
