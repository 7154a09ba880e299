package tandem.app.store;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tandem.app.chat.ChatHistory;
import tandem.app.chat.ChatViewModel;
import tandem.app.settings.AppSettings;
import tandem.app.settings.SettingsService;

/**
 * The child process of {@link RealFullDiskTest}, started where {@code args[0]} is a tiny tmpfs in a
 * mount namespace of its own. Saves the history and settings while they fit, then saves that do
 * not: 1 MB of history straight through the store, a 100,000-character title through the view
 * model, and a settings change once a ballast file has taken the rest of the tmpfs. The tmpfs
 * goes away with this process, so it checks the files itself and prints what it found, as
 * {@link FailedSave} lines and {@code key=value} figures.
 */
public final class FullTmpfsWriter {
    /** The most a tmpfs may hold for the writer to fill it: anything bigger is a mistake, not the test's tmpfs. */
    private static final long MAX_BYTES = 1 << 20;

    private FullTmpfsWriter() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        FileStore tmpfs = tinyTmpfs(dir);
        Path historyFile = dir.resolve("history.json");
        Path settingsFile = dir.resolve("settings.json");

        SettingsService.store(settingsFile).save(AppSettings.defaults());
        ChatViewModel chat = SavingChat.over(ChatHistory.store(historyFile), SettingsService.store(settingsFile));
        chat.rename(chat.newConversation(), "saved before the disk filled");
        print("tmpfs.bytes", tmpfs.getTotalSpace());
        print("tmpfs.free", tmpfs.getUsableSpace());
        print("history.bytes", Files.size(historyFile));
        print("settings.bytes", Files.size(settingsFile));

        System.out.println(FailedSave.of(historyFile, () -> savedOrMessage(ChatHistory.store(historyFile), megabyteOfHistory()))
                .lines("history.store"));
        System.out.println(FailedSave.of(historyFile, () -> {
            chat.rename(chat.conversations().getFirst(), "x".repeat(100_000));
            return chat.noticeProperty().get();
        }).lines("history.notice"));

        print("ballast.bytes", fillUp(dir.resolve("ballast")));
        System.out.println(FailedSave.of(settingsFile, () -> {
            SavingChat.changeASetting(chat);
            return chat.noticeProperty().get();
        }).lines("settings.notice"));
    }

    /** The file system at {@code dir}, refused unless it is a tmpfs of at most {@link #MAX_BYTES}: run anywhere else, the ballast would fill a real disk. */
    private static FileStore tinyTmpfs(Path dir) throws IOException {
        FileStore store = Files.getFileStore(dir);
        if (!"tmpfs".equals(store.type()) || store.getTotalSpace() > MAX_BYTES) {
            throw new IllegalStateException(dir + " is " + store.type() + " of " + store.getTotalSpace()
                    + " bytes, not a tmpfs of at most " + MAX_BYTES + " bytes; refusing to fill it");
        }
        return store;
    }

    private static ChatHistory megabyteOfHistory() {
        return new ChatHistory(List.of(new ChatHistory.Conversation("c1", "new", "",
                List.of(new ChatHistory.Message("user", "x".repeat(1 << 20), null)))));
    }

    /** The store's one-line error; a save that went through (the tmpfs did not fill) says so instead. */
    private static <T> String savedOrMessage(JsonStore<T> store, T value) {
        try {
            store.save(value);
            return "saved without an error";
        } catch (UncheckedIOException e) {
            return e.getMessage();
        }
    }

    /** Writes zeros to {@code file} until the file system refuses more, as another program filling the disk would; returns the bytes it took. */
    private static long fillUp(Path file) throws IOException {
        byte[] page = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) out.write(page);
        } catch (IOException e) {
            if (!FullDisk.ENOSPC.equals(e.getMessage())) throw e;
        }
        return Files.size(file);
    }

    private static void print(String key, long value) {
        System.out.println(key + "=" + value);
    }
}
