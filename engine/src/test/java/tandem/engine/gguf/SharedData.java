package tandem.engine.gguf;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the read-only shared test data (system property tandem.shared, set by the build). */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        Path p = Path.of(System.getProperty("tandem.shared", "../shared")).toAbsolutePath().normalize();
        if (!Files.isDirectory(p.resolve("data"))) {
            throw new IllegalStateException("shared test data not found at " + p + " (set -Dtandem.shared)");
        }
        return p;
    }

    public static Path data(String relative) {
        return root().resolve("data").resolve(relative);
    }
}
