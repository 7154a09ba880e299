package tandem.app.server;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import tandem.app.remote.RemoteViewModel;
import tandem.app.ui.Widgets;
import tandem.engine.api.ServedRequest;

/**
 * The Server screen: the switch that serves the loaded model through the OpenAI API (port, API
 * key, the base URL to copy, a log of requests), and a remote engine for the chat to use instead.
 */
public final class ServerView {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final ServerViewModel server;
    private final RemoteViewModel remote;
    private final VBox root = new VBox(12);

    public ServerView(ServerViewModel server, RemoteViewModel remote) {
        this.server = server;
        this.remote = remote;
        root.getStyleClass().addAll("screen", "server-screen");
        Label title = new Label("Server");
        title.getStyleClass().add("screen-title");
        root.getChildren().addAll(title, serveSection(), new Separator(), remoteSection());
    }

    public Node node() {
        ScrollPane scroll = new ScrollPane(root);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("screen-scroll");
        return scroll;
    }

    private Node serveSection() {
        Label heading = section("Serve the loaded model");
        Label explain = hint("Editors, agents, scripts and the OpenAI SDKs on this computer can use the model the chat has "
                + "loaded, through the OpenAI API. Requests take turns with the chat.");
        ToggleButton serving = new ToggleButton();
        serving.setId("server-switch");
        serving.textProperty().bind(Bindings.when(server.runningProperty()).then("Serving: on").otherwise("Serving: off"));
        serving.disableProperty().bind(server.runningProperty().not().and(server.canStartProperty().not()));
        // the switch shows what is, not what was clicked: a start that fails leaves it off
        serving.setOnAction(e -> {
            if (server.runningProperty().get()) server.stop();
            else server.start();
            serving.setSelected(server.runningProperty().get());
        });
        server.runningProperty().addListener((obs, old, now) -> serving.setSelected(now));
        Spinner<Integer> port = new Spinner<>(0, 65535, server.portProperty().get());
        port.setId("server-port");
        port.setEditable(true);
        port.setPrefWidth(100);
        port.getValueFactory().valueProperty().addListener((obs, old, now) -> server.portProperty().set(now == null ? 0 : now));
        port.disableProperty().bind(server.runningProperty());
        TextField key = new TextField();
        key.setId("server-key");
        key.setPromptText("none: only this computer can connect");
        key.setPrefColumnCount(18);
        key.textProperty().bindBidirectional(server.apiKeyProperty());
        key.disableProperty().bind(server.runningProperty());
        HBox controls = row(serving, new Label("Port"), port, new Label("API key"), key);

        TextField url = new TextField();
        url.setId("server-url");
        url.setEditable(false);
        url.setPrefColumnCount(26);
        url.textProperty().bind(server.baseUrlProperty());
        Button copy = new Button("Copy");
        copy.setId("server-copy");
        copy.disableProperty().bind(server.runningProperty().not());
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(server.baseUrlProperty().get());
            Clipboard.getSystemClipboard().setContent(content);
        });
        Label model = new Label();
        model.getStyleClass().add("hint");
        model.textProperty().bind(Bindings.createStringBinding(() -> server.runningProperty().get()
                ? "model \"" + server.servedModelProperty().get() + "\"" : server.canStartProperty().get() ? "" : "Load a model first.",
                server.runningProperty(), server.servedModelProperty(), server.canStartProperty()));
        HBox address = row(new Label("Base URL"), url, copy, model);
        Label problem = Widgets.message("server-problem", "error", server.problemProperty());
        return new VBox(8, heading, explain, controls, address, problem, requestLog());
    }

    private Node requestLog() {
        TableView<ServedRequest> table = new TableView<>(server.log());
        table.setId("server-log");
        table.setPlaceholder(new Label("Requests appear here."));
        table.setPrefHeight(180);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(column("Time", r -> TIME.format(Instant.ofEpochMilli(r.endedMillis()))));
        table.getColumns().add(column("Endpoint", ServedRequest::path));
        table.getColumns().add(column("Prompt", r -> Integer.toString(r.promptTokens())));
        table.getColumns().add(column("Generated", r -> Integer.toString(r.generatedTokens())));
        table.getColumns().add(column("Tokens/s", r -> String.format(Locale.ROOT, "%.1f", r.tokensPerSecond())));
        table.getColumns().add(column("Seconds", r -> String.format(Locale.ROOT, "%.2f", r.seconds())));
        table.getColumns().add(column("Outcome", ServedRequest::outcome));
        return table;
    }

    private static TableColumn<ServedRequest, String> column(String name, Function<ServedRequest, String> value) {
        TableColumn<ServedRequest, String> c = new TableColumn<>(name);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setSortable(false);
        return c;
    }

    private Node remoteSection() {
        Label heading = section("Remote engine");
        Label explain = hint("Chat with a model served elsewhere (vLLM, llama.cpp's server, another Tandem): give its base URL, "
                + "connect, pick its model. Its server owns its GPUs; tokens/s and time to first token are measured here.");
        TextField url = new TextField();
        url.setId("remote-url");
        url.setPrefColumnCount(26);
        url.textProperty().bindBidirectional(remote.urlProperty());
        TextField key = new TextField();
        key.setId("remote-key");
        key.setPromptText("API key, if it needs one");
        key.setPrefColumnCount(16);
        key.textProperty().bindBidirectional(remote.apiKeyProperty());
        Button connect = new Button("Connect");
        connect.setId("remote-connect");
        connect.disableProperty().bind(remote.connectingProperty());
        connect.setOnAction(e -> remote.connect());
        HBox where = row(new Label("Base URL"), url, key, connect);

        ComboBox<String> model = new ComboBox<>(remote.models());
        model.setId("remote-model");
        model.setPromptText("Connect to list its models");
        model.valueProperty().bindBidirectional(remote.chosenModelProperty());
        Button use = new Button("Use for chat");
        use.setId("remote-use");
        use.disableProperty().bind(remote.canUseProperty().not());
        use.setOnAction(e -> remote.use());
        Button local = new Button("Back to the local model");
        local.setId("remote-disconnect");
        local.visibleProperty().bind(remote.activeProperty().isNotNull());
        local.managedProperty().bind(local.visibleProperty());
        local.setOnAction(e -> remote.disconnect());
        HBox choose = row(new Label("Model"), model, use, local);
        Label status = Widgets.message("remote-status", "banner", Bindings.createStringBinding(() -> remote.activeProperty().get() == null
                ? "" : "The chat answers from " + remote.activeProperty().get().describe() + ".", remote.activeProperty()));
        Label problem = Widgets.message("remote-problem", "error", remote.problemProperty());
        return new VBox(8, heading, explain, where, choose, status, problem);
    }

    private static HBox row(Node... nodes) {
        HBox row = new HBox(10, nodes);
        row.setAlignment(Pos.CENTER_LEFT);
        for (Node n : nodes) if (n instanceof TextField) HBox.setHgrow(n, Priority.SOMETIMES);
        return row;
    }

    private static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("section-title");
        return l;
    }

    private static Label hint(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("hint");
        l.setWrapText(true);
        return l;
    }
}
