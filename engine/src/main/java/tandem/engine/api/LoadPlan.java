package tandem.engine.api;

import java.util.List;

/**
 * How a model will be spread over the chosen devices, and what each needs.
 *
 * @param notes      what the planner chose where a ratio could not be honoured exactly
 * @param cacheType  how the KV cache stores keys and values (the devices' KV bytes count it)
 */
public record LoadPlan(SplitMode mode, int contextLength, List<DevicePlan> devices, List<String> notes, CacheType cacheType) {
    public LoadPlan {
        devices = List.copyOf(devices);
        notes = List.copyOf(notes);
        java.util.Objects.requireNonNull(cacheType, "cacheType");
    }

    /** A plan with the default F16 cache. */
    public LoadPlan(SplitMode mode, int contextLength, List<DevicePlan> devices, List<String> notes) {
        this(mode, contextLength, devices, notes, CacheType.F16);
    }

    public boolean fits() { return devices.stream().allMatch(DevicePlan::fits); }
}
