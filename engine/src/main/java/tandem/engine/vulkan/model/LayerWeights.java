package tandem.engine.vulkan.model;

import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.WeightTensor;

/** One transformer block's weights on one device; norm scales are F32 vectors. */
public record LayerWeights(GpuBuffer attnNorm, WeightTensor q, WeightTensor k, WeightTensor v, WeightTensor attnOutput,
                    GpuBuffer ffnNorm, WeightTensor gate, WeightTensor up, WeightTensor down) implements AutoCloseable {
    @Override
    public void close() {
        down.close();
        up.close();
        gate.close();
        ffnNorm.close();
        attnOutput.close();
        v.close();
        k.close();
        q.close();
        attnNorm.close();
    }
}
