package tandem.engine.api;

import java.util.List;

/**
 * How a model will be spread over the chosen devices, and what each needs.
 *
 * @param notes  what the planner chose where a ratio could not be honoured exactly
 */
public record LoadPlan(SplitMode mode, int contextLength, List<DevicePlan> devices, List<String> notes) {
    public LoadPlan {
        devices = List.copyOf(devices);
        notes = List.copyOf(notes);
    }

    public boolean fits() { return devices.stream().allMatch(DevicePlan::fits); }
}
