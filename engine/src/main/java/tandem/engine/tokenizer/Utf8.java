package tandem.engine.tokenizer;

/** UTF-8 helpers that work on a region of a Java string without allocating. */
final class Utf8 {
    private Utf8() {}

    /**
     * Writes the UTF-8 bytes of {@code text[from, to)} to {@code out} (grown as needed) and returns
     * the array that holds them; the byte count is left in {@code length[0]}. A lone surrogate is
     * written as U+FFFD, since it has no UTF-8 form.
     */
    static byte[] encode(CharSequence text, int from, int to, byte[] out, int[] length) {
        int n = 0;
        if (out.length < (to - from) * 3) out = new byte[(to - from) * 3 + 16];
        for (int i = from; i < to; i++) {
            int c = text.charAt(i);
            if (Character.isHighSurrogate((char) c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                c = Character.toCodePoint((char) c, text.charAt(++i));
            } else if (Character.isSurrogate((char) c)) {
                c = 0xFFFD;
            }
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xC0 | (c >> 6));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (c < 0x10000) {
                out[n++] = (byte) (0xE0 | (c >> 12));
                out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            } else {
                out[n++] = (byte) (0xF0 | (c >> 18));
                out[n++] = (byte) (0x80 | ((c >> 12) & 0x3F));
                out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        length[0] = n;
        return out;
    }
}
