package tandem.app.chat;

import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import tandem.app.ui.CheckedField;

/**
 * The sampling parameters as a form, a {@link CheckedField} per value: a value the engine refuses
 * stays out, with the engine's own reason under the field.
 */
public final class SamplingForm {
    private final SamplingSettings settings;
    private final GridPane grid = new GridPane();
    private int row;

    public SamplingForm(SamplingSettings s) {
        this.settings = s;
        grid.getStyleClass().add("sampling-form");
        grid.setHgap(8);
        grid.setVgap(4);
        ColumnConstraints names = new ColumnConstraints();
        names.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        fields.setMinWidth(60);
        grid.getColumnConstraints().setAll(names, fields);
        decimal("temperature", "Temperature", "0 always picks the likeliest token; higher is more varied (0.8)", s.temperatureProperty());
        whole("top-k", "Top-k", "Sample among the k likeliest tokens; 0 turns it off (40)", s.topKProperty());
        decimal("top-p", "Top-p", "Sample among the tokens that make up this probability, above 0 and at most 1; 1 turns it off (0.95)", s.topPProperty());
        decimal("min-p", "Min-p", "Drop tokens less likely than this fraction of the likeliest, from 0 to below 1; 0 turns it off (0.05)", s.minPProperty());
        decimal("repeat-penalty", "Repeat penalty", "Above 1 discourages repeating recent tokens; 1 turns it off (1.0)", s.repeatPenaltyProperty());
        whole("repeat-last-n", "Repeat window", "How many recent tokens the penalties look at; -1 all, 0 none (64)", s.repeatLastNProperty());
        decimal("presence-penalty", "Presence", "Presence penalty: subtracted from every token already in the window; 0 turns it off", s.presencePenaltyProperty());
        decimal("frequency-penalty", "Frequency", "Frequency penalty: subtracted once per earlier occurrence in the window; 0 turns it off", s.frequencyPenaltyProperty());
        field("seed", "Seed (0 = random)", "0: a new random seed for every answer, so Regenerate gives a new one; "
                + "any other value makes answers repeat exactly", s.seedProperty(), text -> CheckedField.wholeNumber(text, Long::parseLong), String::valueOf);
        whole("max-tokens", "Max tokens", "Longest answer in tokens (512)", s.maxTokensProperty());
        field("stop", "Stop strings", "The answer ends before any of these texts. Separate them with commas; "
                + "write \\n for a new line, \\, for a comma, \\s for a leading or trailing space",
                s.stopStringsProperty(), StopStrings::parse, StopStrings::format);
    }

    public Node node() { return grid; }

    private void decimal(String id, String name, String help, ObjectProperty<Double> property) {
        field(id, name, help, property, SamplingForm::decimalNumber, v -> v == null ? "" : String.valueOf(v));
    }

    private void whole(String id, String name, String help, ObjectProperty<Integer> property) {
        field(id, name, help, property, text -> CheckedField.wholeNumber(text, Integer::parseInt), String::valueOf);
    }

    private <T> void field(String id, String name, String help, ObjectProperty<T> property, Function<String, T> parse,
                           Function<T, String> format) {
        Label label = new Label(name);
        label.setTooltip(new Tooltip(help));
        CheckedField<T> checked = new CheckedField<>("sampling-" + id, property, parse, value -> settings.problemWith(property, value), format);
        checked.field().setTooltip(new Tooltip(help));
        checked.field().setPrefColumnCount(6);
        grid.addRow(row++, label, checked.field());
        grid.add(checked.problem(), 1, row++);
    }

    private static Double decimalNumber(String text) {
        try {
            float f = Float.parseFloat(text);
            if (Float.isFinite(f)) return Double.parseDouble(Float.toString(f));
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("'" + text + "' is not a number");
    }
}
