package tandem.app.devices;

import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import tandem.app.ui.DeviceColors;
import tandem.app.ui.Sizes;
import tandem.app.ui.Widgets;
import tandem.engine.api.DeviceInfo;

/** The Devices screen: one card per Vulkan device with its facts and the user's choice for it. */
public final class DevicesView {
    private final DevicesViewModel vm;
    private final VBox root = new VBox(12);
    private final FlowPane cards = new FlowPane(12, 12);

    public DevicesView(DevicesViewModel vm) {
        this.vm = vm;
        root.getStyleClass().addAll("screen", "devices-screen");
        Label title = new Label("Devices");
        title.getStyleClass().add("screen-title");
        Button refresh = new Button("Refresh");
        refresh.setId("refresh-devices");
        refresh.disableProperty().bind(vm.refreshingProperty());
        refresh.setOnAction(e -> vm.refresh());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox top = new HBox(10, title, spacer, refresh);
        top.setAlignment(Pos.CENTER_LEFT);

        Label banner = Widgets.message("devices-banner", "banner", vm.bannerProperty());

        Label hint = new Label("Included devices share the model on the Split screen. With none included, the CPU engine runs it.");
        hint.getStyleClass().add("hint");
        hint.setWrapText(true);

        ScrollPane scroll = new ScrollPane(cards);
        scroll.setFitToWidth(true);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        root.getChildren().addAll(top, banner, hint, scroll);
        vm.devices().addListener((ListChangeListener<DeviceEntry>) c -> {
            boolean structural = false;
            while (c.next()) structural |= c.wasAdded() || c.wasRemoved() || c.wasPermutated();
            if (structural) showCards();
        });
        showCards();
    }

    public Node node() { return root; }

    private void showCards() {
        cards.getChildren().clear();
        for (DeviceEntry entry : vm.devices()) cards.getChildren().add(card(entry));
        cards.getChildren().add(cpuCard());
    }

    private Node card(DeviceEntry entry) {
        DeviceInfo d = entry.info();
        CheckBox use = new CheckBox("Use");
        use.setId("use-device-" + d.index());
        use.selectedProperty().bindBidirectional(entry.includedProperty());
        Spinner<Integer> instances = new Spinner<>(1, DeviceEntry.MAX_INSTANCES, entry.instancesProperty().get());
        instances.setId("instances-device-" + d.index());
        instances.setPrefWidth(70);
        instances.getValueFactory().valueProperty().addListener((obs, old, now) -> entry.instancesProperty().set(now));
        entry.instancesProperty().addListener((obs, old, now) -> instances.getValueFactory().setValue(now.intValue()));
        instances.disableProperty().bind(entry.includedProperty().not());
        Label asLabel = new Label("as logical devices");
        Tooltip.install(instances, new Tooltip("Use this GPU as several devices, e.g. to try tensor split on one GPU"));
        HBox choice = new HBox(8, use, instances, asLabel);
        choice.setAlignment(Pos.CENTER_LEFT);

        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(2);
        int row = 0;
        row = fact(grid, row, "Vendor", d.vendor());
        row = fact(grid, row, "Type", d.type());
        row = fact(grid, row, "Driver", d.driver());
        row = fact(grid, row, "VRAM", Sizes.bytes(d.vramTotal()) + " total, " + Sizes.bytes(d.vramFree()) + " free");
        row = fact(grid, row, "Subgroup", Integer.toString(d.subgroupSize()));
        fact(grid, row, "Features", d.features().isEmpty() ? "—" : String.join(", ", d.features()));
        VBox card = cardFrame(d.index(), "GPU" + d.index() + " · " + d.name(), grid, choice);
        if ("cpu".equalsIgnoreCase(d.type())) {
            Label software = new Label("A software Vulkan driver running on the CPU: slower than the CPU engine, "
                    + "but handy for trying the split with several logical devices.");
            software.getStyleClass().add("hint");
            software.setWrapText(true);
            card.getChildren().add(software);
        }
        card.pseudoClassStateChanged(EXCLUDED, !entry.isIncluded());
        entry.includedProperty().addListener((obs, was, now) -> card.pseudoClassStateChanged(EXCLUDED, !now));
        return card;
    }

    private Node cpuCard() {
        Label text = new Label("Tandem's reference engine in plain Java. Runs the model when no GPU is included.");
        text.setWrapText(true);
        Label state = new Label();
        state.setId("cpu-engine-state");
        state.getStyleClass().add("section-title");
        state.textProperty().bind(javafx.beans.binding.Bindings.when(javafx.beans.binding.Bindings.isEmpty(vm.logicalDevices()))
                .then("In use").otherwise("Not in use: a GPU is included"));
        return cardFrame(-1, "CPU engine", text, state);
    }

    private static VBox cardFrame(int colourIndex, String name, Node... body) {
        Region swatch = Widgets.swatch(DeviceColors.of(colourIndex));
        Label title = new Label(name);
        title.getStyleClass().add("card-title");
        title.setWrapText(true);
        HBox head = new HBox(8, swatch, title);
        head.setAlignment(Pos.CENTER_LEFT);
        VBox card = new VBox(8, head);
        card.getChildren().addAll(body);
        card.getStyleClass().add("card");
        card.setPrefWidth(340);
        return card;
    }

    private static int fact(GridPane grid, int row, String name, String value) {
        return Widgets.fact(grid, row, name, value, CARD_VALUE_WIDTH);
    }

    /** Values wrap inside the 340 px card beside their names. */
    private static final double CARD_VALUE_WIDTH = 240;
    private static final javafx.css.PseudoClass EXCLUDED = javafx.css.PseudoClass.getPseudoClass("excluded");
}
