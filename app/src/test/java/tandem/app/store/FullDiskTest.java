package tandem.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk fills up in the middle of a save: the write fails with the error the file system gives
 * (ENOSPC), after a good part of the new file was written. The user gets one line saying what could
 * not be saved and why, and the previous file is kept whole with no temporary file beside it.
 */
class FullDiskTest {
    record Note(String title, List<String> lines) {}

    /** Writes 256 kB of the new file, then fails as a full disk does. */
    @JsonSerialize(using = DiskFills.class)
    record Big(String title) {}

    static final class DiskFills extends JsonSerializer<Big> {
        @Override
        public void serialize(Big value, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeStartObject();
            out.writeStringField("title", "x".repeat(256 * 1024));
            out.flush();
            throw new IOException("No space left on device");
        }
    }

    @TempDir Path dir;

    @Test
    void fullDiskMidSaveGivesOneLineAndKeepsThePreviousFile() throws IOException {
        Path file = dir.resolve("history.json");
        Note before = new Note("kept", List.of("saved before the disk filled"));
        new JsonStore<>(file, Note.class, () -> null, "chat history").save(before);
        String bytesBefore = Files.readString(file);

        JsonStore<Big> failing = new JsonStore<>(file, Big.class, () -> null, "chat history");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> failing.save(new Big("new")));
        String message = e.getMessage();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.startsWith("cannot save chat history to " + file) && message.contains("No space left on device"), message);

        assertEquals(bytesBefore, Files.readString(file));
        JsonStore.Loaded<Note> loaded = new JsonStore<>(file, Note.class, () -> null, "chat history").load();
        assertNull(loaded.problem());
        assertEquals(before, loaded.value());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("history.json"), files.map(f -> f.getFileName().toString()).toList());
        }
    }
}
