package tandem.app.chat;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import tandem.app.ui.FilePicker;
import tandem.app.settings.ContextPolicy;

/**
 * The Chat screen: conversations on the left, the selected conversation in the middle with the
 * input below it, sampling parameters on the right. Ctrl+Enter sends, Esc stops.
 */
public final class ChatView {
    private final ChatViewModel vm;
    private final FilePicker files;
    private final BorderPane root = new BorderPane();
    private final VBox messages = new VBox(10);
    private final ScrollPane scroller = new ScrollPane(messages);
    private final TextField systemPrompt = new TextField();
    private final ListChangeListener<MessageViewModel> messagesChanged = c -> showMessages();
    private ConversationViewModel shown;
    private final SplitPane split = new SplitPane();
    private Node sampling;

    public ChatView(ChatViewModel vm) {
        this(vm, FilePicker.system());
    }

    /** @param files asks for the files to import and export */
    public ChatView(ChatViewModel vm, FilePicker files) {
        this.vm = vm;
        this.files = files;
        root.getStyleClass().add("chat");
        sampling = samplingPane();
        split.getItems().setAll(new ConversationListView(vm, files).node(), conversationPane(), sampling);
        split.setDividerPositions(0.17, 0.75);
        SplitPane.setResizableWithParent(split.getItems().getFirst(), false);
        root.setCenter(split);
        root.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ESCAPE && vm.generatingProperty().get()) {
                vm.stop();
                e.consume();
            }
        });
        vm.selectedProperty().addListener((obs, old, now) -> showConversation(now));
        showConversation(vm.selectedProperty().get());
    }

    public Node node() { return root; }

    private Node conversationPane() {
        systemPrompt.setId("system-prompt");
        systemPrompt.setPromptText("System prompt (optional): how the assistant should behave");
        systemPrompt.focusedProperty().addListener((obs, was, now) -> {
            if (!now) vm.save();
        });
        HBox.setHgrow(systemPrompt, Priority.ALWAYS);
        // The sampling panel folds away, so the conversation has room in a small window.
        ToggleButton showSampling = new ToggleButton("Sampling");
        showSampling.setId("toggle-sampling");
        showSampling.setSelected(true);
        showSampling.setMinWidth(Region.USE_PREF_SIZE);
        showSampling.selectedProperty().addListener((obs, was, now) -> {
            if (now) {
                split.getItems().add(sampling);
                split.setDividerPosition(1, 0.75);
            } else {
                split.getItems().remove(sampling);
            }
        });
        Label systemLabel = new Label("System");
        systemLabel.setMinWidth(Region.USE_PREF_SIZE);
        Label systemIgnored = new Label("not used: this model's chat template has no system prompt");
        systemIgnored.setId("system-ignored");
        systemIgnored.getStyleClass().add("warning");
        systemIgnored.setMinWidth(Region.USE_PREF_SIZE);
        systemIgnored.visibleProperty().bind(vm.systemPromptIgnoredProperty());
        systemIgnored.managedProperty().bind(systemIgnored.visibleProperty());
        HBox top = new HBox(8, systemLabel, systemPrompt, systemIgnored, showSampling);
        top.setAlignment(Pos.CENTER_LEFT);
        top.getStyleClass().add("system-bar");

        messages.getStyleClass().add("messages");
        messages.setFillWidth(true);
        scroller.setId("messages");
        scroller.setFitToWidth(true);
        // Follow a streaming answer while the view is at the bottom; leave it alone if the user scrolled up.
        messages.heightProperty().addListener((obs, old, now) -> {
            if (scroller.getVvalue() > 0.98 || vm.generatingProperty().get()) scroller.setVvalue(1.0);
        });

        TextArea input = new TextArea();
        input.setId("chat-input");
        input.setPromptText("Write a message… (Ctrl+Enter sends, Esc stops)");
        input.setWrapText(true);
        input.setPrefRowCount(3);
        input.textProperty().bindBidirectional(vm.inputProperty());
        // An answer starting (Send, Regenerate, an edited question) leaves the keyboard here, ready for the next
        // question and for Esc, not on whatever control follows a button that hides while it streams.
        vm.generatingProperty().addListener((obs, was, now) -> {
            // Later: the click that started it (Regenerate) is still being delivered, and the messages pane takes focus on it.
            if (now && input.getScene() != null) javafx.application.Platform.runLater(input::requestFocus);
        });
        input.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ENTER && e.isShortcutDown()) {
                vm.send();
                e.consume();
            }
        });
        Button send = new Button("Send");
        send.setId("send");
        send.setDefaultButton(false);
        send.disableProperty().bind(vm.canSendProperty().not());
        send.setOnAction(e -> vm.send());
        Button stop = new Button("Stop");
        stop.setId("stop");
        stop.disableProperty().bind(vm.generatingProperty().not());
        stop.setOnAction(e -> vm.stop());
        Label hint = new Label();
        hint.getStyleClass().add("hint");
        hint.textProperty().bind(Bindings.when(vm.generatingProperty()).then("Generating… Esc stops")
                .otherwise(Bindings.when(vm.modelReadyProperty()).then("")
                        .otherwise("No model loaded yet: the demo model loads on start, or choose one on the Model screen.")));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox buttons = new HBox(8, hint, spacer, stop, send);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        VBox bottom = new VBox(6, input, buttons, contextRow());
        bottom.getStyleClass().add("input-bar");

        BorderPane pane = new BorderPane(scroller);
        pane.setTop(top);
        pane.setBottom(bottom);
        return pane;
    }

    /** How full the context is, and what happens when it is full. */
    private Node contextRow() {
        ProgressBar meter = new ProgressBar();
        meter.setId("context-meter");
        meter.setPrefWidth(120);
        meter.setMinWidth(40);
        meter.progressProperty().bind(Bindings.createDoubleBinding(() -> vm.contextLengthProperty().get() == 0 ? 0
                : Math.min(1.0, vm.contextUsedProperty().get() / (double) vm.contextLengthProperty().get()),
                vm.contextUsedProperty(), vm.contextLengthProperty()));
        Label used = new Label();
        used.setId("context-label");
        used.getStyleClass().add("hint");
        used.textProperty().bind(Bindings.createStringBinding(() -> vm.contextLengthProperty().get() == 0 ? "Context: no model"
                : String.format(java.util.Locale.ROOT, "%,d / %,d tokens", vm.contextUsedProperty().get(), vm.contextLengthProperty().get()),
                vm.contextUsedProperty(), vm.contextLengthProperty()));
        used.setMinWidth(Region.USE_PREF_SIZE);
        used.setTooltip(new Tooltip("How much of the model's context this conversation takes"));
        ChoiceBox<ContextPolicy> policy = new ChoiceBox<>(FXCollections.observableArrayList(ContextPolicy.values()));
        policy.setId("context-policy");
        policy.valueProperty().bindBidirectional(vm.contextPolicyProperty());
        policy.setTooltip(new Tooltip("Stop: refuse to answer once the conversation fills the context.\n"
                + "Rolling window: keep the system prompt and the latest turns, leaving out the oldest (a notice says so)."));
        policy.setMinWidth(Region.USE_PREF_SIZE);
        HBox gauge = new HBox(8, meter, used);
        gauge.setAlignment(Pos.CENTER_LEFT);
        // Side by side when there is room, the policy below the meter in a narrow window.
        FlowPane row = new FlowPane(16, 4, gauge, policy);
        row.setAlignment(Pos.CENTER_LEFT);
        row.prefWrapLengthProperty().bind(row.widthProperty());
        return row;
    }

    private Node samplingPane() {
        ScrollPane form = new ScrollPane(new SamplingForm(vm.sampling()).node());
        form.setId("sampling");
        form.setFitToWidth(true);
        form.getStyleClass().add("edge-to-edge");
        VBox.setVgrow(form, Priority.ALWAYS);
        Label title = new Label("Sampling");
        title.getStyleClass().add("section-title");
        Label hint = new Label("Also the defaults in Preferences. Hover a name for what it does.");
        hint.getStyleClass().add("hint");
        hint.setWrapText(true);
        VBox box = new VBox(6, title, hint, form);
        box.getStyleClass().add("side-pane");
        box.setMinWidth(220);
        return box;
    }

    private void showConversation(ConversationViewModel conversation) {
        if (shown != null) {
            shown.messages().removeListener(messagesChanged);
            systemPrompt.textProperty().unbindBidirectional(shown.systemPromptProperty());
        }
        shown = conversation;
        systemPrompt.setText("");
        if (conversation != null) {
            conversation.messages().addListener(messagesChanged);
            systemPrompt.textProperty().bindBidirectional(conversation.systemPromptProperty());
        }
        systemPrompt.setDisable(conversation == null);
        showMessages();
    }

    /** Rebuilds the bubbles when messages are added or removed (text changes update in place). */
    private void showMessages() {
        messages.getChildren().clear();
        if (shown == null) {
            Label empty = new Label("Start a new chat: write a message below and press Ctrl+Enter.");
            empty.getStyleClass().add("hint");
            messages.getChildren().add(empty);
            return;
        }
        ObservableList<MessageViewModel> list = shown.messages();
        for (MessageViewModel m : list) {
            var isLast = Bindings.createBooleanBinding(() -> !list.isEmpty() && list.getLast() == m, list);
            messages.getChildren().add(new MessageView(vm, m, isLast).node());
        }
        scroller.setVvalue(1.0);
    }

}
