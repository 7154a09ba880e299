package tandem.engine.vulkan.model;

import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import tandem.engine.gguf.GgufFile;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelTensors;
import tandem.engine.model.WeightShare;
import tandem.engine.vulkan.VulkanDevice;

/**
 * A whole model on one device: the device, the model it runs and its weights, which it owns. The
 * device stays open after {@link #close}: the runner that opened it closes it.
 */
record DeviceModel(VulkanDevice device, ModelConfig config, DeviceWeights weights) implements AutoCloseable {
    /** Weight bytes a device needs for the whole model. */
    static long weightBytes(ModelTensors tensors) {
        return tensors.totalBytes();
    }

    static DeviceModel upload(VulkanDevice device, GgufFile file, ModelConfig config, ModelTensors tensors,
                              int ropePositions, LongConsumer bytesDone, BooleanSupplier cancelled) {
        return new DeviceModel(device, config, DeviceWeights.upload(device, file, config, tensors, WeightShare.whole(tensors),
                ropePositions, bytesDone, cancelled));
    }

    @Override
    public void close() {
        weights.close();
    }
}
