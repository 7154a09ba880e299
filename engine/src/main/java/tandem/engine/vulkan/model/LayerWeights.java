package tandem.engine.vulkan.model;

import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.WeightTensor;

/**
 * One transformer block's weights on one device; norm scales are F32 vectors. A mixture has no
 * gate/up/down here but its {@code experts}; a dense block's experts are null. The buffers belong
 * to the {@link DeviceWeights} that uploaded them, which closes them.
 */
public record LayerWeights(GpuBuffer attnNorm, WeightTensor q, WeightTensor k, WeightTensor v, WeightTensor attnOutput,
                           GpuBuffer ffnNorm, WeightTensor gate, WeightTensor up, WeightTensor down,
                           AttentionExtras extras, PostNorms post, ExpertWeights experts) {}
