package tandem.app.split;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import tandem.engine.api.DevicePlan;

/**
 * One segment of the split bar: a logical device, its ratio, its share, and what the plan says
 * it needs. Only {@link SplitViewModel} changes it.
 *
 * @see SplitViewModel
 */
public final class SplitSlot {
    private final int physicalIndex;
    private final int instance;
    private final String label;
    private final long vramTotal;
    private final long vramFree;
    private final ReadOnlyDoubleWrapper weight = new ReadOnlyDoubleWrapper(this, "weight", 1);
    private final ReadOnlyDoubleWrapper share = new ReadOnlyDoubleWrapper(this, "share", 1);
    private final ObjectProperty<DevicePlan> plan = new SimpleObjectProperty<>(this, "plan");

    /**
     * @param physicalIndex the device's index in {@code tandem devices}, or -1 for the CPU engine
     *                      (it also picks the segment's colour)
     * @param instance      0 for a device's first logical device, 1 for its second, ...
     */
    SplitSlot(int physicalIndex, int instance, String label, long vramTotal, long vramFree) {
        this.physicalIndex = physicalIndex;
        this.instance = instance;
        this.label = label;
        this.vramTotal = vramTotal;
        this.vramFree = vramFree;
    }

    public int physicalIndex() { return physicalIndex; }

    /** Which logical device of its GPU this is (0 for the first), for its colour shade. */
    public int instance() { return instance; }

    public String label() { return label; }

    public long vramTotal() { return vramTotal; }

    public long vramFree() { return vramFree; }

    /** The ratio as typed or dragged (any scale; 3 and 1 mean 75 % and 25 %). */
    public ReadOnlyDoubleProperty weightProperty() { return weight.getReadOnlyProperty(); }

    public double weight() { return weight.get(); }

    /** The fraction of the bar, 0..1. */
    public ReadOnlyDoubleProperty shareProperty() { return share.getReadOnlyProperty(); }

    public double share() { return share.get(); }

    /** What the engine's plan gives this device; null until planned or when planning failed. */
    public ReadOnlyObjectProperty<DevicePlan> planProperty() { return plan; }

    void setWeight(double w) { weight.set(w); }

    void setShare(double s) { share.set(s); }

    void setPlan(DevicePlan p) { plan.set(p); }
}
