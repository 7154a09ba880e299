package tandem.engine.gguf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte array written little-endian: the GGUF header before it goes to disk. */
final class LittleEndianBuffer {
    private byte[] bytes = new byte[4096];
    private int size;

    int size() { return size; }

    byte[] toByteArray() { return Arrays.copyOf(bytes, size); }

    void u8(int v) {
        ensure(1);
        bytes[size++] = (byte) v;
    }

    void u16(int v) {
        u8(v);
        u8(v >>> 8);
    }

    void u32(int v) {
        ensure(4);
        for (int i = 0; i < 4; i++) bytes[size++] = (byte) (v >>> (8 * i));
    }

    void u64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) bytes[size++] = (byte) (v >>> (8 * i));
    }

    void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
    }

    void padTo(long alignment) {
        while (size % alignment != 0) u8(0);
    }

    private void ensure(int n) {
        if (size + n > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
    }
}
