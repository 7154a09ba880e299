package tandem.app.monitor;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import tandem.app.ui.DeviceColors;
import tandem.app.ui.Sizes;
import tandem.app.ui.Widgets;
import tandem.engine.api.DeviceMetrics;

/**
 * The Monitor screen: utilisation per device, compute against interconnect time per token,
 * tokens per second, and memory per device, over the last minute of generation. Charts have no
 * animation and no symbols (both cost more than the data at 10 Hz); hovering shows the values.
 */
public final class MonitorView {
    /** Compute and interconnect apart at a glance (neither is a device colour of the palette's first four). */
    public static final Color COMPUTE = Color.web("#2e7d32");
    public static final Color INTERCONNECT = Color.web("#c62828");
    static final Color SPEED = Color.web("#6a1b9a");

    private final MonitorViewModel vm;
    private final VBox root = new VBox(10);
    private final NumberAxis utilTime = timeAxis();
    private final NumberAxis costTime = timeAxis();
    private final NumberAxis speedTime = timeAxis();
    private final LineChart<Number, Number> utilisation = new LineChart<>(utilTime, new NumberAxis(0, 100, 25));
    private final LineChart<Number, Number> cost = new LineChart<>(costTime, new NumberAxis());
    private final LineChart<Number, Number> speed = new LineChart<>(speedTime, new NumberAxis());
    private final SegmentedLine compute = new SegmentedLine(cost, "compute", COMPUTE);
    private final SegmentedLine interconnect = new SegmentedLine(cost, "interconnect (all-reduce)", INTERCONNECT);
    private final SegmentedLine tokensPerSecond = new SegmentedLine(speed, "tokens/s", SPEED);
    private final Map<Integer, SegmentedLine> deviceLines = new TreeMap<>();
    private final HBox deviceLegend = new HBox(12);
    private final VBox memory = new VBox(6);
    private static final String IDLE = "Idle. The charts fill while an answer is generated and keep the last minute.";
    private final Label summary = new Label(IDLE);

    public MonitorView(MonitorViewModel vm) {
        this.vm = vm;
        root.getStyleClass().addAll("screen", "monitor-screen");
        Label title = new Label("Monitor");
        title.getStyleClass().add("screen-title");
        summary.setId("monitor-summary");
        summary.getStyleClass().add("hint");

        style(utilisation, "Utilisation per device (%)");
        utilisation.getStyleClass().add("utilisation");
        style(cost, "Time per token (µs)");
        style(speed, "Decode speed (tokens/s)");
        // Lines are drawn in segments (gaps stay gaps), so the charts' own legends would repeat
        // entries: each chart gets one legend of its lines instead.
        for (LineChart<Number, Number> chart : List.of(utilisation, cost, speed)) chart.setLegendVisible(false);
        deviceLegend.setId("utilisation-legend");
        HBox costLegend = legend(List.of(compute, interconnect));
        costLegend.setId("cost-legend");
        ChartHover.install(utilisation, v -> String.format(Locale.ROOT, "%.0f %%", v));
        ChartHover.install(cost, v -> String.format(Locale.ROOT, "%.0f µs", v));
        ChartHover.install(speed, v -> String.format(Locale.ROOT, "%.1f tokens/s", v));

        Label memoryTitle = new Label("Memory per device");
        memoryTitle.getStyleClass().add("chart-title");
        VBox memoryBox = new VBox(8, memoryTitle, memory);
        memoryBox.getStyleClass().add("memory-box");

        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(10);
        grid.add(withLegend(utilisation, deviceLegend), 0, 0);
        grid.add(withLegend(cost, costLegend), 1, 0);
        grid.add(speed, 0, 1);
        grid.add(memoryBox, 1, 1);
        for (int i = 0; i < 2; i++) {
            ColumnConstraints c = new ColumnConstraints();
            c.setPercentWidth(50);
            grid.getColumnConstraints().add(c);
            RowConstraints r = new RowConstraints();
            r.setPercentHeight(50);
            r.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(r);
        }
        VBox.setVgrow(grid, Priority.ALWAYS);
        root.getChildren().addAll(title, summary, grid);

        vm.devices().addListener((ListChangeListener<ChartDevice>) c -> devicesChanged());
        devicesChanged();
        vm.samples().forEach(this::append);
        vm.samples().addListener((ListChangeListener<MonitorSample>) c -> {
            while (c.next()) {
                if (c.wasAdded()) c.getAddedSubList().forEach(this::append);
            }
            dropOlderThanWindow();
            if (vm.samples().isEmpty()) clearLines();
        });
        vm.latestProperty().addListener((obs, old, now) -> showLatest(now));
        if (vm.latestProperty().get() != null) showLatest(vm.latestProperty().get());
    }

