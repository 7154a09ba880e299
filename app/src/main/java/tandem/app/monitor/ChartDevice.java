package tandem.app.monitor;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.paint.Color;
import tandem.app.ui.DeviceColors;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.LoadPlan;

/**
 * One logical device as the monitor draws it: its label and its colour, the same colour the
 * split bar gives it (so the two halves of one GPU used twice differ as well).
 *
 * @param device        logical index, as {@code DeviceMetrics.device()}
 * @param physicalIndex index of the GPU, -1 for the CPU engine
 * @param instance      0 for the first logical device on that GPU, 1 for the second, …
 */
public record ChartDevice(int device, String name, int physicalIndex, int instance) {
    public String label() {
        return instance == 0 && physicalIndex < 0 ? name : device + " · " + name;
    }

    public Color colour() { return DeviceColors.of(physicalIndex, instance); }

    /** The loaded model's devices, in logical order. */
    static List<ChartDevice> of(LoadPlan plan) {
        List<ChartDevice> out = new ArrayList<>();
        for (DevicePlan d : plan.devices()) {
            int instance = (int) out.stream().filter(o -> o.physicalIndex() == d.physicalIndex()).count();
            out.add(new ChartDevice(d.device(), d.deviceName(), d.physicalIndex(), instance));
        }
        return List.copyOf(out);
    }
}
