package tandem.app.monitor;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.StackedAreaChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import tandem.app.ui.DeviceColors;
import tandem.app.ui.Sizes;
import tandem.engine.runtime.DeviceMetrics;

/**
 * The Monitor screen: utilisation per device, compute against interconnect time per token,
 * tokens per second, and memory per device, over the last minute of generation. Charts have no
 * animation and no symbols (both cost more than the data at 10 Hz); hovering shows the values.
 */
public final class MonitorView {
    private final MonitorViewModel vm;
    private final VBox root = new VBox(10);
    private final NumberAxis utilTime = timeAxis();
    private final NumberAxis costTime = timeAxis();
    private final NumberAxis speedTime = timeAxis();
    private final LineChart<Number, Number> utilisation = new LineChart<>(utilTime, new NumberAxis(0, 100, 25));
    private final StackedAreaChart<Number, Number> cost = new StackedAreaChart<>(costTime, new NumberAxis());
    private final LineChart<Number, Number> speed = new LineChart<>(speedTime, new NumberAxis());
    private final XYChart.Series<Number, Number> compute = named("compute");
    private final XYChart.Series<Number, Number> interconnect = named("interconnect (all-reduce)");
    private final XYChart.Series<Number, Number> tokensPerSecond = named("tokens/s");
    private final Map<Integer, XYChart.Series<Number, Number>> deviceSeries = new HashMap<>();
    private final VBox memory = new VBox(6);
    private final Label summary = new Label("Idle. The charts fill while an answer is generated and keep the last minute.");

    public MonitorView(MonitorViewModel vm) {
        this.vm = vm;
        root.getStyleClass().addAll("screen", "monitor-screen");
        Label title = new Label("Monitor");
        title.getStyleClass().add("screen-title");
        summary.setId("monitor-summary");
        summary.getStyleClass().add("hint");

        style(utilisation, "Utilisation per device (%)");
        utilisation.getStyleClass().add("utilisation");
        style(cost, "Time per token (µs): compute vs interconnect");
        style(speed, "Decode speed (tokens/s)");
        cost.getData().addAll(List.of(compute, interconnect));
        speed.getData().add(tokensPerSecond);
        speed.setLegendVisible(false);
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
        grid.add(utilisation, 0, 0);
        grid.add(cost, 1, 0);
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

        vm.samples().forEach(this::append);
        vm.samples().addListener((ListChangeListener<MonitorSample>) c -> {
            while (c.next()) {
                if (c.wasAdded()) c.getAddedSubList().forEach(this::append);
            }
            dropOlderThanWindow();
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

    private static XYChart.Series<Number, Number> named(String name) {
        XYChart.Series<Number, Number> s = new XYChart.Series<>();
        s.setName(name);
        return s;
    }

    private static void style(XYChart<Number, Number> chart, String title) {
        chart.setTitle(title);
        chart.setAnimated(false);
        chart.getXAxis().setAnimated(false);
        chart.getYAxis().setAnimated(false);
        if (chart instanceof LineChart<Number, Number> line) line.setCreateSymbols(false);
        if (chart instanceof StackedAreaChart<Number, Number> area) area.setCreateSymbols(false);
        chart.setMinSize(200, 160);
    }

    private void append(MonitorSample s) {
        for (DeviceMetrics d : s.devices()) {
            XYChart.Series<Number, Number> series = deviceSeries.computeIfAbsent(d.device(), k -> addDeviceSeries(d));
            series.getData().add(new XYChart.Data<>(s.seconds(), d.busyFraction() * 100));
        }
        compute.getData().add(new XYChart.Data<>(s.seconds(), s.computeMicrosPerToken()));
        interconnect.getData().add(new XYChart.Data<>(s.seconds(), s.interconnectMicrosPerToken()));
        tokensPerSecond.getData().add(new XYChart.Data<>(s.seconds(), s.tokensPerSecond()));
        double upper = Math.max(MonitorViewModel.WINDOW_SECONDS, Math.ceil(s.seconds()));
        for (NumberAxis axis : List.of(utilTime, costTime, speedTime)) {
            axis.setUpperBound(upper);
            axis.setLowerBound(upper - MonitorViewModel.WINDOW_SECONDS);
        }
    }

    private XYChart.Series<Number, Number> addDeviceSeries(DeviceMetrics d) {
        // Series colours come from tandem.css (.utilisation .default-colorN), matching DeviceColors in
        // order, so the legend and the line agree.
        XYChart.Series<Number, Number> series = named(label(d));
        utilisation.getData().add(series);
        return series;
    }

    private void dropOlderThanWindow() {
        if (vm.samples().isEmpty()) return;
        double oldest = vm.samples().getFirst().seconds();
        for (XYChart<Number, Number> chart : List.of(utilisation, cost, speed)) {
            for (XYChart.Series<Number, Number> series : chart.getData()) {
                int expired = 0;
                while (expired < series.getData().size() && series.getData().get(expired).getXValue().doubleValue() < oldest) expired++;
                if (expired > 0) series.getData().remove(0, expired);
            }
        }
    }

    private void showLatest(MonitorSample s) {
        summary.setText(s.summary());
        memory.getChildren().clear();
        for (DeviceMetrics d : s.devices()) memory.getChildren().add(memoryRow(d));
    }

    /** "0 · llvmpipe": logical devices on one GPU share its name, so the index tells them apart. */
    private static String label(DeviceMetrics d) {
        return d.device() + " · " + d.name();
    }

    private static Node memoryRow(DeviceMetrics d) {
        ProgressBar bar = new ProgressBar(d.vramTotalBytes() <= 0 ? 0 : (double) d.vramUsedBytes() / d.vramTotalBytes());
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.setStyle("-fx-accent: " + DeviceColors.css(d.device()) + ";");
        HBox.setHgrow(bar, Priority.ALWAYS);
        Label name = new Label(label(d));
        name.setMinWidth(140);
        Label used = new Label(Sizes.bytes(d.vramUsedBytes()) + " / " + Sizes.bytes(d.vramTotalBytes()));
        HBox row = new HBox(8, name, bar, used);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

}