    public Node node() { return root; }

    private static NumberAxis timeAxis() {
        NumberAxis axis = new NumberAxis(0, MonitorViewModel.WINDOW_SECONDS, 10);
        axis.setAutoRanging(false);
        axis.setLabel("seconds");
        return axis;
    }

    private static VBox withLegend(XYChart<Number, Number> chart, HBox legend) {
        VBox.setVgrow(chart, Priority.ALWAYS);
        legend.setAlignment(Pos.CENTER);
        return new VBox(2, chart, legend);
    }

    private static HBox legend(List<SegmentedLine> lines) {
        HBox legend = new HBox(12);
        fillLegend(legend, lines);
        return legend;
    }

    private static void fillLegend(HBox legend, List<SegmentedLine> lines) {
        legend.getChildren().setAll(lines.stream().map(line -> {
            Label entry = new Label(line.name(), Widgets.swatch(line.colour()));
            entry.getStyleClass().add("legend-entry");
            return (Node) entry;
        }).toList());
    }

    /** A reload brought other devices: their lines and legend replace the previous ones. */
    private void devicesChanged() {
        deviceLines.values().forEach(SegmentedLine::remove);
        deviceLines.clear();
        for (ChartDevice d : vm.devices()) deviceLines.put(d.device(), new SegmentedLine(utilisation, d.label(), d.colour()));
        fillLegend(deviceLegend, List.copyOf(deviceLines.values()));
    }

    private void clearLines() {
        deviceLines.values().forEach(SegmentedLine::remove);
        for (SegmentedLine line : List.of(compute, interconnect, tokensPerSecond)) line.remove();
    }

    private static void style(XYChart<Number, Number> chart, String title) {
        chart.setTitle(title);
        chart.setAnimated(false);
        chart.getXAxis().setAnimated(false);
        chart.getYAxis().setAnimated(false);
        if (chart instanceof LineChart<Number, Number> line) line.setCreateSymbols(false);
        chart.setMinSize(200, 160);
    }

    private void append(MonitorSample s) {
        // The axes move first: whatever happens to a line, time on the charts keeps running.
        double upper = Math.max(MonitorViewModel.WINDOW_SECONDS, Math.ceil(s.seconds()));
        for (NumberAxis axis : List.of(utilTime, costTime, speedTime)) {
            axis.setUpperBound(upper);
            axis.setLowerBound(upper - MonitorViewModel.WINDOW_SECONDS);
        }
        boolean newDevice = false;
        for (DeviceMetrics d : s.devices()) {
            SegmentedLine line = deviceLines.get(d.device());
            if (line == null) {
                ChartDevice chartDevice = vm.chartDevice(d);
                line = new SegmentedLine(utilisation, chartDevice.label(), chartDevice.colour());
                deviceLines.put(d.device(), line);
                newDevice = true;
            }
            line.add(s.seconds(), d.busyFraction() * 100);
        }
        if (newDevice) fillLegend(deviceLegend, List.copyOf(deviceLines.values()));
        compute.add(s.seconds(), s.computeMicrosPerToken());
        interconnect.add(s.seconds(), s.interconnectMicrosPerToken());
        tokensPerSecond.add(s.seconds(), s.tokensPerSecond());
    }

    private void dropOlderThanWindow() {
        if (vm.samples().isEmpty()) return;
        double oldest = vm.samples().getFirst().seconds();
        deviceLines.values().forEach(line -> line.dropBefore(oldest));
        for (SegmentedLine line : List.of(compute, interconnect, tokensPerSecond)) line.dropBefore(oldest);
    }

    private void showLatest(MonitorSample s) {
        memory.getChildren().clear();
        if (s == null) {
            summary.setText(IDLE);
            return;
        }
        summary.setText(s.summary());
        for (DeviceMetrics d : s.devices()) memory.getChildren().add(memoryRow(vm.chartDevice(d), d));
    }

    private static Node memoryRow(ChartDevice device, DeviceMetrics d) {
        ProgressBar bar = new ProgressBar(d.vramTotalBytes() <= 0 ? 0 : (double) d.vramUsedBytes() / d.vramTotalBytes());
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.setStyle("-fx-accent: " + DeviceColors.css(device.colour()) + ";");
        HBox.setHgrow(bar, Priority.ALWAYS);
        Label name = new Label(device.label());
        name.setMinWidth(60);
        name.setPrefWidth(180);
        Label used = new Label(Sizes.bytes(d.vramUsedBytes()) + " / " + Sizes.bytes(d.vramTotalBytes()));
        used.setMinWidth(Region.USE_PREF_SIZE);
        HBox row = new HBox(8, name, bar, used);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

}
