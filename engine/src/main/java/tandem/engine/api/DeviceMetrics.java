package tandem.engine.api;

/**
 * One device's share of the last measurement window, from GPU timestamps.
 *
 * @param busyFraction        time the device executed work / wall time of the window, in [0, 1]
 * @param allReduceMicrosPerToken  time this device spent in all-reduce per generated token
 */
public record DeviceMetrics(int device, String name, double busyFraction, double computeMicrosPerToken,
                            double allReduceMicrosPerToken, long vramUsedBytes, long vramTotalBytes) {}
