package tandem.app.split;

/**
 * One device's time per generated token in a measurement.
 *
 * @param computeMicros       its own kernels
 * @param interconnectMicros  exchanging partial sums with the other devices (all-reduce)
 */
public record DeviceTime(String label, double computeMicros, double interconnectMicros) {
    public double totalMicros() { return computeMicros + interconnectMicros; }

    /** The part of this device's time spent on the exchange, in [0, 1]. */
    public double interconnectFraction() {
        return totalMicros() <= 0 ? 0 : interconnectMicros / totalMicros();
    }
}
