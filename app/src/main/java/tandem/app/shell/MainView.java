package tandem.app.shell;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.BooleanProperty;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.WindowEvent;
import tandem.app.AppContext;
import tandem.app.chat.ChatView;
import tandem.app.devices.DevicesView;
import tandem.app.model.ModelView;
import tandem.app.monitor.MonitorView;
import tandem.app.preferences.PreferencesView;
import tandem.app.remote.RemoteBanner;
import tandem.app.server.ServerView;
import tandem.app.settings.Theme;
import tandem.app.ui.Widgets;
import tandem.app.split.SplitView;

/**
 * The window's frame: navigation on the left, the current screen in the middle, the loaded
 * model and load progress on top, notices at the bottom. Screens are built on first visit.
 */
public final class MainView {
    private final AppContext app;
    private final BorderPane root = new BorderPane();
    private final StackPane content = new StackPane();
    private final Map<Screen, Node> built = new EnumMap<>(Screen.class);
    private final Map<Screen, Supplier<Node>> factories = new EnumMap<>(Screen.class);

    public MainView(AppContext app) {
        this.app = app;
        factories.put(Screen.CHAT, () -> new ChatView(app.chat()).node());
        factories.put(Screen.MODEL, () -> new ModelView(app.model(), app.split()).node());
        factories.put(Screen.DEVICES, () -> RemoteBanner.above(new DevicesView(app.devices()).node(), app.remote(), false));
        factories.put(Screen.SPLIT, () -> RemoteBanner.above(
                new SplitView(app.split(), app.model(), app.monitor(), app.measure()).node(), app.remote(), false));
        factories.put(Screen.MONITOR, () -> RemoteBanner.above(new MonitorView(app.monitor()).node(), app.remote(), true));
        factories.put(Screen.SERVER, () -> new ServerView(app.server(), app.remote()).node());
        factories.put(Screen.PREFERENCES, () -> new PreferencesView(app.preferences()).node());
        root.getStyleClass().add("main");
        root.setLeft(navigation());
        root.setTop(header());
        root.setCenter(content);
        root.setBottom(notices());
        content.getStyleClass().add("content");
        app.shell().screenProperty().addListener((obs, old, now) -> show(now));
        show(app.shell().screenProperty().get());
    }

    /** Builds the scene with the theme applied and the Ctrl+1..5 shortcuts installed. */
    public Scene createScene(double width, double height) {
        Scene scene = new Scene(root, width, height);
        scene.windowProperty().addListener((obs, old, window) -> {
            if (window != null) window.addEventHandler(WindowEvent.WINDOW_SHOWN, e -> Platform.runLater(this::focusInput));
        });
        applyTheme(scene, app.shell().themeProperty().get());
        app.shell().themeProperty().addListener((obs, old, now) -> applyTheme(scene, now));
        for (Screen s : Screen.values()) {
            scene.getAccelerators().put(new KeyCodeCombination(s.key(), KeyCombination.SHORTCUT_DOWN),
                    () -> app.shell().screenProperty().set(s));
        }
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN), () -> {
            app.chat().newConversation();
            app.shell().screenProperty().set(Screen.CHAT);
        });
        return scene;
    }

    private static void applyTheme(Scene scene, Theme theme) {
        scene.getStylesheets().setAll(
                MainView.class.getResource("/tandem/app/tandem.css").toExternalForm(),
                MainView.class.getResource("/tandem/app/" + theme.stylesheet()).toExternalForm());
    }

    private void show(Screen screen) {
        Node node = built.computeIfAbsent(screen, s -> factories.get(s).get());
        content.getChildren().setAll(node);
        Platform.runLater(this::focusInput);
    }

    /**
     * The chat is ready to type into whenever it is shown (the window's own initial focus would pick the nav);
     * another screen leaves the keyboard on its own navigation button, not on whichever one came first.
     */
    private void focusInput() {
        Node input = content.lookup("#chat-input");
        Node nav = root.lookup("#nav-" + app.shell().screenProperty().get().name().toLowerCase(java.util.Locale.ROOT));
        if (input != null) input.requestFocus();
        else if (nav != null) nav.requestFocus();
    }

    private Node navigation() {
        VBox nav = new VBox();
        nav.getStyleClass().add("nav");
        ToggleGroup group = new ToggleGroup();
        for (Screen s : Screen.values()) {
            ToggleButton button = new ToggleButton(s.title());
            button.setId("nav-" + s.name().toLowerCase());
            button.getStyleClass().add("nav-button");
            button.setMaxWidth(Double.MAX_VALUE);
            button.setToggleGroup(group);
            button.setTooltip(new Tooltip(s.title() + " (Ctrl+" + (s.ordinal() + 1) + ")"));
            button.setSelected(app.shell().screenProperty().get() == s);
            button.setOnAction(e -> {
                app.shell().screenProperty().set(s);
                button.setSelected(true); // a second click must not leave no screen selected
            });
            app.shell().screenProperty().addListener((obs, old, now) -> button.setSelected(now == s));
            nav.getChildren().add(button);
        }
        Region spacer = new Region();
        VBox.setVgrow(spacer, Priority.ALWAYS);
        Button theme = new Button();
        theme.setId("theme-toggle");
        theme.getStyleClass().add("nav-button");
        theme.setMaxWidth(Double.MAX_VALUE);
        theme.textProperty().bind(Bindings.createStringBinding(
                () -> app.shell().themeProperty().get() == Theme.LIGHT ? "Dark theme" : "Light theme", app.shell().themeProperty()));
        theme.setOnAction(e -> app.shell().toggleTheme());
        nav.getChildren().addAll(spacer, theme);
        return nav;
    }

    private Node header() {
        Label title = new Label("Tandem");
        title.getStyleClass().add("app-title");
        Label model = new Label();
        model.setId("model-status");
        model.getStyleClass().add("model-status");
        model.textProperty().bind(Bindings.createStringBinding(() -> app.remote().headerStatus(app.model().statusProperty().get()),
                app.model().statusProperty(), app.remote().activeProperty()));
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(app.model().progressProperty());
        progress.visibleProperty().bind(app.model().loadingProperty());
        progress.managedProperty().bind(progress.visibleProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(12, title, spacer, progress, model);
        header.setAlignment(Pos.CENTER_LEFT);
        header.getStyleClass().add("header");
        return header;
    }

    /** The notice bar: history or settings set aside, no model. Stays until read and closed. */
    private Node notices() {
        String settingsProblem = app.settings().loadProblem();
        BooleanProperty settingsRead = new SimpleBooleanProperty(settingsProblem == null);
        Label text = Widgets.message("notice", "notice-text", Bindings.createStringBinding(() -> {
            if (!app.chat().noticeProperty().get().isEmpty()) return app.chat().noticeProperty().get();
            return settingsRead.get() ? "" : settingsProblem;
        }, app.chat().noticeProperty(), settingsRead));
        HBox.setHgrow(text, Priority.ALWAYS);
        Button close = new Button("Close");
        close.setId("notice-close");
        close.setOnAction(e -> {
            if (!app.chat().noticeProperty().get().isEmpty()) app.chat().dismissNotice();
            else settingsRead.set(true);
        });
        HBox bar = new HBox(10, text, close);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("notice");
        bar.visibleProperty().bind(text.visibleProperty());
        bar.managedProperty().bind(bar.visibleProperty());
        return bar;
    }
}
