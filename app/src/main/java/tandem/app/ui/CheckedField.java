package tandem.app.ui;

import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.css.PseudoClass;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;

/**
 * A text field for one setting that takes a value only when it is valid: on Enter or when the
 * field is left. A refused value stays in the field, marked, with the reason in a label under it,
 * and the setting keeps its last good value; Esc puts that value back.
 */
public final class CheckedField<T> {
    private static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");

    private final TextField field = new TextField();
    private final Label problem = new Label();

    /**
     * @param parse   text to value; throws IllegalArgumentException with the reason for text that is no value
     * @param refusal why a value is refused, or null when it is fine
     */
    public CheckedField(String id, ObjectProperty<T> property, Function<String, T> parse, Function<T, String> refusal,
                        Function<T, String> format) {
        field.setId(id);
        field.setText(format.apply(property.get()));
        problem.setId(id + "-problem");
        problem.getStyleClass().add("field-problem");
        problem.setWrapText(true);
        problem.visibleProperty().bind(problem.textProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());
        Runnable commit = () -> {
            String reason;
            T value = null;
            try {
                value = parse.apply(field.getText().strip());
                reason = refusal.apply(value);
            } catch (IllegalArgumentException e) {
                reason = e.getMessage();
            }
            if (reason == null) {
                property.set(value);
                field.setText(format.apply(value));
            }
            show(reason);
        };
        Runnable revert = () -> {
            field.setText(format.apply(property.get()));
            show(null);
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
            if (!field.isFocused()) revert.run(); // changed elsewhere (another form, a reset)
        });
    }

    public TextField field() { return field; }

    /** The reason a value was refused; takes no room while there is none. */
    public Label problem() { return problem; }

    private void show(String reason) {
        problem.setText(reason == null ? "" : reason);
        field.pseudoClassStateChanged(ERROR, reason != null);
    }

    /** A whole number, or the reason in the command line's words. */
    public static <N> N wholeNumber(String text, Function<String, N> parse) {
        try {
            return parse.apply(text);
        } catch (NumberFormatException e) {
            if (text.matches("[+-]?\\d+")) throw new IllegalArgumentException(text + " is out of range");
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
    }
}
