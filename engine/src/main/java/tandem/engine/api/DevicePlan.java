package tandem.engine.api;

/**
 * What one device must hold for a load plan, computed before anything is loaded.
 *
 * @param device        index in {@link EngineOptions#devices()} order (logical device)
 * @param physicalIndex index as listed by {@code tandem devices}, -1 for the CPU
 * @param share         fraction of the work this device got after rounding to heads and blocks
 * @param freeBytes     free memory on the device now (Long.MAX_VALUE when unknown)
 * @param queryHeads    the attention (query) heads it computes per layer; 0 where not known
 * @param layers        the layers it runs (all of them under tensor split); 0 where not known
 * @param memoryBytes   the device's whole memory (free or not), Long.MAX_VALUE when unknown: with
 *                      {@code freeBytes} it tells a model too big for the device from one that other
 *                      programs' memory keeps out
 */
public record DevicePlan(int device, int physicalIndex, String deviceName, double share,
                         long weightBytes, long kvCacheBytes, long scratchBytes, long freeBytes,
                         int queryHeads, int layers, long memoryBytes) {
    /** Without the heads and layers it got (a plan that does not cut the model) or the device's whole memory. */
    public DevicePlan(int device, int physicalIndex, String deviceName, double share,
                      long weightBytes, long kvCacheBytes, long scratchBytes, long freeBytes) {
        this(device, physicalIndex, deviceName, share, weightBytes, kvCacheBytes, scratchBytes, freeBytes, 0, 0);
    }

    /** Without the device's whole memory. */
    public DevicePlan(int device, int physicalIndex, String deviceName, double share, long weightBytes, long kvCacheBytes,
                      long scratchBytes, long freeBytes, int queryHeads, int layers) {
        this(device, physicalIndex, deviceName, share, weightBytes, kvCacheBytes, scratchBytes, freeBytes, queryHeads, layers,
                Long.MAX_VALUE);
    }

    public long totalBytes() { return weightBytes + kvCacheBytes + scratchBytes; }

    /**
     * The same device holding {@code sequences} sessions at once (a server's slots): each has its own
     * KV cache and its own activation buffers; the weights are shared.
     */
    public DevicePlan withSequences(int sequences) {
        if (sequences < 1) throw new IllegalArgumentException("sequences must be >= 1, got " + sequences);
        return new DevicePlan(device, physicalIndex, deviceName, share, weightBytes, kvCacheBytes * sequences,
                scratchBytes * sequences, freeBytes, queryHeads, layers, memoryBytes);
    }

    public boolean fits() { return totalBytes() <= freeBytes; }

    /** Whether the plan would fit the device were none of its memory taken by others (false when its memory is unknown). */
    public boolean fitsEmptyDevice() { return memoryBytes != Long.MAX_VALUE && totalBytes() <= memoryBytes; }
}
