package tandem.app.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.SamplingParams;

/**
 * Everything the app remembers between runs, stored as JSON (see {@link SettingsService}).
 *
 * @param recentModels  most recent first, absolute paths
 * @param splits        the device split last used for each model, keyed by its absolute path
 * @param lastScreen    name of the screen shown when the app closed
 * @param contextPolicy what the chat does when a conversation outgrows the context (rolling window unless chosen)
 * @param preferences   the Preferences page's own settings (data folder, default context and cache type)
 */
public record AppSettings(Theme theme, List<String> recentModels, Map<String, EngineOptions> splits,
                          SamplingParams sampling, String lastScreen, double windowWidth, double windowHeight,
                          ContextPolicy contextPolicy, Preferences preferences) {
    public static final int MAX_RECENT = 8;

    public AppSettings {
        theme = theme == null ? Theme.LIGHT : theme;
        recentModels = recentModels == null ? List.of() : List.copyOf(recentModels);
        splits = splits == null ? Map.of() : Map.copyOf(splits);
        sampling = sampling == null ? SamplingParams.defaults() : sampling;
        lastScreen = lastScreen == null ? "" : lastScreen;
        contextPolicy = contextPolicy == null ? ContextPolicy.ROLLING_WINDOW : contextPolicy;
        preferences = preferences == null ? Preferences.defaults() : preferences;
    }

    public static AppSettings defaults() {
        return new AppSettings(Theme.LIGHT, List.of(), Map.of(), SamplingParams.defaults(), "", 1200, 800, ContextPolicy.ROLLING_WINDOW,
                Preferences.defaults());
    }

    public AppSettings withTheme(Theme t) {
        return new AppSettings(t, recentModels, splits, sampling, lastScreen, windowWidth, windowHeight, contextPolicy, preferences);
    }

    /** Moves the model to the front of the recent list, dropping the oldest beyond {@link #MAX_RECENT}. */
    public AppSettings withRecentModel(String path) {
        List<String> recent = new ArrayList<>(recentModels);
        recent.remove(path);
        recent.addFirst(path);
        if (recent.size() > MAX_RECENT) recent = recent.subList(0, MAX_RECENT);
        return new AppSettings(theme, recent, splits, sampling, lastScreen, windowWidth, windowHeight, contextPolicy, preferences);
    }

    public AppSettings withSplit(String modelPath, EngineOptions options) {
        Map<String, EngineOptions> all = new LinkedHashMap<>(splits);
        all.put(modelPath, options);
        return new AppSettings(theme, recentModels, all, sampling, lastScreen, windowWidth, windowHeight, contextPolicy, preferences);
    }

    public AppSettings withSampling(SamplingParams s) {
        return new AppSettings(theme, recentModels, splits, s, lastScreen, windowWidth, windowHeight, contextPolicy, preferences);
    }

    public AppSettings withLastScreen(String screen) {
        return new AppSettings(theme, recentModels, splits, sampling, screen, windowWidth, windowHeight, contextPolicy, preferences);
    }

    public AppSettings withContextPolicy(ContextPolicy policy) {
        return new AppSettings(theme, recentModels, splits, sampling, lastScreen, windowWidth, windowHeight, policy, preferences);
    }

    public AppSettings withPreferences(Preferences p) {
        return new AppSettings(theme, recentModels, splits, sampling, lastScreen, windowWidth, windowHeight, contextPolicy, p);
    }

    public AppSettings withWindowSize(double width, double height) {
        return new AppSettings(theme, recentModels, splits, sampling, lastScreen, width, height, contextPolicy, preferences);
    }
}
