package tandem.app.monitor;

import java.util.List;
import java.util.Locale;
import tandem.engine.api.DeviceMetrics;

/**
 * One point of the monitor's charts.
 *
 * @param seconds  time since the monitor started, the charts' x axis
 */
public record MonitorSample(double seconds, double tokensPerSecond, List<DeviceMetrics> devices) {
    public MonitorSample {
        devices = List.copyOf(devices);
    }

    /**
     * "32.7 tokens/s · interconnect 58 % of the time per token · 2 devices", and a word when the
     * backend reported no per-device timings (rather than flat zeros that look measured).
     */
    public String summary() {
        double total = computeMicrosPerToken() + interconnectMicrosPerToken();
        String text = String.format(Locale.ROOT, "%.1f tokens/s · interconnect %.0f %% of the time per token · %d device%s",
                tokensPerSecond, total == 0 ? 0 : 100 * interconnectMicrosPerToken() / total,
                devices.size(), devices.size() == 1 ? "" : "s");
        boolean timed = devices.stream().anyMatch(d -> d.busyFraction() > 0 || d.computeMicrosPerToken() > 0);
        return !timed && tokensPerSecond > 0 ? text + " · this backend does not report per-device timings yet" : text;
    }

    /** Mean over devices of the compute time per token, in microseconds. */
    public double computeMicrosPerToken() {
        return devices.stream().mapToDouble(DeviceMetrics::computeMicrosPerToken).average().orElse(0);
    }

    /** Mean over devices of the all-reduce (interconnect) time per token, in microseconds. */
    public double interconnectMicrosPerToken() {
        return devices.stream().mapToDouble(DeviceMetrics::allReduceMicrosPerToken).average().orElse(0);
    }
}
