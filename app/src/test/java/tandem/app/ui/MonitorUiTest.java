package tandem.app.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.Scene;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import tandem.app.concurrent.AppExecutors;
import tandem.app.fakes.FakeModel;
import tandem.app.monitor.MonitorView;
import tandem.app.monitor.MonitorViewModel;
import tandem.engine.api.DeviceMetrics;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;
import tandem.engine.api.SplitMode;

/**
 * Issue 16, defect 4: the Monitor's charts across a reload (CPU, then one GPU used as two
 * logical devices), with an idle gap between answers.
 */
@ExtendWith(ApplicationExtension.class)
class MonitorUiTest {
    private final ReadOnlyObjectWrapper<LoadedModel> model = new ReadOnlyObjectWrapper<>();
    private MonitorViewModel vm;
    /** Lookups start here: windows of earlier UI tests in this JVM have a Monitor screen too. */
    private javafx.scene.Parent root;

    @Start
    void start(Stage stage) {
        model.set(modelOn(new DevicePlan(0, -1, "CPU (2 threads)", 1, 1, 1, 1, Long.MAX_VALUE)));
        vm = new MonitorViewModel(AppExecutors.direct(), model.getReadOnlyProperty(), new ReadOnlyBooleanWrapper().getReadOnlyProperty(), 0);
        root = (javafx.scene.Parent) new MonitorView(vm).node();
        stage.setScene(new Scene(root, 1000, 700));
        stage.show();
    }

    private static FakeModel modelOn(DevicePlan... devices) {
        FakeModel m = new FakeModel(1);
        m.loadPlan = new LoadPlan(devices.length > 1 ? SplitMode.TENSOR : SplitMode.NONE, 512, List.of(devices), List.of());
        return m;
    }

    private static MetricsSnapshot at(double seconds, int devices) {
        List<DeviceMetrics> metrics = new java.util.ArrayList<>();
        for (int d = 0; d < devices; d++) metrics.add(new DeviceMetrics(d, "llvmpipe", 0.5, 300, 100, (d + 1) * 1000L, 10_000));
        return new MetricsSnapshot((long) (seconds * 1e9), true, 50, (long) (seconds * 50), metrics);
    }

    @SuppressWarnings("unchecked")
    private LineChart<Number, Number> chart(FxRobot robot, String title) {
        return robot.from(root).lookup((javafx.scene.Node n) -> n instanceof LineChart<?, ?> c && title.equals(c.getTitle())).queryAs(LineChart.class);
    }

    private List<String> legend(FxRobot robot, String id) {
        return robot.from(root).lookup(id + " .legend-entry").queryAllAs(Label.class).stream().map(Label::getText).toList();
    }

    private static String stroke(XYChart.Series<Number, Number> s) {
        return s.getNode().getStyle();
    }

    @Test
    void chartsStayLiveAcrossAReloadGapsStayGapsAndEveryLineHasItsOwnColour(FxRobot robot) {
        robot.interact(() -> {
            for (int i = 0; i <= 20; i++) vm.accept(at(4 + i / 10.0, 1)); // an answer on the CPU
        });
        LineChart<Number, Number> utilisation = chart(robot, "Utilisation per device (%)");
        assertEquals(List.of("CPU (2 threads)"), legend(robot, "#utilisation-legend"));

        // The charts froze once the garbage collector took the read-only list the screen listened to.
        for (int i = 0; i < 3; i++) System.gc();

        // Reload onto one GPU used as two logical devices, then two answers 30 s apart.
        robot.interact(() -> {
            model.set(modelOn(new DevicePlan(0, 0, "llvmpipe", 0.5, 1, 1, 1, 1), new DevicePlan(1, 0, "llvmpipe", 0.5, 1, 1, 1, 1)));
            for (int i = 0; i <= 20; i++) vm.accept(at(70 + i / 10.0, 2));
            for (int i = 0; i <= 20; i++) vm.accept(at(100 + i / 10.0, 2));
        });

        assertEquals(List.of("0 · llvmpipe", "1 · llvmpipe"), legend(robot, "#utilisation-legend"), "the legend follows the reload");
        NumberAxis time = (NumberAxis) utilisation.getXAxis();
        assertEquals(102, time.getUpperBound(), 1e-9, "the time axis runs on after the reload");
        assertEquals(42, time.getLowerBound(), 1e-9);
        assertEquals(4, utilisation.getData().size(), "two devices × two answers: the idle gap is not bridged by a line");
        Set<String> deviceStrokes = new HashSet<>();
        utilisation.getData().forEach(s -> deviceStrokes.add(stroke(s)));
        assertEquals(2, deviceStrokes.size(), "the two logical halves of one GPU have different colours");

        LineChart<Number, Number> cost = chart(robot, "Time per token (µs)");
        assertEquals(List.of("compute", "interconnect (all-reduce)"), legend(robot, "#cost-legend"));
        String computeStroke = stroke(cost.getData().getFirst());
        assertTrue(cost.getData().stream().anyMatch(s -> !stroke(s).equals(computeStroke)), "interconnect differs from compute");
        assertTrue(deviceStrokes.stream().noneMatch(computeStroke::equals));

        String secondDevice = tandem.app.ui.Sizes.bytes(2000) + " / " + tandem.app.ui.Sizes.bytes(10_000);
        assertTrue(robot.from(root).lookup((javafx.scene.Node n) -> n instanceof Label l && secondDevice.equals(l.getText())).tryQuery().isPresent(),
                "memory shows what each device holds: " + secondDevice);
    }
}
