package tandem.app.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tandem.app.store.SaveChecks.assertOneLineEndingInEnospc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.app.chat.ChatHistory;
import tandem.app.chat.ChatViewModel;
import tandem.app.settings.AppSettings;
import tandem.app.settings.SettingsService;

/**
 * The disk fills up in the middle of a save: the file system fails the write with ENOSPC after
 * part of the new file went down (or fails the flush to disk), through {@link FullDisk} between the
 * store and the disk. The user sees one line saying what could not be saved and why, the previous
 * file is kept byte for byte, and no temporary file is left beside it.
 */
class FullDiskTest {
    record Note(String title, List<String> lines) {}

    @TempDir Path dir;

    static Stream<FullDisk> fullDisks() {
        return Stream.of(FullDisk.after(256 * 1024), FullDisk.after(0), FullDisk.atForce());
    }

    @ParameterizedTest
    @MethodSource("fullDisks")
    void fullDiskMidSaveGivesOneLineAndKeepsThePreviousFile(FullDisk disk) throws IOException {
        Path file = dir.resolve("history.json");
        Note before = new Note("kept", List.of("saved before the disk filled"));
        JsonStore<Note> store = new JsonStore<>(file, Note.class, () -> null, "chat history");
        store.save(before);
        byte[] bytesBefore = Files.readAllBytes(file);

        // 1 MB of new history: more than the room left
        Note big = new Note("new", List.of("x".repeat(1 << 20)));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> store.writingThrough(disk).save(big));
        assertOneLineEndingInEnospc(e.getMessage(), "cannot save chat history to " + file);
        assertTrue(disk.written.get() <= disk.room, disk.written + " bytes written");

        assertArrayEquals(bytesBefore, Files.readAllBytes(file));
        JsonStore.Loaded<Note> loaded = store.load();
        assertNull(loaded.problem());
        assertEquals(before, loaded.value());
        assertOnlyFiles("history.json");
    }

    @Test
    void chatHistoryThatCannotBeSavedIsShownInTheNoticeBar() throws IOException {
        Path file = dir.resolve("history.json");
        ChatViewModel first = SavingChat.over(ChatHistory.store(file), SettingsService.store(dir.resolve("settings.json")));
        first.rename(first.newConversation(), "saved before the disk filled");
        byte[] bytesBefore = Files.readAllBytes(file);

        ChatViewModel chat = SavingChat.over(ChatHistory.store(file).writingThrough(FullDisk.after(64)),
                SettingsService.store(dir.resolve("settings.json")));
        chat.rename(chat.conversations().getFirst(), "x".repeat(100_000));

        String notice = chat.noticeProperty().get();
        assertOneLineEndingInEnospc(notice, "Chat history not saved: cannot save chat history to " + file);
        assertArrayEquals(bytesBefore, Files.readAllBytes(file));
        assertOnlyFiles("history.json");
    }

    @Test
    void settingsThatCannotBeSavedAreShownInTheNoticeBar() throws IOException {
        Path file = dir.resolve("settings.json");
        SettingsService.store(file).save(AppSettings.defaults());
        byte[] bytesBefore = Files.readAllBytes(file);

        ChatViewModel chat = SavingChat.over(ChatHistory.store(dir.resolve("history.json")),
                SettingsService.store(file).writingThrough(FullDisk.after(16)));
        SavingChat.changeASetting(chat);

        String notice = chat.noticeProperty().get();
        assertOneLineEndingInEnospc(notice, "Settings not saved: cannot save settings to " + file);
        assertArrayEquals(bytesBefore, Files.readAllBytes(file));
        assertOnlyFiles("settings.json");
    }

    private void assertOnlyFiles(String... names) throws IOException {
        assertEquals(List.of(names), SaveChecks.fileNames(dir));
    }
}
