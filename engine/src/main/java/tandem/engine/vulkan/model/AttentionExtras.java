package tandem.engine.vulkan.model;

import tandem.engine.vulkan.GpuBuffer;

/**
 * The optional per-layer attention tensors some architectures add: Q/K/V biases (qwen2) and the
 * per-head RMS norms of queries and keys (qwen3). Each is null where the architecture has none.
 */
public record AttentionExtras(GpuBuffer qBias, GpuBuffer kBias, GpuBuffer vBias, GpuBuffer qNorm, GpuBuffer kNorm)
        implements AutoCloseable {
    public static final AttentionExtras NONE = new AttentionExtras(null, null, null, null, null);

    public boolean hasBiases() { return qBias != null; }

    public boolean hasQkNorm() { return qNorm != null; }

    @Override
    public void close() {
        for (GpuBuffer b : new GpuBuffer[] {kNorm, qNorm, vBias, kBias, qBias}) if (b != null) b.close();
    }
}
