package tandem.engine.api;

/**
 * How the KV cache stores each key and value, as llama.cpp's {@code --cache-type-k/-v}: F16 (its
 * default and Tandem's), F32 (exact, twice the memory) or Q8_0 (GGML's block_q8_0: blocks of 32
 * values as one float16 scale and 32 int8, 34 bytes; a little over half of F16).
 *
 * @param blockValues values per block
 * @param blockBytes  bytes per block
 */
public enum CacheType {
    F16(1, 2), F32(1, 4), Q8_0(32, 34);

    private final int blockValues;
    private final int blockBytes;

    CacheType(int blockValues, int blockBytes) {
        this.blockValues = blockValues;
        this.blockBytes = blockBytes;
    }

    public int blockValues() { return blockValues; }

    public int blockBytes() { return blockBytes; }

    /**
     * Bytes of {@code values} cached values. The cache stores rows of whole blocks: a row's length
     * must be a multiple of {@link #blockValues()} ({@link #check}).
     */
    public long bytes(long values) {
        return values / blockValues * blockBytes;
    }

    /**
     * @throws TandemException when a head of headDim values is not whole blocks (Q8_0 needs a
     *                         multiple of 32, as llama.cpp's quantized caches do)
     */
    public void check(int headDim) {
        if (headDim % blockValues != 0) {
            throw new TandemException("--cache-type " + name().toLowerCase(java.util.Locale.ROOT) + " stores blocks of "
                    + blockValues + " values but this model's heads have " + headDim + "; use --cache-type f16");
        }
    }

    /** The name the options use: f16, f32, q8_0. */
    public String optionName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
