package tandem.app.ui;

import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.beans.value.ObservableValue;
import org.controlsfx.control.PropertySheet;

/**
 * Shows one JavaFX property in a ControlsFX {@link PropertySheet}. Numeric editors hand back
 * whatever {@link Number} they parsed; the value is converted to the property's own type.
 */
public final class PropertyItem<T> implements PropertySheet.Item {
    private final ObjectProperty<T> property;
    private final Class<T> type;
    private final String category;
    private final String name;
    private final String description;

    public PropertyItem(ObjectProperty<T> property, Class<T> type, String category, String name, String description) {
        this.property = property;
        this.type = type;
        this.category = category;
        this.name = name;
        this.description = description;
    }

    @Override public Class<?> getType() { return type; }
    @Override public String getCategory() { return category; }
    @Override public String getName() { return name; }
    @Override public String getDescription() { return description; }
    @Override public Object getValue() { return property.get(); }

    @Override
    public void setValue(Object value) {
        if (value == null) return;
        property.set(type.cast(convert(value)));
    }

    @Override
    public Optional<ObservableValue<?>> getObservableValue() { return Optional.of(property); }

    private Object convert(Object value) {
        if (!(value instanceof Number n) || type.isInstance(value)) return value;
        if (type == Integer.class) return n.intValue();
        if (type == Long.class) return n.longValue();
        if (type == Double.class) return n.doubleValue();
        return value;
    }
}
