package tandem.engine.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The key-value metadata of a GGUF file, in file order, with typed getters. A getter that finds
 * a value of the wrong type throws {@link GgufException} "FILE: KEY: expected string, found uint32";
 * a required key that is absent throws "FILE: missing KEY".
 */
public final class GgufMetadata {
    private final String source;
    private final Map<String, GgufValue> values;

    /** @param source the file name used in messages */
    public GgufMetadata(String source, Map<String, GgufValue> values) {
        this.source = source;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Keys in file order. */
    public List<String> keys() { return List.copyOf(values.keySet()); }

    /** All entries in file order (unmodifiable). */
    public Map<String, GgufValue> asMap() { return values; }

    public boolean contains(String key) { return values.containsKey(key); }

    public Optional<GgufValue> find(String key) { return Optional.ofNullable(values.get(key)); }

    public GgufValue value(String key) {
        GgufValue v = values.get(key);
        if (v == null) throw new GgufException(source + ": missing " + key);
        return v;
    }

    public String getString(String key) { return asString(key, value(key)); }

    public Optional<String> optString(String key) { return find(key).map(v -> asString(key, v)); }

    /** Any integer type as a long; a UINT64 above Long.MAX_VALUE is an error. */
    public long getLong(String key) { return asLong(key, value(key)); }

    public OptionalLong optLong(String key) {
        GgufValue v = values.get(key);
        return v == null ? OptionalLong.empty() : OptionalLong.of(asLong(key, v));
    }

    /** Any integer type whose value fits an int. */
    public int getInt(String key) { return toInt(key, asLong(key, value(key))); }

    public OptionalInt optInt(String key) {
        GgufValue v = values.get(key);
        return v == null ? OptionalInt.empty() : OptionalInt.of(toInt(key, asLong(key, v)));
    }

    /** A FLOAT32 or FLOAT64 value. */
    public float getFloat(String key) { return asFloat(key, value(key)); }

    public Optional<Float> optFloat(String key) { return find(key).map(v -> asFloat(key, v)); }

    public boolean getBool(String key, boolean dflt) {
        GgufValue v = values.get(key);
        if (v == null) return dflt;
        if (v.type() != GgufValueType.BOOL) throw wrongType(key, "bool", v);
        return (Boolean) v.value();
    }

    public List<String> getStringArray(String key) {
        GgufValue v = value(key);
        if (v.type() != GgufValueType.ARRAY || v.elementType() != GgufValueType.STRING) throw wrongType(key, "array of string", v);
        return List.of((String[]) v.value());
    }

    /** A FLOAT32 (or FLOAT64, narrowed) array. */
    public float[] getFloatArray(String key) {
        GgufValue v = value(key);
        if (v.type() == GgufValueType.ARRAY && v.elementType() == GgufValueType.FLOAT32) return ((float[]) v.value()).clone();
        if (v.type() == GgufValueType.ARRAY && v.elementType() == GgufValueType.FLOAT64) {
            double[] d = (double[]) v.value();
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
            return f;
        }
        throw wrongType(key, "array of float32", v);
    }

    /** An array of any integer type whose values all fit an int. */
    public int[] getIntArray(String key) {
        GgufValue v = value(key);
        if (v.type() != GgufValueType.ARRAY || !v.elementType().isInteger()) throw wrongType(key, "array of integers", v);
        int n = v.arrayLength();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = toInt(key, integerElement(v, i));
        return out;
    }

    /** Element {@code i} of an integer array, interpreted with the array's signedness. */
    static long integerElement(GgufValue v, int i) {
        Object a = v.value();
        return switch (v.elementType()) {
            case UINT8 -> ((byte[]) a)[i] & 0xFFL;
            case INT8 -> ((byte[]) a)[i];
            case UINT16 -> ((short[]) a)[i] & 0xFFFFL;
            case INT16 -> ((short[]) a)[i];
            case UINT32 -> ((int[]) a)[i] & 0xFFFF_FFFFL;
            case INT32 -> ((int[]) a)[i];
            case UINT64, INT64 -> ((long[]) a)[i];
            default -> throw new IllegalStateException("not an integer array");
        };
    }

    private String asString(String key, GgufValue v) {
        if (v.type() != GgufValueType.STRING) throw wrongType(key, "string", v);
        return (String) v.value();
    }

    private long asLong(String key, GgufValue v) {
        if (!v.type().isInteger()) throw wrongType(key, "an integer", v);
        long x = v.type() == GgufValueType.UINT32 || v.type() == GgufValueType.UINT64 || v.type() == GgufValueType.INT64
                ? (Long) v.value() : (Integer) v.value();
        if (v.type() == GgufValueType.UINT64 && x < 0) {
            throw new GgufException(source + ": " + key + ": value " + Long.toUnsignedString(x) + " is too large");
        }
        return x;
    }

    private int toInt(String key, long x) {
        if (x != (int) x) throw new GgufException(source + ": " + key + ": value " + x + " does not fit a 32-bit integer");
        return (int) x;
    }

    private float asFloat(String key, GgufValue v) {
        return switch (v.type()) {
            case FLOAT32 -> (Float) v.value();
            case FLOAT64 -> (float) (double) (Double) v.value();
            default -> throw wrongType(key, "float32", v);
        };
    }

    private GgufException wrongType(String key, String expected, GgufValue found) {
        return new GgufException(source + ": " + key + ": expected " + expected + ", found " + found.describe());
    }
}
