package tandem.engine.vulkan.model;

import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.WeightTensor;

/** One transformer block's weights on one device; norm scales are F32 vectors. A mixture has no gate/up/down here ({@link ExpertWeights}). */
public record LayerWeights(GpuBuffer attnNorm, WeightTensor q, WeightTensor k, WeightTensor v, WeightTensor attnOutput,
                    GpuBuffer ffnNorm, WeightTensor gate, WeightTensor up, WeightTensor down) implements AutoCloseable {
    @Override
    public void close() {
        if (down != null) down.close();
        if (up != null) up.close();
        if (gate != null) gate.close();
        ffnNorm.close();
        attnOutput.close();
        v.close();
        k.close();
        q.close();
        attnNorm.close();
    }
}
