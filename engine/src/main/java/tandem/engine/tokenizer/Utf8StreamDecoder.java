package tandem.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of byte chunks into text, releasing characters only once all their bytes have
 * arrived: a character split over two byte-fallback tokens prints nothing until it is whole, and
 * never prints as mojibake. Bytes that cannot start or continue a valid UTF-8 sequence become
 * U+FFFD, one per offending byte.
 */
final class Utf8StreamDecoder {
    private byte[] pending = new byte[8];
    private int pendingLength;

    /** Adds bytes and returns the text they complete (possibly empty). */
    String accept(byte[] bytes) {
        if (pendingLength + bytes.length > pending.length) {
            pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
        pendingLength += bytes.length;
        return drain(false);
    }

    /** Returns what is held back, an incomplete character as U+FFFD. */
    String flush() {
        return drain(true);
    }

    private String drain(boolean atEnd) {
        ByteArrayOutputStream text = new ByteArrayOutputStream(pendingLength);
        int i = 0;
        while (i < pendingLength) {
            int lead = pending[i] & 0xFF;
            int need = sequenceLength(lead);
            if (need == 0) {
                writeReplacement(text);
                i++;
                continue;
            }
            int have = Math.min(need, pendingLength - i);
            int valid = validPrefix(i, have);
            if (valid == need) {
                text.write(pending, i, need);
                i += need;
            } else if (valid == have && !atEnd) {
                break; // a correct start of a character whose remaining bytes have not arrived yet
            } else {
                writeReplacement(text);
                i += Math.max(1, valid);
            }
        }
        System.arraycopy(pending, i, pending, 0, pendingLength - i);
        pendingLength -= i;
        return text.toString(StandardCharsets.UTF_8);
    }

    /** Bytes in a sequence started by {@code lead}, or 0 when it cannot start one. */
    private static int sequenceLength(int lead) {
        if (lead < 0x80) return 1;
        if (lead >= 0xC2 && lead <= 0xDF) return 2;
        if (lead >= 0xE0 && lead <= 0xEF) return 3;
        if (lead >= 0xF0 && lead <= 0xF4) return 4;
        return 0;
    }

    /** How many of the {@code have} bytes at {@code start} form a valid (possibly partial) sequence. */
    private int validPrefix(int start, int have) {
        int lead = pending[start] & 0xFF;
        for (int k = 1; k < have; k++) {
            int b = pending[start + k] & 0xFF;
            int low = 0x80, high = 0xBF;
            if (k == 1) { // the second byte excludes overlong forms and surrogates
                if (lead == 0xE0) low = 0xA0;
                else if (lead == 0xED) high = 0x9F;
                else if (lead == 0xF0) low = 0x90;
                else if (lead == 0xF4) high = 0x8F;
            }
            if (b < low || b > high) return k;
        }
        return have;
    }

    private static void writeReplacement(ByteArrayOutputStream text) {
        text.write(0xEF);
        text.write(0xBF);
        text.write(0xBD);
    }
}
