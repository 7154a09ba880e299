package tandem.engine.api;

import java.util.List;

/**
 * How to load a model.
 *
 * @param backend        which backend; a failure in the chosen one is an error, never a fall-back
 * @param devices        device indices (may repeat: {@code 0,0} is two logical devices on one GPU);
 *                       empty means the best single device
 * @param split          one ratio per device (e.g. 3,1); empty means even
 * @param splitMode      none, layer or tensor
 * @param contextLength  KV-cache length in tokens; 0 means the model's own (capped by the engine)
 * @param cacheType      how the KV cache stores keys and values (F16 unless asked, as llama.cpp; null means F16)
 */
public record EngineOptions(Backend backend, List<Integer> devices, List<Double> split,
                            SplitMode splitMode, int contextLength, CacheType cacheType) {
    public EngineOptions {
        devices = List.copyOf(devices);
        split = List.copyOf(split);
        if (contextLength < 0) throw new IllegalArgumentException("context length must be >= 0, got " + contextLength);
        // absent (options saved before the cache type existed, e.g. the app's settings.json): the default
        if (cacheType == null) cacheType = CacheType.F16;
    }

    /** Options with the default F16 cache. */
    public EngineOptions(Backend backend, List<Integer> devices, List<Double> split, SplitMode splitMode, int contextLength) {
        this(backend, devices, split, splitMode, contextLength, CacheType.F16);
    }

    public static EngineOptions defaults() {
        return new EngineOptions(Backend.AUTO, List.of(), List.of(), SplitMode.NONE, 0);
    }

    public static EngineOptions cpu() {
        return new EngineOptions(Backend.CPU, List.of(), List.of(), SplitMode.NONE, 0);
    }

    public EngineOptions withBackend(Backend b) { return new EngineOptions(b, devices, split, splitMode, contextLength, cacheType); }
    public EngineOptions withContextLength(int n) { return new EngineOptions(backend, devices, split, splitMode, n, cacheType); }
    public EngineOptions withCacheType(CacheType t) { return new EngineOptions(backend, devices, split, splitMode, contextLength, t); }
}
