package tandem.engine.gguf;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One metadata value.
 *
 * <p>Java representation of {@code value} by type (unsigned values keep their raw bits):
 * UINT8, INT8, UINT16, INT16, INT32 → {@link Integer} (unsigned ones zero-extended);
 * UINT32, UINT64, INT64 → {@link Long} (a UINT64 above {@code Long.MAX_VALUE} reads negative);
 * FLOAT32 → {@link Float}; FLOAT64 → {@link Double}; BOOL → {@link Boolean}; STRING → {@link String};
 * ARRAY → a Java array chosen by {@code elementType}: byte[] (UINT8, INT8), short[] (UINT16, INT16),
 * int[] (UINT32, INT32), long[] (UINT64, INT64), float[], double[], boolean[], String[], or
 * GgufValue[] for nested arrays (each element itself an ARRAY value).
 *
 * @param elementType the element type of an ARRAY value; null for scalars
 */
public record GgufValue(GgufValueType type, Object value, GgufValueType elementType) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if ((type == GgufValueType.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("elementType is required for arrays and only for arrays");
        }
        Class<?> expected = type == GgufValueType.ARRAY ? arrayClass(elementType) : scalarClass(type);
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException(describe(type, elementType) + " needs a " + expected.getSimpleName() + ", got " + value.getClass().getSimpleName());
        }
    }

    /** A scalar value. */
    public GgufValue(GgufValueType type, Object value) {
        this(type, value, null);
    }

    public static GgufValue uint8(int v) { return new GgufValue(GgufValueType.UINT8, v & 0xFF); }
    public static GgufValue int8(int v) { return new GgufValue(GgufValueType.INT8, (int) (byte) v); }
    public static GgufValue uint16(int v) { return new GgufValue(GgufValueType.UINT16, v & 0xFFFF); }
    public static GgufValue int16(int v) { return new GgufValue(GgufValueType.INT16, (int) (short) v); }
    public static GgufValue uint32(long v) { return new GgufValue(GgufValueType.UINT32, v & 0xFFFF_FFFFL); }
    public static GgufValue int32(int v) { return new GgufValue(GgufValueType.INT32, v); }
    public static GgufValue uint64(long v) { return new GgufValue(GgufValueType.UINT64, v); }
    public static GgufValue int64(long v) { return new GgufValue(GgufValueType.INT64, v); }
    public static GgufValue float32(float v) { return new GgufValue(GgufValueType.FLOAT32, v); }
    public static GgufValue float64(double v) { return new GgufValue(GgufValueType.FLOAT64, v); }
    public static GgufValue bool(boolean v) { return new GgufValue(GgufValueType.BOOL, v); }
    public static GgufValue string(String v) { return new GgufValue(GgufValueType.STRING, v); }

    /** An array; {@code javaArray} must be the Java array type listed in the class comment. */
    public static GgufValue array(GgufValueType elementType, Object javaArray) {
        return new GgufValue(GgufValueType.ARRAY, javaArray, elementType);
    }

    public static GgufValue stringArray(List<String> v) { return array(GgufValueType.STRING, v.toArray(String[]::new)); }
    public static GgufValue floatArray(float[] v) { return array(GgufValueType.FLOAT32, v); }
    public static GgufValue int32Array(int[] v) { return array(GgufValueType.INT32, v); }

    /** Number of elements of an array value. */
    public int arrayLength() {
        if (type != GgufValueType.ARRAY) throw new IllegalStateException(describe() + " is not an array");
        return java.lang.reflect.Array.getLength(value);
    }

    /** "uint32", "string", "array of float32". */
    public String describe() {
        return describe(type, elementType);
    }

    static String describe(GgufValueType type, GgufValueType elementType) {
        return type == GgufValueType.ARRAY ? "array of " + elementType.label() : type.label();
    }

    static Class<?> scalarClass(GgufValueType type) {
        return switch (type) {
            case UINT8, INT8, UINT16, INT16, INT32 -> Integer.class;
            case UINT32, UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> throw new IllegalArgumentException("ARRAY is not a scalar type");
        };
    }

    static Class<?> arrayClass(GgufValueType elementType) {
        return switch (elementType) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GgufValue[].class;
        };
    }

    /** Arrays compare by content, so values read back from a file equal the ones written. */
    @Override
    public boolean equals(Object o) {
        return o instanceof GgufValue v && type == v.type && elementType == v.elementType && Objects.deepEquals(value, v.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, elementType, Arrays.deepHashCode(new Object[] {value}));
    }

    @Override
    public String toString() {
        if (type != GgufValueType.ARRAY) return describe() + " " + value;
        return describe() + "[" + arrayLength() + "]";
    }
}
