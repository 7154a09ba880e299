package tandem.app;

import java.nio.file.Path;

/**
 * Where the app finds its bundled files and keeps the user's data.
 *
 * @param home     the installation (repository) root, holding {@code assets/}
 * @param dataDir  the user's Tandem data folder: chat history and settings
 */
public record AppPaths(Path home, Path dataDir) {
    /** The launcher sets {@code tandem.home}; tests and IDE runs fall back to the working directory. */
    public static final String HOME_PROPERTY = "tandem.home";
    /** Overrides the data folder, so tests never touch the user's real history. */
    public static final String DATA_PROPERTY = "tandem.data";

    public static AppPaths fromEnvironment() {
        Path home = Path.of(System.getProperty(HOME_PROPERTY, System.getProperty("user.dir"))).toAbsolutePath();
        return new AppPaths(home, dataDirFromEnvironment());
    }

    private static Path dataDirFromEnvironment() {
        String override = System.getProperty(DATA_PROPERTY);
        if (override != null && !override.isBlank()) return Path.of(override);
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "tandem");
        return Path.of(System.getProperty("user.home"), ".local", "share", "tandem");
    }

    /** The bundled stories260K model that makes the app useful on first start without a download. */
    public Path demoModel() { return home.resolve("assets").resolve("stories260K.gguf"); }

    public Path historyFile() { return dataDir.resolve("history.json"); }

    public Path settingsFile() { return dataDir.resolve("settings.json"); }
}
