package tandem.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import tandem.engine.api.TandemException;
import tandem.engine.tensor.GgmlType;

/**
 * Writes GGUF version 3 files: metadata (every value type, nested arrays), tensor infos and
 * tensor data, each tensor's data padded to the alignment ({@code general.alignment} when that
 * key is put, else 32).
 *
 * <p>Tensor data streams through {@link TensorSource}s: chunks are filled by a pool of threads
 * and written in order with large writes, so a 40 GB synthetic model goes at disk speed without
 * being held in memory. The file appears under its name only when complete (written to a
 * temporary name, then moved).
 */
public final class GgufWriter {
    /** Default bytes per chunk handed to a TensorSource (rounded down to whole blocks). */
    static final int DEFAULT_CHUNK_BYTES = 32 << 20;

    private record PendingTensor(String name, GgmlType type, long[] dims, long byteSize, TensorSource source) {}

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new LinkedHashSet<>();
    private int threads = Runtime.getRuntime().availableProcessors();
    private int chunkBytes = DEFAULT_CHUNK_BYTES;

    /** Puts a metadata value; putting an existing key replaces its value and keeps its position. */
    public GgufWriter put(String key, GgufValue value) {
        if (key.equals(GgufParser.ALIGNMENT_KEY)) validateAlignment(value);
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putString(String key, String v) { return put(key, GgufValue.string(v)); }
    public GgufWriter putUInt32(String key, long v) { return put(key, GgufValue.uint32(v)); }
    public GgufWriter putFloat32(String key, float v) { return put(key, GgufValue.float32(v)); }
    public GgufWriter putBool(String key, boolean v) { return put(key, GgufValue.bool(v)); }

    /** Copies every entry of {@code source} (in its order). */
    public GgufWriter putAll(GgufMetadata source) {
        source.asMap().forEach(this::put);
        return this;
    }

    /** Adds a tensor; {@code dims} in GGUF order (row length first). */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, TensorSource source) {
        if (!tensorNames.add(name)) throw new IllegalArgumentException("duplicate tensor " + name);
        if (dims.length > GgufParser.MAX_DIMS) throw new IllegalArgumentException(name + ": more than " + GgufParser.MAX_DIMS + " dimensions");
        long elements = 1;
        for (long d : dims) elements = Math.multiplyExact(elements, d);
        if (dims.length > 0 && dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": row length " + dims[0] + " is not a multiple of " + type + "'s block size");
        }
        tensors.add(new PendingTensor(name, type, dims.clone(), type.byteSize(elements), source));
        return this;
    }

    /** Adds a tensor whose bytes are already in memory. */
    public GgufWriter addTensor(String name, GgmlType type, long[] dims, MemorySegment data) {
        addTensor(name, type, dims, TensorSource.of(data));
        PendingTensor t = tensors.getLast();
        if (data.byteSize() != t.byteSize()) {
            tensors.removeLast();
            tensorNames.remove(name);
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes given, " + t.byteSize() + " needed");
        }
        return this;
    }

    /** Threads that fill chunks (default: available processors). */
    public GgufWriter threads(int n) {
        this.threads = Math.max(1, n);
        return this;
    }

    /** Chunk size for streaming (tests use small chunks to exercise ordering). */
    GgufWriter chunkBytes(int n) {
        if (n < 1024) throw new IllegalArgumentException("chunks hold at least one block of every type: 1024 bytes or more");
        this.chunkBytes = n;
        return this;
    }

    public long alignment() {
        GgufValue v = metadata.get(GgufParser.ALIGNMENT_KEY);
        return v == null ? GgufParser.DEFAULT_ALIGNMENT : ((Number) v.value()).longValue();
    }

    /** The tensors as the file will list them, with absolute offsets. */
    public List<TensorInfo> plannedTensors() {
        return layout().tensors();
    }

    /** The exact size of the file {@link #write} will produce. */
    public long fileSize() {
        Layout l = layout();
        return l.dataOffset() + l.dataBytes();
    }

    /** Header bytes, tensor data offsets and data size, computed without touching any data. */
    private record Layout(byte[] header, long dataOffset, List<TensorInfo> tensors, long dataBytes) {}

    private Layout layout() {
        long alignment = alignment();
        LittleEndianBuffer b = new LittleEndianBuffer();
        b.u32(GgufParser.MAGIC);
        b.u32(3);
        b.u64(tensors.size());
        b.u64(metadata.size());
        metadata.forEach((k, v) -> {
            b.string(k);
            b.u32(v.type().id());
            writeValue(b, v);
        });
        long relative = 0;
        List<Long> offsets = new ArrayList<>();
        for (PendingTensor t : tensors) {
            b.string(t.name());
            b.u32(t.dims().length);
            for (long d : t.dims()) b.u64(d);
            b.u32(t.type().id());
            b.u64(relative);
            offsets.add(relative);
            relative += GgufParser.alignUp(t.byteSize(), alignment);
        }
        b.padTo(alignment);
        long dataOffset = b.size();
        List<TensorInfo> infos = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            PendingTensor t = tensors.get(i);
            infos.add(new TensorInfo(t.name(), t.type(), t.dims(), dataOffset + offsets.get(i), t.byteSize()));
        }
        return new Layout(b.toByteArray(), dataOffset, List.copyOf(infos), relative);
    }

    private static void writeValue(LittleEndianBuffer b, GgufValue v) {
        Object x = v.value();
        switch (v.type()) {
            case UINT8, INT8, BOOL -> b.u8(x instanceof Boolean bool ? (bool ? 1 : 0) : (Integer) x);
            case UINT16, INT16 -> b.u16((Integer) x);
            case INT32 -> b.u32((Integer) x);
            case UINT32, UINT64, INT64 -> {
                if (v.type() == GgufValueType.UINT32) b.u32((int) (long) (Long) x);
                else b.u64((Long) x);
            }
            case FLOAT32 -> b.u32(Float.floatToRawIntBits((Float) x));
            case FLOAT64 -> b.u64(Double.doubleToRawLongBits((Double) x));
            case STRING -> b.string((String) x);
            case ARRAY -> writeArray(b, v);
        }
    }

    private static void writeArray(LittleEndianBuffer b, GgufValue v) {
        b.u32(v.elementType().id());
        int n = v.arrayLength();
        b.u64(n);
        Object a = v.value();
        for (int i = 0; i < n; i++) {
            switch (v.elementType()) {
                case UINT8, INT8 -> b.u8(((byte[]) a)[i]);
                case UINT16, INT16 -> b.u16(((short[]) a)[i]);
                case UINT32, INT32 -> b.u32(((int[]) a)[i]);
                case UINT64, INT64 -> b.u64(((long[]) a)[i]);
                case FLOAT32 -> b.u32(Float.floatToRawIntBits(((float[]) a)[i]));
                case FLOAT64 -> b.u64(Double.doubleToRawLongBits(((double[]) a)[i]));
                case BOOL -> b.u8(((boolean[]) a)[i] ? 1 : 0);
                case STRING -> b.string(((String[]) a)[i]);
                case ARRAY -> writeArray(b, ((GgufValue[]) a)[i]);
            }
        }
    }

    private static void validateAlignment(GgufValue v) {
        if (v.type() != GgufValueType.UINT32) throw new IllegalArgumentException(GgufParser.ALIGNMENT_KEY + " must be a uint32");
        long a = (Long) v.value();
        if (a <= 0 || Long.bitCount(a) != 1 || a > (1L << 30)) throw new IllegalArgumentException(GgufParser.ALIGNMENT_KEY + " must be a power of two");
    }

    /** The whole file in memory (tests, fuzzing); for files under 2 GiB. */
    public byte[] toByteArray() {
        Layout l = layout();
        long total = l.dataOffset() + l.dataBytes();
        if (total > Integer.MAX_VALUE - 8) throw new IllegalStateException("file of " + total + " bytes does not fit a byte array");
        byte[] out = new byte[(int) total];
        System.arraycopy(l.header(), 0, out, 0, l.header().length);
        MemorySegment whole = MemorySegment.ofArray(out);
        for (int i = 0; i < tensors.size(); i++) {
            TensorInfo info = l.tensors().get(i);
            if (info.byteSize() > 0) tensors.get(i).source().fill(whole.asSlice(info.offset(), info.byteSize()), 0);
        }
        return out;
    }

    /** Writes the file; see {@link #write(Path, LongConsumer)}. */
    public void write(Path out) {
        write(out, bytes -> {});
    }

    /**
     * Writes the file to {@code out} (replacing it), streaming tensor data from the sources.
     *
     * @param progress told the number of bytes written so far, after each chunk
     */
    public void write(Path out, LongConsumer progress) {
        Layout l = layout();
        Path tmp = out.resolveSibling(out.getFileName() + ".partial");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(ch, ByteBuffer.wrap(l.header()));
            long written = l.header().length;
            written += writeTensorData(ch, l, written, progress);
            if (written != l.dataOffset() + l.dataBytes()) throw new IllegalStateException("wrote " + written + " bytes, planned " + (l.dataOffset() + l.dataBytes()));
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new TandemException("cannot write " + out + ": " + e.getMessage());
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
        try {
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TandemException("cannot move " + tmp + " to " + out + ": " + e.getMessage());
        }
    }

    /** One chunk being filled, and the zero padding that follows it in the file (after a tensor's last chunk). */
    private record Chunk(MemorySegment buffer, long length, long padAfter) {}

    private long writeTensorData(FileChannel ch, Layout l, long alreadyWritten, LongConsumer progress) throws IOException {
        long alignment = alignment();
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.max(alignment, 4096));
        long written = writeZeros(ch, zeros, l.dataOffset() - alreadyWritten);
        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "gguf-writer");
            t.setDaemon(true);
            return t;
        })) {
            // Chunks are filled in parallel but written strictly in order; a buffer returns to
            // the free list once its chunk is on disk.
            ArrayDeque<MemorySegment> free = new ArrayDeque<>();
            for (int i = 0; i < threads + 2; i++) free.add(arena.allocate(chunkBytes, 4096));
            ArrayDeque<Future<Chunk>> inFlight = new ArrayDeque<>();
            for (PendingTensor t : tensors) {
                long chunk = Math.max(1, chunkBytes / t.type().typeSize()) * t.type().typeSize();
                long pad = GgufParser.alignUp(t.byteSize(), alignment) - t.byteSize();
                for (long off = 0; off < t.byteSize(); off += chunk) {
                    if (free.isEmpty()) written += drainOne(ch, inFlight, free, zeros, alreadyWritten + written, progress);
                    MemorySegment buffer = free.poll();
                    long length = Math.min(chunk, t.byteSize() - off);
                    long padAfter = off + length == t.byteSize() ? pad : 0;
                    long tensorOffset = off;
                    TensorSource source = t.source();
                    inFlight.add(pool.submit(() -> {
                        source.fill(buffer.asSlice(0, length), tensorOffset);
                        return new Chunk(buffer, length, padAfter);
                    }));
                }
            }
            while (!inFlight.isEmpty()) written += drainOne(ch, inFlight, free, zeros, alreadyWritten + written, progress);
        }
        return written;
    }

    private static long drainOne(FileChannel ch, ArrayDeque<Future<Chunk>> inFlight, ArrayDeque<MemorySegment> free,
                                 ByteBuffer zeros, long total, LongConsumer progress) throws IOException {
        Chunk c;
        try {
            c = inFlight.poll().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TandemException("writing interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
        writeFully(ch, c.buffer().asSlice(0, c.length()).asByteBuffer());
        writeZeros(ch, zeros, c.padAfter());
        free.add(c.buffer());
        long n = c.length() + c.padAfter();
        progress.accept(total + n);
        return n;
    }

    private static long writeZeros(FileChannel ch, ByteBuffer zeros, long n) throws IOException {
        long left = n;
        while (left > 0) {
            int k = (int) Math.min(left, zeros.capacity());
            writeFully(ch, zeros.clear().limit(k));
            left -= k;
        }
        return n;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the original error is the one worth reporting
        }
    }
}
