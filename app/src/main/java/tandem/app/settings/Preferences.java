package tandem.app.settings;

import java.util.Arrays;
import java.util.List;
import tandem.engine.api.CacheType;
import tandem.engine.api.EngineOptions;

/**
 * The Preferences page's settings that have no home on another screen (theme, sampling and the
 * context-full policy live in {@link AppSettings} beside them).
 *
 * @param dataFolder    where chat history is kept; empty: the standard data folder (settings stay there)
 * @param contextLength the context a model loads with when its split says 0; 0: the model's own
 * @param cacheType     the KV cache's number type, one of {@link #CACHE_TYPES}
 */
public record Preferences(String dataFolder, int contextLength, String cacheType) {
    /** What the engine's KV cache can hold (its --cache-type names); f16, the engine's default, first. */
    public static final List<String> CACHE_TYPES = Arrays.stream(CacheType.values()).map(CacheType::optionName).toList();

    public Preferences {
        dataFolder = dataFolder == null ? "" : dataFolder.strip();
        contextLength = Math.max(0, contextLength);
        cacheType = cacheType == null || !CACHE_TYPES.contains(cacheType) ? CACHE_TYPES.getFirst() : cacheType;
    }

    public static Preferences defaults() { return new Preferences("", 0, CACHE_TYPES.getFirst()); }

    public Preferences withDataFolder(String folder) { return new Preferences(folder, contextLength, cacheType); }

    public Preferences withContextLength(int tokens) { return new Preferences(dataFolder, tokens, cacheType); }

    public Preferences withCacheType(String type) { return new Preferences(dataFolder, contextLength, type); }

    /**
     * The options a model loads (and is planned) with: the default context where the split leaves
     * it to the model, and this cache type (the split screen does not choose one).
     */
    public EngineOptions applyTo(EngineOptions options) {
        EngineOptions sized = options.contextLength() == 0 && contextLength > 0 ? options.withContextLength(contextLength) : options;
        return sized.withCacheType(engineCacheType());
    }

    /** {@link #cacheType} as the engine's type. */
    public CacheType engineCacheType() {
        return CacheType.valueOf(cacheType.toUpperCase(java.util.Locale.ROOT));
    }
}
