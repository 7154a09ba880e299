package tandem.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An opened GGUF file: header, metadata and tensor infos, with each tensor's bytes handed out as
 * a read-only slice of one mapping of the whole file. The mapping lives in a shared arena owned by
 * this object; {@link #close()} unmaps it, after which every slice handed out is invalid.
 * Offsets are longs throughout, so files above 4 GiB work.
 */
public final class GgufFile implements AutoCloseable {
    private final Path path;
    private final Arena arena; // null when parsing memory the caller owns
    private final MemorySegment bytes;
    private final GgufParser.Header header;
    private final Map<String, TensorInfo> byName;

    private GgufFile(Path path, Arena arena, MemorySegment bytes, GgufParser.Header header) {
        this.path = path;
        this.arena = arena;
        this.bytes = bytes;
        this.header = header;
        this.byName = new HashMap<>();
        for (TensorInfo t : header.tensors()) byName.put(t.name(), t);
    }

    /** Maps and validates a GGUF file. */
    public static GgufFile open(Path path) {
        String name = path.toString();
        // mapping a directory fails with the OS's "No such device", which tells the user nothing
        if (Files.isDirectory(path)) throw new GgufException(name + ": is a directory, not a GGUF file");
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new GgufFile(path, arena, mapped, GgufParser.parse(mapped, name));
        } catch (NoSuchFileException e) {
            arena.close();
            throw new GgufException(name + ": no such file");
        } catch (IOException e) {
            arena.close();
            throw new GgufException(name + ": cannot read: " + e.getMessage());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Validates a GGUF image already in memory (tests, fuzzing). The caller keeps ownership of
     * {@code bytes}; {@link #close()} does not free it.
     *
     * @param name used in messages and as {@link #path()}
     */
    public static GgufFile parse(MemorySegment bytes, String name) {
        MemorySegment readOnly = bytes.asReadOnly();
        return new GgufFile(Path.of(name), null, readOnly, GgufParser.parse(readOnly, name));
    }

    public Path path() { return path; }

    public int version() { return header.version(); }

    /** {@code general.alignment}, 32 when absent. */
    public long alignment() { return header.alignment(); }

    /** Absolute offset of the data section; tensor offsets are absolute already. */
    public long dataOffset() { return header.dataOffset(); }

    /** Size of the file in bytes. */
    public long fileSize() { return bytes.byteSize(); }

    public GgufMetadata metadata() { return header.metadata(); }

    /** Tensor infos in file order. */
    public List<TensorInfo> tensors() { return header.tensors(); }

    public Optional<TensorInfo> tensor(String name) { return Optional.ofNullable(byName.get(name)); }

    public TensorInfo requireTensor(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) throw new GgufException(path + ": missing tensor " + name);
        return t;
    }

    /** The tensor's bytes: a read-only slice of the mapping, valid until {@link #close()}. */
    public MemorySegment data(TensorInfo t) {
        return bytes.asSlice(t.offset(), t.byteSize());
    }

    /** The whole file's bytes (read-only). */
    public MemorySegment bytes() { return bytes; }

    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) arena.close();
    }
}
