package tandem.engine.parallel;

/**
 * One logical device a plan may place work on.
 *
 * @param physicalIndex index as listed by {@code tandem devices}
 * @param freeBytes     free device memory now, Long.MAX_VALUE when unknown
 */
public record DeviceBudget(int physicalIndex, String name, long freeBytes) {}
