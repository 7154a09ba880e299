package tandem.engine.vulkan.model;

import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.WeightTensor;

/**
 * A mixture-of-experts FFN on one device: the router (whole on every device) and the experts' 3-D
 * tensors uploaded as one matrix each (expert e's rows after expert e-1's). Under tensor split the
 * gate/up rows and down columns are this device's share of every expert. Biases (gpt-oss) are null
 * where the architecture has none; the down bias also on all but one device of a tensor split.
 */
public record ExpertWeights(WeightTensor router, GpuBuffer routerBias, WeightTensor gate, WeightTensor up, WeightTensor down,
                            GpuBuffer gateBias, GpuBuffer upBias, GpuBuffer downBias) {}
