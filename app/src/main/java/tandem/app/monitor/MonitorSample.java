package tandem.app.monitor;

import java.util.List;
import tandem.engine.runtime.DeviceMetrics;

/**
 * One point of the monitor's charts.
 *
 * @param seconds  time since the monitor started, the charts' x axis
 */
public record MonitorSample(double seconds, double tokensPerSecond, List<DeviceMetrics> devices) {
    public MonitorSample {
        devices = List.copyOf(devices);
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
