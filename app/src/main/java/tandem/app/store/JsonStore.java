package tandem.app.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * One JSON file holding one value (the chat history, the settings).
 *
 * <p>Saving writes a temporary file beside the target and moves it over the target, so a crash
 * or a full disk mid-write leaves the previous file whole. Loading a file that cannot be read
 * renames it aside ({@code history.json.corrupt-20261126-071500}) and starts empty, telling the
 * caller where it went: the user's data is never silently lost or overwritten.
 */
public final class JsonStore<T> {
    private static final String TEMPORARY_SUFFIX = ".tmp";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path file;
    private final Class<T> type;
    private final Supplier<T> empty;
    private final String description;
    private final Salvage<T> salvage;
    private final WriteChannel writes;
    private final ObjectMapper mapper = newMapper();

    /** How the app reads and writes its JSON: indented, and tolerant of fields a newer version added. */
    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** @param description what the file holds, in words for messages ("chat history") */
    public JsonStore(Path file, Class<T> type, Supplier<T> empty, String description) {
        this(file, type, empty, description, null);
    }

    /**
     * @param salvage reads what is intact out of a file that does not parse as a whole (null: start empty)
     */
    public JsonStore(Path file, Class<T> type, Supplier<T> empty, String description, Salvage<T> salvage) {
        this(file, type, empty, description, salvage, WriteChannel.DISK);
    }

    private JsonStore(Path file, Class<T> type, Supplier<T> empty, String description, Salvage<T> salvage, WriteChannel writes) {
        this.salvage = salvage;
        this.file = file;
        this.type = type;
        this.empty = empty;
        this.description = description;
        this.writes = writes;
    }

    /**
     * This store, writing its temporary files through {@code writes}: how a test puts a file
     * system's failures (a full disk) between the store and the disk.
     */
    public JsonStore<T> writingThrough(WriteChannel writes) {
        return new JsonStore<>(file, type, empty, description, salvage, writes);
    }

    public Path file() { return file; }

    /**
     * The stored value, or the empty value when there is no file yet or it was set aside. Also
     * removes temporary files that a killed process left beside the file.
     */
    public Loaded<T> load() {
        deleteAbandonedTemporaryFiles();
        if (!Files.exists(file)) return new Loaded<>(empty.get(), null);
        try {
            T value = mapper.readValue(file.toFile(), type);
            return new Loaded<>(value == null ? empty.get() : value, null);
        } catch (JacksonException e) {
            String reason = firstLine(e.getOriginalMessage());
            Partial<T> partial = salvaged();
            if (partial == null) return new Loaded<>(empty.get(), setAside(reason, "a new one was started"));
            return new Loaded<>(partial.value(), setAside(reason, partial.kept() + " kept"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + description + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the file's content atomically. */
    public void save(T value) {
        Path tmp = null;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            // The writer's process id in the name lets a later start tell an abandoned file from a live write.
            tmp = Files.createTempFile(file.toAbsolutePath().getParent(), temporaryPrefix() + ProcessHandle.current().pid() + "-", TEMPORARY_SUFFIX);
            try (FileChannel channel = writes.open(tmp);
                 OutputStream out = Channels.newOutputStream(channel)) {
                mapper.writeValue(nonClosing(out), value);
                channel.force(true);
            }
            moveOver(tmp, file);
            tmp = null;
            forceFolder(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + description + " to " + file + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** What the salvage could read, or null when there is none or it found nothing. */
    private Partial<T> salvaged() {
        if (salvage == null) return null;
        try {
            return salvage.read(mapper, file);
        } catch (IOException | RuntimeException e) {
            return null; // nothing intact to keep: the file is still set aside whole
        }
    }

    private String setAside(String reason, String outcome) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + LocalDateTime.now().format(STAMP));
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("the " + description + " in " + file + " is unreadable and could not be set aside: "
                    + e.getMessage() + "; move it away by hand", e);
        }
        return "The " + description + " in " + file + " could not be read (" + reason + "): " + outcome
                + "; the file as it was is saved as " + aside + ".";
    }

    /** Temporary files of this store whose writer is gone (killed mid-save): they hold nothing the file lacks. */
    private void deleteAbandonedTemporaryFiles() {
        Path folder = file.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) return;
        String prefix = temporaryPrefix();
        try (var files = Files.list(folder)) {
            files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(prefix) && name.endsWith(TEMPORARY_SUFFIX) && !writerAlive(name.substring(prefix.length()));
            }).forEach(JsonStore::deleteQuietly);
        } catch (IOException e) {
            // Leftovers waste a few bytes; not a reason to refuse to start.
        }
    }

    /**
     * {@code "1234-567.tmp"}: true while process 1234 runs. This process's own id counts as gone:
     * stores load before they save, so such a file is from an earlier process that had the same id.
     */
    private static boolean writerAlive(String rest) {
        int dash = rest.indexOf('-');
        if (dash <= 0) return false;
        try {
            long pid = Long.parseLong(rest.substring(0, dash));
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private String temporaryPrefix() { return file.getFileName() + "."; }

    /** Makes the rename itself durable: without it a power cut can bring back the old file. */
    private static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open folders; the data itself is already forced.
        }
    }

    private static void moveOver(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Same folder, so this only happens on odd file systems; a plain replace is the best left.
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Jackson closes the stream it wrote; the channel must stay open for force(). */
    private static OutputStream nonClosing(OutputStream out) {
        return new OutputStream() {
            @Override public void write(int b) throws IOException { out.write(b); }
            @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
            @Override public void flush() throws IOException { out.flush(); }
            @Override public void close() throws IOException { out.flush(); }
        };
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp == null) return;
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // A leftover *.tmp is harmless; the save already reported its failure.
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "not valid JSON";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /**
     * @param problem a message for the user when the file was set aside, else null
     */
    public record Loaded<T>(T value, String problem) {}

    /** @param kept what was kept, in words for the message ("3 of 4 conversations") */
    public record Partial<T>(T value, String kept) {}

    /** Opens the (just created, empty) temporary file for the save to write. */
    @FunctionalInterface
    public interface WriteChannel {
        WriteChannel DISK = tmp -> FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);

        FileChannel open(Path tmp) throws IOException;
    }

    /** Reads the intact parts of a damaged file. */
    @FunctionalInterface
    public interface Salvage<T> {
        /** @return what is intact, or null when nothing is */
        Partial<T> read(ObjectMapper mapper, Path file) throws IOException;
    }
}
