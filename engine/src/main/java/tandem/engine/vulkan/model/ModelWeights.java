package tandem.engine.vulkan.model;

import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.WeightTensor;

/**
 * The weights one device runs blocks with: the whole model on one device, or a device's part of
 * a split model. Parts a device does not hold are null (a layer-split device without the head).
 */
public interface ModelWeights {
    WeightTensor embedding();

    /** The output projection (the embedding itself when tied), or this device's vocabulary rows of it. */
    WeightTensor output();

    GpuBuffer outputNorm();

    /** [position][ropeDim/2] (cos, sin) pairs; two tables where sliding-window layers have their own (RopeTable). */
    GpuBuffer ropeTable();

    /** Block {@code layer} in model numbering, with its extras, post-norms and experts; the device must hold it. */
    LayerWeights layer(int layer);
}
