package tandem.app.devices;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import tandem.engine.api.DeviceInfo;

/**
 * A Vulkan device as the Devices screen shows it, with the user's choice for it.
 * {@code instances} > 1 uses one GPU as several logical devices (the engine supports it), which
 * lets a single-GPU user try tensor or layer split.
 */
public final class DeviceEntry {
    public static final int MAX_INSTANCES = 4;

    private final DeviceInfo info;
    private final BooleanProperty included;
    private final IntegerProperty instances = new SimpleIntegerProperty(this, "instances", 1);

    public DeviceEntry(DeviceInfo info, boolean included) {
        this.info = info;
        this.included = new SimpleBooleanProperty(this, "included", included);
    }

    public DeviceInfo info() { return info; }

    public BooleanProperty includedProperty() { return included; }

    public boolean isIncluded() { return included.get(); }

    public IntegerProperty instancesProperty() { return instances; }

    /** Short label for bars and charts: "GPU0 NVIDIA H100". */
    public String shortName() {
        return "GPU" + info.index() + " " + info.name();
    }
}
