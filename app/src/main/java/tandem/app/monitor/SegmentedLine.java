package tandem.app.monitor;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
import javafx.scene.paint.Color;
import tandem.app.ui.DeviceColors;

/**
 * One named line on a chart, in one colour, drawn as separate segments where the data has gaps:
 * the monitor samples only while an answer is generated, and a line drawn straight across an
 * idle minute would show activity that never happened.
 */
final class SegmentedLine {
    /** Samples further apart than this (the poll runs at 10 Hz) belong to different segments. */
    static final double GAP_SECONDS = 1.0;

    private final LineChart<Number, Number> chart;
    private final String name;
    private final Color colour;
    private final List<XYChart.Series<Number, Number>> segments = new ArrayList<>();
    private double lastX = Double.NEGATIVE_INFINITY;

    SegmentedLine(LineChart<Number, Number> chart, String name, Color colour) {
        this.chart = chart;
        this.name = name;
        this.colour = colour;
    }

    String name() { return name; }

    Color colour() { return colour; }

    void add(double x, double y) {
        if (segments.isEmpty() || x - lastX > GAP_SECONDS) startSegment();
        segments.getLast().getData().add(new XYChart.Data<>(x, y));
        lastX = x;
    }

    /** Forgets points left of x, and segments that become empty. */
    void dropBefore(double x) {
        for (var it = segments.iterator(); it.hasNext(); ) {
            XYChart.Series<Number, Number> segment = it.next();
            var data = segment.getData();
            int expired = 0;
            while (expired < data.size() && data.get(expired).getXValue().doubleValue() < x) expired++;
            if (expired == data.size()) {
                chart.getData().remove(segment);
                it.remove();
            } else if (expired > 0) {
                data.remove(0, expired);
            }
        }
    }

    /** Takes the line off the chart. */
    void remove() {
        chart.getData().removeAll(segments);
        segments.clear();
        lastX = Double.NEGATIVE_INFINITY;
    }

    int segmentCount() { return segments.size(); }

    private void startSegment() {
        XYChart.Series<Number, Number> segment = new XYChart.Series<>();
        segment.setName(name);
        chart.getData().add(segment);
        // The chart made the segment's path just now; its colour is set here, not by the chart's palette.
        segment.getNode().setStyle("-fx-stroke: " + DeviceColors.css(colour) + ";");
        segments.add(segment);
    }
}
