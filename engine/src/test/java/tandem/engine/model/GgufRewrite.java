package tandem.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufValue;
import tandem.engine.gguf.GgufWriter;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.tensor.GgmlType;

/**
 * Writes a modified copy of a GGUF file for tests: metadata keys renamed, replaced or dropped,
 * F32 tensors transformed or replaced, tensors added.
 */
public final class GgufRewrite {
    /** A tensor to write: F32 values with dims in GGUF order. */
    public record F32Tensor(long[] dims, float[] values) {}

    private final GgufFile source;
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final Map<String, F32Tensor> replaced = new LinkedHashMap<>();
    private final Map<String, F32Tensor> added = new LinkedHashMap<>();
    private final java.util.Set<String> dropped = new java.util.HashSet<>();

    public GgufRewrite(GgufFile source) {
        this.source = source;
        metadata.putAll(source.metadata().asMap());
    }

    /** Renames every key starting with {@code from} to start with {@code to} instead. */
    public GgufRewrite renamePrefix(String from, String to) {
        Map<String, GgufValue> renamed = new LinkedHashMap<>();
        metadata.forEach((k, v) -> renamed.put(k.startsWith(from) ? to + k.substring(from.length()) : k, v));
        metadata.clear();
        metadata.putAll(renamed);
        return this;
    }

    public GgufRewrite put(String key, GgufValue value) {
        metadata.put(key, value);
        return this;
    }

    public GgufRewrite remove(String key) {
        metadata.remove(key);
        return this;
    }

    /** Replaces an existing tensor (written as F32). */
    public GgufRewrite replace(String name, long[] dims, float[] values) {
        replaced.put(name, new F32Tensor(dims, values));
        return this;
    }

    /** Replaces an F32 tensor by a function of its values (same dims). */
    public GgufRewrite transform(String name, UnaryOperator<float[]> f) {
        TensorInfo t = source.requireTensor(name);
        return replace(name, t.dims(), f.apply(values(t)));
    }

    public GgufRewrite drop(String name) {
        dropped.add(name);
        return this;
    }

    public GgufRewrite add(String name, long[] dims, float[] values) {
        added.put(name, new F32Tensor(dims, values));
        return this;
    }

    /** The values of an F32 tensor of the source. */
    public float[] values(TensorInfo t) {
        if (t.type() != GgmlType.F32) throw new IllegalArgumentException(t.name() + " is " + t.type() + ", not F32");
        return source.data(t).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
    }

    public Path write(Path out) {
        try (Arena arena = Arena.ofShared()) { // the writer fills chunks on several threads
            GgufWriter w = new GgufWriter();
            metadata.forEach(w::put);
            for (TensorInfo t : source.tensors()) {
                if (dropped.contains(t.name())) continue;
                F32Tensor r = replaced.get(t.name());
                if (r == null) w.addTensor(t.name(), t.type(), t.dims(), source.data(t));
                else w.addTensor(t.name(), GgmlType.F32, r.dims(), segment(arena, r.values()));
            }
            added.forEach((name, t) -> w.addTensor(name, GgmlType.F32, t.dims(), segment(arena, t.values())));
            w.write(out);
        }
        return out;
    }

    private static MemorySegment segment(Arena arena, float[] values) {
        MemorySegment s = arena.allocate((long) values.length * Float.BYTES, 32);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
        return s;
    }
}
