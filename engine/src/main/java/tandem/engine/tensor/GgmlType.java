package tandem.engine.tensor;

import tandem.engine.api.TandemException;

/**
 * Every tensor element type llama.cpp's ggml defines, with its on-disk id, block size (elements
 * per block) and bytes per block. Ids that ggml retired (4, 5, 31-33, 36-38) are absent on purpose:
 * a file using one is rejected as an unknown type. Tandem decodes the {@link #isSupported() supported}
 * subset; the others are recognised so an error can name them.
 */
public enum GgmlType {
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 18, true),
    Q4_1(3, 32, 20, true),
    Q5_0(6, 32, 22, true),
    Q5_1(7, 32, 24, true),
    Q8_0(8, 32, 34, true),
    Q8_1(9, 32, 36, false),
    Q2_K(10, 256, 84, true),
    Q3_K(11, 256, 110, true),
    Q4_K(12, 256, 144, true),
    Q5_K(13, 256, 176, true),
    Q6_K(14, 256, 210, true),
    Q8_K(15, 256, 292, false),
    IQ2_XXS(16, 256, 66, false),
    IQ2_XS(17, 256, 74, false),
    IQ3_XXS(18, 256, 98, false),
    IQ1_S(19, 256, 50, false),
    IQ4_NL(20, 32, 18, true),
    IQ3_S(21, 256, 110, false),
    IQ2_S(22, 256, 82, false),
    IQ4_XS(23, 256, 136, true),
    I8(24, 1, 1, false),
    I16(25, 1, 2, false),
    I32(26, 1, 4, false),
    I64(27, 1, 8, false),
    F64(28, 1, 8, false),
    IQ1_M(29, 256, 56, false),
    BF16(30, 1, 2, true),
    TQ1_0(34, 256, 54, false),
    TQ2_0(35, 256, 66, false),
    MXFP4(39, 32, 17, true),
    NVFP4(40, 64, 36, false),
    Q1_0(41, 128, 18, false),
    Q2_0(42, 64, 18, false);

    private static final GgmlType[] BY_ID = new GgmlType[43];

    static {
        for (GgmlType t : values()) BY_ID[t.id] = t;
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final boolean supported;

    GgmlType(int id, int blockSize, int typeSize, boolean supported) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.supported = supported;
    }

    /** The id stored in GGUF tensor infos. */
    public int id() { return id; }

    /** The name in lower case ("q4_k"), as llama.cpp's tools, the shader variants and profile labels spell it. */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** Elements per block (1 for plain number types). */
    public int blockSize() { return blockSize; }

    /** Bytes per block. */
    public int typeSize() { return typeSize; }

    /** True for the types Tandem can decode and compute with. */
    public boolean isSupported() { return supported; }

    /** True for types made of quantised blocks rather than plain numbers. */
    public boolean isQuantized() { return blockSize > 1; }

    /**
     * Bytes that {@code elements} values of this type occupy.
     *
     * @throws IllegalArgumentException if the count is negative or not a multiple of the block size
     * @throws ArithmeticException      if the size does not fit in a long
     */
    public long byteSize(long elements) {
        if (elements < 0 || elements % blockSize != 0) {
            throw new IllegalArgumentException(name() + ": " + elements + " elements is not a whole number of " + blockSize + "-element blocks");
        }
        return Math.multiplyExact(elements / blockSize, (long) typeSize);
    }

    /** The type with this id, or null when ggml defines none (callers turn that into their own error). */
    public static GgmlType fromIdOrNull(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** The type with this id; throws {@link TandemException} naming the id when ggml defines none. */
    public static GgmlType fromId(int id) {
        GgmlType t = fromIdOrNull(id);
        if (t == null) throw new TandemException("unknown ggml type id " + id + " (not a type llama.cpp defines)");
        return t;
    }

    /** Throws the user-facing "not supported yet" error when this type cannot be decoded. */
    public void requireSupported(String tensorName) {
        if (!supported) {
            throw new TandemException("tensor " + tensorName + " uses " + name() + ", which Tandem does not support yet");
        }
    }

    /** Parses a user-given type name such as {@code q4_k} or {@code F16} (case-insensitive). */
    public static GgmlType parse(String name) {
        for (GgmlType t : values()) {
            if (t.name().equalsIgnoreCase(name)) return t;
        }
        throw new TandemException("unknown tensor type '" + name + "'");
    }
}
