package tandem.engine.tokenizer;

/**
 * Per-token attribute bits, as llama.cpp keeps them. GGUF stores one token type per token
 * ({@code tokenizer.ggml.token_type}); the loader turns it into these bits and may add STRIP
 * bits or CONTROL for tokens the reference treats specially.
 */
public final class TokenAttr {
    private TokenAttr() {}

    public static final int UNDEFINED = 0;
    public static final int UNKNOWN = 1;
    public static final int UNUSED = 1 << 1;
    public static final int NORMAL = 1 << 2;
    public static final int CONTROL = 1 << 3;
    public static final int USER_DEFINED = 1 << 4;
    public static final int BYTE = 1 << 5;
    /** Whitespace left of the token is swallowed when special tokens are split out. */
    public static final int LSTRIP = 1 << 7;
    /** Whitespace right of the token is swallowed when special tokens are split out. */
    public static final int RSTRIP = 1 << 8;

    /** Maps a GGUF token type (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte). */
    public static int fromGgufType(int type) {
        return switch (type) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> UNDEFINED;
        };
    }
}
