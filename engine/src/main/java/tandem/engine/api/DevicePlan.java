package tandem.engine.api;

/**
 * What one device must hold for a load plan, computed before anything is loaded.
 *
 * @param device        index in {@link EngineOptions#devices()} order (logical device)
 * @param physicalIndex index as listed by {@code tandem devices}, -1 for the CPU
 * @param share         fraction of the work this device got after rounding to heads and blocks
 * @param freeBytes     free memory on the device now (Long.MAX_VALUE when unknown)
 */
public record DevicePlan(int device, int physicalIndex, String deviceName, double share,
                         long weightBytes, long kvCacheBytes, long scratchBytes, long freeBytes) {
    public long totalBytes() { return weightBytes + kvCacheBytes + scratchBytes; }

    public boolean fits() { return totalBytes() <= freeBytes; }
}
