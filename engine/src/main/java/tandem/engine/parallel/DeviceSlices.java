package tandem.engine.parallel;

/**
 * What one device computes under a split plan: its layers, and within them its query heads, the KV
 * heads those read, FFN columns and vocabulary rows. Under layer split it holds whole layers; under
 * tensor split all layers but a slice of each.
 *
 * @param device     index in the chosen device list (logical device)
 * @param kvGroups   the KV heads it holds (K/V rows and KV cache): those its query heads read; under
 *                   tensor split a KV head whose query heads several devices share is held by each
 * @param queryHeads the query heads it computes (Q rows, attn_output columns)
 */
public record DeviceSlices(int device, DeviceBudget budget, SliceRange layers, SliceRange kvGroups,
                           SliceRange queryHeads, SliceRange ffnColumns, SliceRange vocabRows) {}
