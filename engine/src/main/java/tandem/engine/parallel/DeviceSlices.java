package tandem.engine.parallel;

/**
 * What one device computes under a split plan: its layers, and within them its KV-head groups,
 * FFN columns and vocabulary rows. Under layer split it holds whole layers; under tensor split all
 * layers but a slice of each.
 *
 * @param device index in the chosen device list (logical device)
 */
public record DeviceSlices(int device, DeviceBudget budget, SliceRange layers, SliceRange kvGroups,
                           SliceRange ffnColumns, SliceRange vocabRows) {}
