package tandem.engine.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tandem.engine.tensor.GgmlType;

/**
 * Reads the header, metadata and tensor infos of a GGUF file held in a memory segment, validating
 * every length and count against the bytes that remain before allocating anything, so a hostile
 * file ends in a {@link GgufException} and never in an OutOfMemoryError, a hang or a stack overflow.
 *
 * <p>Layout (little-endian): magic "GGUF", uint32 version, uint64 tensor count, uint64 metadata
 * count; then each metadata entry (string key, uint32 value type, value); then each tensor info
 * (string name, uint32 n_dims, uint64 dims[n_dims], uint32 ggml type, uint64 offset relative to
 * the data section); then padding to the alignment, then the data section. A string is a uint64
 * byte length and UTF-8 bytes; an array is a uint32 element type, a uint64 count and the elements.
 */
final class GgufParser {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    static final int MAX_DIMS = 4;
    /** GGUF allows arrays of arrays; real files nest at most once. Deeper means a hostile file. */
    static final int MAX_ARRAY_DEPTH = 8;
    static final long DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    /** Smallest possible tensor info: empty name (8), n_dims (4), type (4), offset (8). */
    private static final int MIN_TENSOR_INFO_BYTES = 24;
    /** Smallest possible metadata entry: empty key (8), type (4), a one-byte value. */
    private static final int MIN_KV_BYTES = 13;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What the parser found; the data section is not touched. */
    record Header(int version, long alignment, long dataOffset, GgufMetadata metadata, List<TensorInfo> tensors) {}

    private final MemorySegment bytes;
    private final String file;
    private final long size;
    private long pos;

    /**
     * Heap the decoded metadata may use. Counts are checked against the file's bytes, but a
     * string of one byte costs ~50 bytes of heap as a Java String: a huge hostile file of tiny
     * strings could still exhaust memory, so the parser stops at this estimate instead.
     */
    private long heapBudget;

    private GgufParser(MemorySegment bytes, String file, long heapBudget) {
        this.bytes = bytes;
        this.file = file;
        this.size = bytes.byteSize();
        this.heapBudget = heapBudget;
    }

    static Header parse(MemorySegment bytes, String file) {
        return parse(bytes, file, Math.max(Runtime.getRuntime().maxMemory() / 4, 64L << 20));
    }

    static Header parse(MemorySegment bytes, String file, long heapBudget) {
        return new GgufParser(bytes, file, heapBudget).parse();
    }

    /** Objects above this size are charged their bytes; every object costs at least its header. */
    private void charge(long heapBytes) {
        heapBudget -= heapBytes;
        if (heapBudget < 0) {
            throw fail(pos, "metadata needs more memory than allowed (a quarter of the Java heap); the file is corrupt, or raise -Xmx");
        }
    }

    private Header parse() {
        int magic = u32("magic");
        if (magic != MAGIC) {
            throw fail(0, String.format("bad magic 0x%08x, not a GGUF file (expected \"GGUF\")", Integer.reverseBytes(magic)));
        }
        int version = u32("version");
        if (version != 2 && version != 3) {
            int swapped = Integer.reverseBytes(version);
            String why = swapped == 2 || swapped == 3 ? "a big-endian GGUF file, which Tandem does not read"
                    : "GGUF version " + Integer.toUnsignedString(version) + " is not supported (Tandem reads versions 2 and 3; re-convert the model with a current llama.cpp)";
            throw fail(4, why);
        }
        long countsAt = pos;
        long tensorCount = u64("tensor count");
        long kvCount = u64("metadata count");
        if (Long.compareUnsigned(tensorCount, remaining() / MIN_TENSOR_INFO_BYTES) > 0) {
            throw fail(countsAt, "tensor count " + Long.toUnsignedString(tensorCount) + " runs past the end of the file (" + remaining() + " bytes left)");
        }
        if (Long.compareUnsigned(kvCount, remaining() / MIN_KV_BYTES) > 0) {
            throw fail(countsAt + 8, "metadata count " + Long.toUnsignedString(kvCount) + " runs past the end of the file (" + remaining() + " bytes left)");
        }

        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long keyAt = pos;
            String key = string("metadata key");
            String shown = GgufException.shown(key);
            long typeAt = pos;
            int typeId = u32("value type of " + shown);
            GgufValueType type = GgufValueType.fromIdOrNull(typeId);
            if (type == null) throw fail(typeAt, "unknown metadata value type " + Integer.toUnsignedString(typeId) + " for key " + shown);
            GgufValue value = value(type, shown, 0);
            if (kv.putIfAbsent(key, value) != null) throw fail(keyAt, "duplicate metadata key " + shown);
        }
        GgufMetadata metadata = new GgufMetadata(file, kv);
        long alignment = alignment(metadata);

