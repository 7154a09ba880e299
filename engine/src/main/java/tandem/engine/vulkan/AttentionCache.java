package tandem.engine.vulkan;

import tandem.engine.api.CacheType;

/**
 * A layer's KV cache as the attention kernels read it: its keys and values in {@code type}, and for
 * a sliding-window layer the window each query sees and the ring the cache wraps at (position t in
 * row t % ring; 0: no ring, row t).
 */
public record AttentionCache(BufferRange keys, BufferRange values, CacheType type, int window, int ring) {
    /** A cache of the whole context in F16 (no window, no ring). */
    public static AttentionCache full(BufferRange keys, BufferRange values) {
        return new AttentionCache(keys, values, CacheType.F16, 0, 0);
    }
}
