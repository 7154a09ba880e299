package tandem.engine.gguf;

/** The metadata value types of GGUF, with their on-disk ids. */
public enum GgufValueType {
    UINT8(0, 1), INT8(1, 1), UINT16(2, 2), INT16(3, 2), UINT32(4, 4), INT32(5, 4), FLOAT32(6, 4),
    BOOL(7, 1), STRING(8, 8), ARRAY(9, 12), UINT64(10, 8), INT64(11, 8), FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = new GgufValueType[13];

    static {
        for (GgufValueType t : values()) BY_ID[t.id] = t;
    }

    private final int id;
    private final int minBytes;

    GgufValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    public int id() { return id; }

    /**
     * The fewest bytes one value of this type occupies in a file: its size for numbers, the length
     * prefix for strings, the element-type and count header for arrays. Lets the reader reject an
     * element count before allocating anything for it.
     */
    public int minBytes() { return minBytes; }

    /** True for the integer types (signed or not). */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** The type with this id, or null when GGUF defines none. */
    public static GgufValueType fromIdOrNull(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** Lower-case name as used in messages ("uint32", "string"). */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