        int capacity = (int) Math.min(tensorCount, 4096);
        List<TensorInfo> pending = new ArrayList<>(capacity);
        List<Long> relativeOffsets = new ArrayList<>(capacity);
        List<Long> infoOffsets = new ArrayList<>(capacity);
        Map<String, Boolean> names = new HashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            long infoAt = pos;
            String fullName = string("tensor name");
            if (names.putIfAbsent(fullName, Boolean.TRUE) != null) {
                throw fail(infoAt, "duplicate tensor " + GgufException.shown(fullName));
            }
            String name = GgufException.shown(fullName);
            long dimsAt = pos;
            int nDims = u32("dimension count of tensor " + name);
            if (nDims < 0 || nDims > MAX_DIMS) {
                throw fail(dimsAt, "tensor " + name + " has " + Integer.toUnsignedString(nDims) + " dimensions (at most " + MAX_DIMS + ")");
            }
            long[] dims = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                long dimAt = pos;
                dims[d] = u64("dimension of tensor " + name);
                if (dims[d] < 0) throw fail(dimAt, "tensor " + name + " has a dimension of " + Long.toUnsignedString(dims[d]) + ", too large");
                long hi = Math.multiplyHigh(elements, dims[d]);
                elements *= dims[d];
                if (hi != 0 || elements < 0) throw fail(dimAt, "dimensions of tensor " + name + " overflow: their product does not fit 63 bits");
            }
            long typeAt = pos;
            int typeId = u32("type of tensor " + name);
            GgmlType type = GgmlType.fromIdOrNull(typeId);
            if (type == null) throw fail(typeAt, "tensor " + name + " has unknown ggml type id " + Integer.toUnsignedString(typeId));
            long rowLength = nDims == 0 ? 1 : dims[0];
            if (rowLength % type.blockSize() != 0) {
                throw fail(dimsAt, "tensor " + name + ": row length " + rowLength + " is not a multiple of " + type + "'s block size " + type.blockSize());
            }
            long byteSize;
            try {
                byteSize = type.byteSize(elements);
            } catch (ArithmeticException e) {
                throw fail(dimsAt, "tensor " + name + ": byte size of " + elements + " " + type + " elements overflows");
            }
            long offsetAt = pos;
            long relative = u64("data offset of tensor " + name);
            pending.add(new TensorInfo(fullName, type, dims, 0, byteSize));
            relativeOffsets.add(relative);
            infoOffsets.add(offsetAt);
        }

        long dataOffset = alignUp(pos, alignment);
        List<TensorInfo> tensors = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            TensorInfo t = pending.get(i);
            long relative = relativeOffsets.get(i);
            long at = infoOffsets.get(i);
            if (relative < 0 || relative % alignment != 0) {
                throw fail(at, "tensor " + GgufException.shown(t.name()) + ": data offset " + Long.toUnsignedString(relative) + " is not a multiple of the alignment " + alignment);
            }
            long start = dataOffset + relative;
            if (start < 0 || start > size || t.byteSize() > size - start) {
                throw fail(at, "tensor " + GgufException.shown(t.name()) + ": data (" + t.byteSize() + " bytes at offset " + Long.toUnsignedString(relative)
                        + " of the data section at " + dataOffset + ") lies outside the file (" + size + " bytes; truncated download?)");
            }
            tensors.add(new TensorInfo(t.name(), t.type(), t.dims(), start, t.byteSize()));
        }
        rejectOverlaps(tensors, infoOffsets);
        return new Header(version, alignment, dataOffset, metadata, List.copyOf(tensors));
    }

    /** Two tensors sharing bytes means a corrupt index (llama.cpp requires them laid out back to back). */
    private void rejectOverlaps(List<TensorInfo> tensors, List<Long> infoOffsets) {
        Integer[] order = new Integer[tensors.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingLong(i -> tensors.get(i).offset()));
        for (int k = 1; k < order.length; k++) {
            TensorInfo prev = tensors.get(order[k - 1]), next = tensors.get(order[k]);
            if (prev.byteSize() > 0 && next.byteSize() > 0 && prev.offset() + prev.byteSize() > next.offset()) {
                throw fail(infoOffsets.get(order[k]), "data of tensors " + GgufException.shown(prev.name()) + " and "
                        + GgufException.shown(next.name()) + " overlap");
            }
        }
    }

    private long alignment(GgufMetadata metadata) {
        GgufValue v = metadata.find(ALIGNMENT_KEY).orElse(null);
        if (v == null) return DEFAULT_ALIGNMENT;
        if (!v.type().isInteger()) throw new GgufException(file + ": " + ALIGNMENT_KEY + ": expected uint32, found " + v.describe());
        long a = metadata.getLong(ALIGNMENT_KEY);
        if (a <= 0 || Long.bitCount(a) != 1 || a > (1L << 30)) {
            throw new GgufException(file + ": " + ALIGNMENT_KEY + " is " + a + ", not a power of two between 1 and 2^30");
        }
        return a;
    }

    static long alignUp(long x, long alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }

    private GgufValue value(GgufValueType type, String key, int depth) {
        return switch (type) {
            case UINT8 -> GgufValue.uint8(u8(key));
            case INT8 -> GgufValue.int8(u8(key));
            case UINT16 -> GgufValue.uint16(i16(key));
            case INT16 -> GgufValue.int16(i16(key));
            case UINT32 -> GgufValue.uint32(u32(key));
            case INT32 -> GgufValue.int32(u32(key));
            case UINT64 -> GgufValue.uint64(u64(key));
            case INT64 -> GgufValue.int64(u64(key));
            case FLOAT32 -> GgufValue.float32(Float.intBitsToFloat(u32(key)));
            case FLOAT64 -> GgufValue.float64(Double.longBitsToDouble(u64(key)));
            case BOOL -> GgufValue.bool(u8(key) != 0);
            case STRING -> GgufValue.string(string("value of " + key));
            case ARRAY -> array(key, depth);
        };
    }

    private GgufValue array(String key, int depth) {
        long arrayAt = pos;
        if (depth >= MAX_ARRAY_DEPTH) throw fail(arrayAt, "arrays nested deeper than " + MAX_ARRAY_DEPTH + " levels in key " + key);
        int elemId = u32("array element type of " + key);
        GgufValueType elem = GgufValueType.fromIdOrNull(elemId);
        if (elem == null) throw fail(arrayAt, "unknown array element type " + Integer.toUnsignedString(elemId) + " for key " + key);
        long countAt = pos;
        long count = u64("array length of " + key);
        if (Long.compareUnsigned(count, remaining() / elem.minBytes()) > 0) {
            throw fail(countAt, "array of " + Long.toUnsignedString(count) + " " + elem.label() + " for key " + key
                    + " runs past the end of the file (" + remaining() + " bytes left)");
        }
        if (count > Integer.MAX_VALUE - 8) throw fail(countAt, "array of " + count + " elements for key " + key + " is too long");
        int n = (int) count;
        Object array = switch (elem) {
            case UINT8, INT8 -> bulk(ValueLayout.JAVA_BYTE, new byte[n], n, key);
            case UINT16, INT16 -> bulk(I16, new short[n], n, key);
            case UINT32, INT32 -> bulk(U32, new int[n], n, key);
            case UINT64, INT64 -> bulk(U64, new long[n], n, key);
            case FLOAT32 -> bulk(F32, new float[n], n, key);
            case FLOAT64 -> bulk(F64, new double[n], n, key);
            case BOOL -> {
                boolean[] b = new boolean[n];
                for (int i = 0; i < n; i++) b[i] = u8(key) != 0;
                yield b;
            }
            case STRING -> {
                charge(4L * n);
                String[] s = new String[n];
                for (int i = 0; i < n; i++) s[i] = string("element " + i + " of " + key);
                yield s;
            }
            case ARRAY -> {
                charge(40L * n); // a GgufValue and its reference per element
                GgufValue[] nested = new GgufValue[n];
                for (int i = 0; i < n; i++) nested[i] = array(key, depth + 1);
                yield nested;
            }
        };
        return GgufValue.array(elem, array);
    }

    private Object bulk(ValueLayout layout, Object dst, int n, String key) {
        long bytesNeeded = (long) n * layout.byteSize();
        need(bytesNeeded, "elements of " + key);
        MemorySegment.copy(bytes, layout, pos, dst, 0, n);
        pos += bytesNeeded;
        return dst;
    }

    private String string(String what) {
        long at = pos;
        long length = u64("length of " + what);
        if (length < 0 || length > remaining()) {
            throw fail(at, "length " + Long.toUnsignedString(length) + " of " + what + " runs past the end of the file (" + remaining() + " bytes left)");
        }
        if (length > Integer.MAX_VALUE - 8) throw fail(at, what + " of " + length + " bytes is too long");
        if (length == 0) return "";
        charge(56 + length); // String + byte[] headers and the bytes
        byte[] b = new byte[(int) length];
        MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, pos, b, 0, b.length);
        pos += length;
        return new String(b, StandardCharsets.UTF_8);
    }

    private int u8(String what) {
        need(1, what);
        return bytes.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF;
    }

    private int i16(String what) {
        need(2, what);
        short v = bytes.get(I16, pos);
        pos += 2;
        return v;
    }

    private int u32(String what) {
        need(4, what);
        int v = bytes.get(U32, pos);
        pos += 4;
        return v;
    }

    private long u64(String what) {
        need(8, what);
        long v = bytes.get(U64, pos);
        pos += 8;
        return v;
    }

    private long remaining() {
        return size - pos;
    }

    private void need(long n, String what) {
        if (n > remaining()) {
            throw fail(pos, "truncated: the file ends (at " + size + " bytes) before the " + what + " (" + n + " bytes needed)");
        }
    }

    private GgufException fail(long offset, String problem) {
        return GgufException.at(file, offset, problem);
    }
}
