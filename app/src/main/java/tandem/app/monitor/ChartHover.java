package tandem.app.monitor;

import java.util.Locale;
import java.util.function.DoubleFunction;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;

/**
 * Shows the values under the mouse in a chart drawn without symbols: the point of each series
 * nearest to the pointer's time, in a tooltip that follows the mouse.
 */
final class ChartHover {
    private ChartHover() {}

    static void install(XYChart<Number, Number> chart, DoubleFunction<String> format) {
        Tooltip tip = new Tooltip();
        NumberAxis xAxis = (NumberAxis) chart.getXAxis();
        chart.addEventHandler(MouseEvent.MOUSE_MOVED, e -> {
            double x = xAxis.sceneToLocal(e.getSceneX(), e.getSceneY()).getX();
            if (x < 0 || x > xAxis.getWidth()) {
                tip.hide();
                return;
            }
            double time = xAxis.getValueForDisplay(x).doubleValue();
            String text = describe(chart, time, format);
            if (text.isEmpty()) {
                tip.hide();
                return;
            }
            tip.setText(text);
            tip.show(chart, e.getScreenX() + 14, e.getScreenY() + 14);
        });
        chart.addEventHandler(MouseEvent.MOUSE_EXITED, e -> tip.hide());
    }

    static String describe(XYChart<Number, Number> chart, double time, DoubleFunction<String> format) {
        StringBuilder text = new StringBuilder();
        for (XYChart.Series<Number, Number> series : chart.getData()) {
            XYChart.Data<Number, Number> nearest = null;
            for (XYChart.Data<Number, Number> d : series.getData()) {
                if (nearest == null || Math.abs(d.getXValue().doubleValue() - time) < Math.abs(nearest.getXValue().doubleValue() - time)) {
                    nearest = d;
                }
            }
            // Lines are drawn in segments: only the segment running at that time has a value there.
            if (nearest == null || Math.abs(nearest.getXValue().doubleValue() - time) > SegmentedLine.GAP_SECONDS) continue;
            if (text.isEmpty()) text.append(String.format(Locale.ROOT, "t = %.1f s", nearest.getXValue().doubleValue()));
            text.append('\n').append(series.getName()).append(": ").append(format.apply(nearest.getYValue().doubleValue()));
        }
        return text.toString();
    }
}
