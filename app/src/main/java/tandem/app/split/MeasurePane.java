package tandem.app.split;

import java.util.List;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import tandem.app.monitor.MonitorView;
import tandem.app.ui.DeviceColors;
import tandem.app.ui.Widgets;

/**
 * Measure's part of the Split screen: start and cancel, progress, each mode's tokens/s beside
 * every device's compute and interconnect time per token, the notes, and the winner to apply.
 */
final class MeasurePane {
    /** The longest time bar, in pixels: every bar of a measurement is drawn to one scale. */
    private static final double BAR_WIDTH = 260;

    private final MeasureViewModel vm;
    private final VBox root = new VBox(8);
    private final GridPane table = new GridPane();

    MeasurePane(MeasureViewModel vm) {
        this.vm = vm;
        Label title = new Label("Measure");
        title.getStyleClass().add("section-title");
        Label explain = new Label("Runs the model " + SplitTrial.WARM_UP_TOKENS + " + " + SplitTrial.MEASURED_TOKENS
                + " tokens in tensor, layer and none split on the devices above (each loaded for the test, then freed) "
                + "and shows which is fastest here.");
        explain.getStyleClass().add("hint");
        explain.setWrapText(true);
        table.getStyleClass().add("measure-table");
        table.setHgap(14);
        table.setVgap(4);
        vm.results().addListener((ListChangeListener<TrialResult>) c -> showResults());
        vm.winnerProperty().addListener((obs, old, now) -> showResults());
        Label problem = Widgets.message("measure-problem", "error", vm.problemProperty());
        root.getChildren().addAll(title, explain, controls(), winnerRow(), problem, table);
        root.getStyleClass().add("measure");
    }

    Node node() { return root; }

    private Node controls() {
        Button measure = new Button("Measure");
        measure.setId("measure-start");
        measure.disableProperty().bind(vm.canMeasureProperty().not());
        measure.setOnAction(e -> vm.start());
        Button cancel = new Button("Cancel");
        cancel.setId("measure-cancel");
        cancel.visibleProperty().bind(vm.runningProperty());
        cancel.managedProperty().bind(cancel.visibleProperty());
        cancel.setOnAction(e -> vm.cancel());
        ProgressBar progress = new ProgressBar();
        progress.setId("measure-progress");
        progress.progressProperty().bind(vm.progressProperty());
        progress.visibleProperty().bind(vm.runningProperty());
        progress.managedProperty().bind(progress.visibleProperty());
        Label stage = new Label();
        stage.getStyleClass().add("hint");
        stage.textProperty().bind(Bindings.createStringBinding(() -> {
            if (vm.runningProperty().get()) return vm.stageProperty().get();
            return vm.canMeasureProperty().get() || vm.runningProperty().get() ? ""
                    : "Include two or more devices on the Devices screen (one GPU may count twice) to compare splits.";
        }, vm.runningProperty(), vm.stageProperty(), vm.canMeasureProperty()));
        HBox row = new HBox(10, measure, cancel, progress, stage);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private Node winnerRow() {
        Label verdict = Widgets.message("measure-verdict", "measure-verdict", vm.verdictProperty());
        verdict.setWrapText(true);
        Button apply = new Button();
        apply.setId("measure-apply");
        apply.textProperty().bind(Bindings.createStringBinding(() -> vm.winnerProperty().get() == null ? ""
                : "Use " + SplitNotes.name(vm.winnerProperty().get()).toLowerCase(Locale.ROOT) + " and load", vm.winnerProperty()));
        apply.visibleProperty().bind(vm.winnerProperty().isNotNull());
        apply.managedProperty().bind(apply.visibleProperty());
        apply.setOnAction(e -> vm.applyWinner());
        apply.setMinWidth(Region.USE_PREF_SIZE);
        HBox row = new HBox(10, apply, verdict);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private void showResults() {
        table.getChildren().clear();
        List<TrialResult> results = vm.results();
        if (results.isEmpty()) return;
        double longest = results.stream().flatMap(r -> r.devices().stream()).mapToDouble(DeviceTime::totalMicros).max().orElse(1);
        table.addRow(0, header("Mode"), header("Tokens/s"), header("Time per token on each device: compute + interconnect"));
        int row = 1;
        for (TrialResult r : results) {
            String id = r.mode().name().toLowerCase(Locale.ROOT);
            Label mode = new Label(SplitNotes.name(r));
            mode.setMinWidth(Region.USE_PREF_SIZE);
            if (r == vm.winnerProperty().get()) mode.getStyleClass().add("measure-winner");
            Label speed = new Label(r.ok() ? String.format(Locale.ROOT, "%.1f", r.tokensPerSecond()) : "—");
            speed.setId("measure-tps-" + id);
            speed.setMinWidth(Region.USE_PREF_SIZE);
            VBox devices = new VBox(3);
            if (r.ok()) {
                r.devices().forEach(d -> devices.getChildren().add(deviceBar(d, longest)));
            } else {
                Label why = new Label(r.problem());
                why.getStyleClass().add("error");
                why.setWrapText(true);
                devices.getChildren().add(why);
            }
            table.addRow(row++, mode, speed, devices);
            if (!r.notes().isEmpty()) {
                Label notes = new Label(String.join("\n", r.notes()));
                notes.setId("measure-notes-" + id);
                notes.getStyleClass().add("hint");
                notes.setWrapText(true);
                notes.setMaxWidth(720);
                table.add(notes, 2, row++);
            }
        }
    }

    private static Node deviceBar(DeviceTime d, double longest) {
        Region compute = bar(MonitorView.COMPUTE, d.computeMicros() / longest);
        Region interconnect = bar(MonitorView.INTERCONNECT, d.interconnectMicros() / longest);
        Label text = new Label(d.label() + ": " + duration(d.computeMicros()) + " + " + duration(d.interconnectMicros()) + " ("
                + SplitNotes.percent(d.interconnectFraction()) + " interconnect)");
        text.getStyleClass().add("hint");
        HBox row = new HBox(0, compute, interconnect, gap(), text);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    /** "830 µs", "25.4 ms". */
    private static String duration(double micros) {
        return micros < 1000 ? String.format(Locale.ROOT, "%.0f µs", micros) : String.format(Locale.ROOT, "%.1f ms", micros / 1000);
    }

    private static Region bar(Color colour, double fraction) {
        Region r = new Region();
        double width = Math.max(0, fraction * BAR_WIDTH);
        r.setMinSize(width, 12);
        r.setPrefSize(width, 12);
        r.setMaxSize(width, 12);
        r.setStyle("-fx-background-color: " + DeviceColors.css(colour) + ";");
        return r;
    }

    private static Region gap() {
        Region r = new Region();
        r.setMinWidth(8);
        return r;
    }

    private static Label header(String text) {
        Label l = new Label(text);
        l.setMinWidth(Region.USE_PREF_SIZE);
        l.getStyleClass().add("fact-name");
        return l;
    }
}
