package tandem.app.split;

import java.util.List;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.SplitMode;

/**
 * What measuring one split mode gave.
 *
 * @param options          how the model was loaded for it
 * @param tokensPerSecond  decode speed over the measured tokens (the engine's timestamps)
 * @param devices          each device's compute and interconnect time per token
 * @param notes            what the split gave each device, in plain words
 * @param problem          why this mode could not be measured (empty when it was)
 */
public record TrialResult(SplitMode mode, EngineOptions options, double tokensPerSecond, int tokens,
                          List<DeviceTime> devices, List<String> notes, String problem) {
    public TrialResult {
        devices = List.copyOf(devices);
        notes = List.copyOf(notes);
    }

    static TrialResult measured(SplitMode mode, EngineOptions options, double tokensPerSecond, int tokens,
                                List<DeviceTime> devices, List<String> notes) {
        return new TrialResult(mode, options, tokensPerSecond, tokens, devices, notes, "");
    }

    static TrialResult failed(SplitMode mode, EngineOptions options, String problem) {
        return new TrialResult(mode, options, 0, 0, List.of(), List.of(), problem);
    }

    public boolean ok() { return problem.isEmpty(); }

    /** The busiest device's share of time spent exchanging partial sums, in [0, 1]. */
    public double interconnectFraction() {
        return devices.stream().mapToDouble(DeviceTime::interconnectFraction).max().orElse(0);
    }
}
