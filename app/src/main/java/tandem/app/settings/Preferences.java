package tandem.app.settings;

import java.util.List;
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
    /** What the engine's KV cache can hold; f16 is the engine's default. */
    public static final List<String> CACHE_TYPES = List.of("f16", "f32", "q8_0");

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
     * The options a model loads with: the default context where the split leaves it to the model.
     * TODO(kv): pass cacheType once EngineOptions has the cache type (the kv branch adds --cache-type).
     */
    public EngineOptions applyTo(EngineOptions options) {
        return options.contextLength() == 0 && contextLength > 0 ? options.withContextLength(contextLength) : options;
    }
}
