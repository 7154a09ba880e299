package tandem.app.chat;

import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.css.PseudoClass;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The sampling parameters as a form: a field per value, taken on Enter or when the field is left.
 * A value the engine refuses stays in the field, marked, with the engine's reason under it, and
 * the setting keeps its last good value; Esc puts that value back.
 */
public final class SamplingForm {
    private static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");

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
                + "any other value makes answers repeat exactly", s.seedProperty(), text -> wholeNumber(text, Long::parseLong), String::valueOf);
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
        field(id, name, help, property, text -> wholeNumber(text, Integer::parseInt), String::valueOf);
    }

    /**
     * @param parse text to value; throws IllegalArgumentException with the reason for text that is no value
     */
    private <T> void field(String id, String name, String help, ObjectProperty<T> property, Function<String, T> parse,
                           Function<T, String> format) {
        Label label = new Label(name);
        label.setTooltip(new Tooltip(help));
        TextField field = new TextField(format.apply(property.get()));
        field.setId("sampling-" + id);
        field.setTooltip(new Tooltip(help));
        field.setPrefColumnCount(6);
        Label problem = new Label();
        problem.setId("sampling-" + id + "-problem");
        problem.getStyleClass().add("field-problem");
        problem.setWrapText(true);
        problem.visibleProperty().bind(problem.textProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());
        Runnable commit = () -> {
            String reason;
            T value = null;
            try {
                value = parse.apply(field.getText().strip());
                reason = settings.problemWith(property, value);
            } catch (IllegalArgumentException e) {
                reason = e.getMessage();
            }
            if (reason == null) {
                property.set(value);
                field.setText(format.apply(value));
            }
            problem.setText(reason == null ? "" : reason);
            field.pseudoClassStateChanged(ERROR, reason != null);
        };
        Runnable revert = () -> {
            field.setText(format.apply(property.get()));
            problem.setText("");
            field.pseudoClassStateChanged(ERROR, false);
        };
        field.setOnAction(e -> commit.run());
        field.focusedProperty().addListener((obs, was, now) -> {
            if (!now) commit.run();
        });
        field.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                revert.run();
                e.consume();
            }
        });
        property.addListener((obs, old, now) -> {
            if (!field.isFocused()) revert.run(); // changed elsewhere (the other form, Preferences' reset)
        });
        grid.addRow(row++, label, field);
        grid.add(problem, 1, row++);
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

    private static <T> T wholeNumber(String text, Function<String, T> parse) {
        try {
            return parse.apply(text);
        } catch (NumberFormatException e) {
            if (text.matches("[+-]?\\d+")) throw new IllegalArgumentException(text + " is out of range");
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
    }
}
