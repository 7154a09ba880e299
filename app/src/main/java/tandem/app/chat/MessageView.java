package tandem.app.chat;

import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import tandem.app.markdown.MarkdownView;
import tandem.app.markdown.SelectableText;
import tandem.app.ui.Widgets;

/** One message bubble: who, the text (streaming in), the answer's figures, and its actions. */
final class MessageView {
    private final ChatViewModel chat;
    private final MessageViewModel message;
    private final VBox root = new VBox(4);
    /** The message's text: Markdown for answers, plain for questions; swapped for an editor while editing. */
    private final Node text;

    /** @param isLast whether this is the conversation's last message (Regenerate applies to it) */
    MessageView(ChatViewModel chat, MessageViewModel message, ObservableBooleanValue isLast) {
        this.chat = chat;
        this.message = message;
        root.getStyleClass().addAll("message", message.isUser() ? "message-user" : "message-assistant");

        Label who = new Label(message.isUser() ? "You" : "Tandem");
        who.getStyleClass().add("message-role");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(6, who, spacer);
        header.setAlignment(Pos.CENTER_LEFT);
        header.getChildren().add(action("Copy", "Copy this message", this::copy));
        if (message.isUser()) {
            header.getChildren().add(action("Edit", "Change this question and ask again", this::edit));
        } else {
            Button regenerate = action("Regenerate", "Answer this question again", chat::regenerate);
            regenerate.visibleProperty().bind(Bindings.createBooleanBinding(
                    () -> isLast.get() && !message.streamingProperty().get(), isLast, message.streamingProperty()));
            regenerate.managedProperty().bind(regenerate.visibleProperty());
            header.getChildren().add(regenerate);
            header.getChildren().add(1, versions());
        }

        var reasoning = Bindings.createObjectBinding(() -> Reasoning.of(message.text()), message.textProperty());
        if (message.isUser()) {
            text = SelectableText.plain(message.text(), "message-body");
        } else {
            // Shown again on every batch of streamed tokens; the view rebuilds only the block that grew.
            MarkdownView markdown = new MarkdownView();
            markdown.show(reasoning.get().answer());
            reasoning.addListener((obs, old, now) -> markdown.show(now.answer()));
            text = markdown.node();
        }
        text.getStyleClass().add("message-text");

        Label footer = new Label();
        footer.getStyleClass().add("message-stats");
        footer.textProperty().bind(Bindings.createStringBinding(() -> {
            if (message.streamingProperty().get()) return "generating…";
            GenerationStats stats = message.statsProperty().get();
            return stats == null ? "" : stats.summary();
        }, message.streamingProperty(), message.statsProperty()));
        footer.visibleProperty().bind(footer.textProperty().isNotEmpty());
        footer.managedProperty().bind(footer.visibleProperty());
        // Problems and notices are read in full: wrapping banners, not the one-line footer.
        Label notice = Widgets.message(null, "message-notice", message.noticeProperty());
        Label problem = Widgets.message(null, "error-banner", message.problemProperty());
        problem.getStyleClass().add("message-problem");

        root.getChildren().addAll(header, notice, text, problem, footer);
        if (!message.isUser()) root.getChildren().add(2, thinkingSection(reasoning));
    }

    Node node() { return root; }

    /** ‹ 2/3 › flips between the versions of a regenerated answer; hidden while there is one. */
    private Node versions() {
        Button previous = new Button("‹");
        previous.getStyleClass().addAll("message-action", "version-previous");
        previous.setTooltip(new javafx.scene.control.Tooltip("The previous version of this answer"));
        previous.setOnAction(e -> chat.showVersion(message, message.shownVersionProperty().get() - 1));
        Button next = new Button("›");
        next.getStyleClass().addAll("message-action", "version-next");
        next.setTooltip(new javafx.scene.control.Tooltip("The next version of this answer"));
        next.setOnAction(e -> chat.showVersion(message, message.shownVersionProperty().get() + 1));
        Label position = new Label();
        position.getStyleClass().add("version-label");
        position.textProperty().bind(Bindings.createStringBinding(
                () -> (message.shownVersionProperty().get() + 1) + "/" + message.versionCountProperty().get(),
                message.shownVersionProperty(), message.versionCountProperty()));
        previous.disableProperty().bind(message.streamingProperty().or(message.shownVersionProperty().isEqualTo(0)));
        next.disableProperty().bind(message.streamingProperty()
                .or(message.shownVersionProperty().greaterThanOrEqualTo(message.versionCountProperty().subtract(1))));
        HBox box = new HBox(2, previous, position, next);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("versions");
        box.visibleProperty().bind(message.versionCountProperty().greaterThan(1));
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    /**
     * The reasoning in a section of its own, folded once the answer starts (open while the model
     * is still thinking, so the user sees it work); absent for answers without reasoning.
     */
    private Node thinkingSection(javafx.beans.value.ObservableObjectValue<Reasoning> reasoning) {
        Label thoughts = new Label();
        thoughts.setWrapText(true);
        thoughts.setMinHeight(Region.USE_PREF_SIZE);
        thoughts.getStyleClass().add("thinking-text");
        thoughts.textProperty().bind(Bindings.createStringBinding(() -> reasoning.get().thinking(), reasoning));
        javafx.scene.control.TitledPane section = new javafx.scene.control.TitledPane("Thinking", thoughts);
        section.getStyleClass().add("thinking");
        section.setExpanded(reasoning.get().open());
        section.textProperty().bind(Bindings.createStringBinding(
                () -> reasoning.get().open() ? "Thinking…" : "Thinking", reasoning));
        reasoning.addListener((obs, old, now) -> {
            if (old != null && old.open() && !now.open()) section.setExpanded(false); // the answer begins
            if ((old == null || !old.hasThinking()) && now.open()) section.setExpanded(true);
        });
        section.visibleProperty().bind(Bindings.createBooleanBinding(() -> reasoning.get().hasThinking(), reasoning));
        section.managedProperty().bind(section.visibleProperty());
        return section;
    }

    private Button action(String label, String tip, Runnable run) {
        Button b = new Button(label);
        b.getStyleClass().add("message-action");
        b.setTooltip(new javafx.scene.control.Tooltip(tip));
        b.setOnAction(e -> run.run());
        b.disableProperty().bind(message.streamingProperty());
        return b;
    }

    private void copy() {
        ClipboardContent content = new ClipboardContent();
        content.putString(Reasoning.of(message.text()).answer()); // the answer, without the model's reasoning
        Clipboard.getSystemClipboard().setContent(content);
    }

    /** Swaps the text for an editor; Send asks again with the new text, Cancel puts the text back. */
    private void edit() {
        if (!root.getChildren().contains(text)) return; // already editing
        TextArea editor = new TextArea(message.text());
        editor.setWrapText(true);
        editor.setPrefRowCount(3);
        Button send = new Button("Send");
        send.setDefaultButton(false);
        Button cancel = new Button("Cancel");
        HBox buttons = new HBox(6, send, cancel);
        VBox box = new VBox(4, editor, buttons);
        int at = root.getChildren().indexOf(text);
        root.getChildren().set(at, box);
        cancel.setOnAction(e -> root.getChildren().set(root.getChildren().indexOf(box), text));
        send.setOnAction(e -> chat.resend(message, editor.getText()));
        send.disableProperty().bind(chat.generatingProperty().or(editor.textProperty().isEmpty()));
        editor.requestFocus();
    }
}
