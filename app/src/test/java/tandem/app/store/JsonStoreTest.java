package tandem.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonStoreTest {
    record Note(String title, List<String> lines) {}

    /** Serialising it fails half-way through, like a crash in the middle of a save. */
    record Exploding(String title) {
        @Override
        public String title() { throw new IllegalStateException("boom"); }
    }

    @TempDir Path dir;

    @Test
    void savedValueLoadsBackEqual() {
        JsonStore<Note> store = new JsonStore<>(dir.resolve("sub/notes.json"), Note.class, () -> new Note("", List.of()), "notes");
        Note note = new Note("story", List.of("Once upon a time", "ünïcödé ✓"));
        store.save(note);
        JsonStore.Loaded<Note> loaded = store.load();
        assertEquals(note, loaded.value());
        assertNull(loaded.problem());
    }

    @Test
    void missingFileLoadsEmptyWithoutProblem() {
        JsonStore<Note> store = new JsonStore<>(dir.resolve("notes.json"), Note.class, () -> new Note("empty", List.of()), "notes");
        assertEquals(new Note("empty", List.of()), store.load().value());
        assertNull(store.load().problem());
    }

    @Test
    void aSaveThatFailsMidWayLeavesThePreviousFileWholeAndNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("notes.json");
        JsonStore<Note> good = new JsonStore<>(file, Note.class, () -> null, "notes");
        good.save(new Note("kept", List.of("a")));
        String before = Files.readString(file);

        JsonStore<Exploding> bad = new JsonStore<>(file, Exploding.class, () -> null, "notes");
        assertThrows(RuntimeException.class, () -> bad.save(new Exploding("lost")));

        assertEquals(before, Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "only the real file may remain");
        }
    }

    @Test
    void loadingRemovesTemporaryFilesOfProcessesThatAreGoneAndKeepsLiveOnes() throws IOException {
        Path file = dir.resolve("notes.json");
        long live = ProcessHandle.current().parent().orElseThrow().pid();
        long gone = new ProcessBuilder("true").start().onExit().join().pid();
        Path killedWriter = Files.createFile(dir.resolve("notes.json." + gone + "-123.tmp"));
        Path olderNaming = Files.createFile(dir.resolve("notes.json.8812763.tmp"));
        Path liveWriter = Files.createFile(dir.resolve("notes.json." + live + "-456.tmp"));
        Path otherStore = Files.createFile(dir.resolve("settings.json." + gone + "-1.tmp"));

        new JsonStore<>(file, Note.class, () -> new Note("", List.of()), "notes").load();

        assertTrue(Files.notExists(killedWriter), "a killed writer's file goes");
        assertTrue(Files.notExists(olderNaming), "files of the naming without a process id go");
        assertTrue(Files.exists(liveWriter), "a running writer's file stays");
        assertTrue(Files.exists(otherStore), "another store's files are its own business");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{ not json", "", "[1, 2, 3]", "{\"title\": {\"nested\": true}}"})
    void anUnreadableFileIsSetAsideWithItsContentAndAMessage(String content) throws IOException {
        Path file = dir.resolve("notes.json");
        Files.writeString(file, content);
        JsonStore<Note> store = new JsonStore<>(file, Note.class, () -> new Note("fresh", List.of()), "notes");

        JsonStore.Loaded<Note> loaded = store.load();

        assertEquals(new Note("fresh", List.of()), loaded.value());
        assertNotNull(loaded.problem());
        assertTrue(loaded.problem().contains("notes.json.corrupt-"), loaded.problem());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> aside = files.filter(p -> p.getFileName().toString().startsWith("notes.json.corrupt-")).toList();
            assertEquals(1, aside.size());
            assertEquals(content, Files.readString(aside.getFirst()), "the user's data must be kept byte for byte");
        }
        assertTrue(Files.notExists(file));
    }
}
