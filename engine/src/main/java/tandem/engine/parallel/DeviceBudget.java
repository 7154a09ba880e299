package tandem.engine.parallel;

/**
 * One logical device a plan may place work on.
 *
 * @param physicalIndex index as listed by {@code tandem devices}
 * @param freeBytes     free device memory now, Long.MAX_VALUE when unknown
 * @param memoryBytes   the device's whole memory (its part of it where logical devices share one GPU), Long.MAX_VALUE when unknown
 */
public record DeviceBudget(int physicalIndex, String name, long freeBytes, long memoryBytes) {
    /** A device whose whole memory is not known. */
    public DeviceBudget(int physicalIndex, String name, long freeBytes) {
        this(physicalIndex, name, freeBytes, Long.MAX_VALUE);
    }
}
