package tandem.engine.vulkan.model;

import tandem.engine.vulkan.GpuBuffer;

/**
 * The optional per-layer attention tensors some architectures add: Q/K/V biases (qwen2) and the
 * per-head RMS norms of queries and keys (qwen3), gpt-oss's sink logit per head and attention-output
 * bias. Each is null where the architecture has none (and the output bias on all but one device of
 * a tensor split: the partial sums must add it once).
 */
public record AttentionExtras(GpuBuffer qBias, GpuBuffer kBias, GpuBuffer vBias, GpuBuffer qNorm, GpuBuffer kNorm,
                              GpuBuffer sinks, GpuBuffer outputBias) {
    public boolean hasBiases() { return qBias != null; }

    public boolean hasQkNorm() { return qNorm != null; }
}
