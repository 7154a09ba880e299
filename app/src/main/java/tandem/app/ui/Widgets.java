package tandem.app.ui;

import javafx.beans.value.ObservableValue;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;

/** Small building blocks the screens share. */
public final class Widgets {
    private Widgets() {}

    /**
     * A wrapping label for a message (warning, error, notice) that takes no room while the
     * message is empty.
     */
    public static Label message(String id, String styleClass, ObservableValue<String> text) {
        Label label = new Label();
        if (id != null) label.setId(id);
        label.getStyleClass().add(styleClass);
        label.setWrapText(true);
        label.setMaxWidth(Double.MAX_VALUE);
        label.textProperty().bind(text);
        label.visibleProperty().bind(label.textProperty().isNotEmpty());
        label.managedProperty().bind(label.visibleProperty());
        return label;
    }

    /**
     * Adds a "name  value" row of facts to a grid and returns the next row.
     *
     * @param maxWidth the value wraps beyond this width
     */
    public static int fact(GridPane grid, int row, String name, String value, double maxWidth) {
        Label n = new Label(name);
        n.getStyleClass().add("fact-name");
        Label v = new Label(value);
        v.getStyleClass().add("fact-value");
        v.setWrapText(true);
        v.setMaxWidth(maxWidth);
        grid.addRow(row, n, v);
        return row + 1;
    }

    /** A small square in a device's colour. */
    public static Region swatch(Color colour) {
        Region swatch = new Region();
        swatch.getStyleClass().add("swatch");
        swatch.setStyle("-fx-background-color: " + DeviceColors.css(colour) + ";");
        return swatch;
    }
}
