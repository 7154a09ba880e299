package tandem.engine.vulkan;

/**
 * What a buffer is for; VMA picks the memory type from these property needs, never by index
 * (NVIDIA exposes many types, lavapipe one that is everything).
 */
public enum BufferKind {
    /** GPU-only memory: weights, activations, KV cache. */
    DEVICE_LOCAL,
    /** Host writes sequentially, GPU reads: staging for uploads and small per-step parameters. */
    UPLOAD,
    /** GPU writes, host reads (cached where offered): logits, results, test outputs. */
    READBACK,
    /**
     * Host memory imported into the device ({@code VK_EXT_external_memory_host}): several devices
     * import the same bytes, which is how partial sums travel between GPUs. Made by
     * {@link GpuBuffer#importHost}, never by {@link GpuBuffer#create}.
     */
    HOST_IMPORTED
}
