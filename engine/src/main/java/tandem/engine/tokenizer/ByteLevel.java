package tandem.engine.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible byte-to-character map: byte-level BPE vocabularies spell every byte as one
 * printable character ("Ġ" is the space byte), so any UTF-8 text becomes a string of vocabulary
 * characters and back. Printable Latin-1 bytes map to themselves; the other 68 bytes map to
 * U+0100 upwards in byte order.
 */
final class ByteLevel {
    private ByteLevel() {}

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = (char) (printable ? b : next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    static char charOf(int b) { return BYTE_TO_CHAR[b & 0xFF]; }

    /** The byte a vocabulary character stands for, or -1 when it is not one of the 256. */
    static int byteOf(int c) { return c >= 0 && c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1; }
}
