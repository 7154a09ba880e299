package tandem.app.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the save tests look at after a save: the message the user got, and the files left in the folder. */
final class SaveChecks {
    private SaveChecks() {}

    /** One line for the notice bar: what could not be saved where, ending in the file system's reason. */
    static void assertOneLineEndingInEnospc(String message, String start) {
        assertFalse(message.contains("\n"), message);
        assertTrue(message.startsWith(start) && message.endsWith(FullDisk.ENOSPC), message);
    }

    /** The names of the files in {@code dir}, sorted: a temporary file left by a save shows up here. */
    static List<String> fileNames(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
