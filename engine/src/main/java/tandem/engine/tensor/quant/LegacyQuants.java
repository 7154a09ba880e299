package tandem.engine.tensor.quant;

import java.lang.foreign.MemorySegment;

/**
 * The original ggml block formats: 32 weights per block, one f16 scale (and for the "_1" types an
 * f16 minimum). Within a block, weight j (0..15) sits in the low nibble of qs[j] and weight j+16
 * in the high nibble: the two halves of the block are interleaved by nibble, not stored in order.
 */
public final class LegacyQuants {
    private LegacyQuants() {}

    static final int QK = 32;
    /** Every legacy block starts with its f16 scale d. */
    public static final int D_OFFSET = 0;
    /** The "_1" types follow d with an f16 minimum m. */
    public static final int M_OFFSET = 2;

    /**
     * Q4_0, 18 bytes: f16 d; u8 qs[16]. w = d * (q - 8) with q the unsigned 4-bit code.
     */
    public static void q4_0(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++, off += 18, dstOff += QK) {
            float d = Bytes.f16(src, off + D_OFFSET);
            for (int j = 0; j < 16; j++) {
                int q = Bytes.u8(src, off + 2 + j);
                dst[dstOff + j] = d * ((q & 0xF) - 8);
                dst[dstOff + j + 16] = d * ((q >>> 4) - 8);
            }
        }
    }

    /**
     * Q4_1, 20 bytes: f16 d; f16 m; u8 qs[16]. w = d * q + m.
     */
    public static void q4_1(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++, off += 20, dstOff += QK) {
            float d = Bytes.f16(src, off + D_OFFSET);
            float m = Bytes.f16(src, off + M_OFFSET);
            for (int j = 0; j < 16; j++) {
                int q = Bytes.u8(src, off + 4 + j);
                dst[dstOff + j] = d * (q & 0xF) + m;
                dst[dstOff + j + 16] = d * (q >>> 4) + m;
            }
        }
    }

    /**
     * Q5_0, 22 bytes: f16 d; u8 qh[4] (a little-endian uint32 whose bit j is the fifth bit of
     * weight j); u8 qs[16] (low four bits, nibble-interleaved as above). w = d * (q - 16).
     */
    public static void q5_0(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++, off += 22, dstOff += QK) {
            float d = Bytes.f16(src, off + D_OFFSET);
            int qh = Bytes.u32(src, off + 2);
            for (int j = 0; j < 16; j++) {
                int q = Bytes.u8(src, off + 6 + j);
                int lo = (q & 0xF) | ((qh >>> j) & 1) << 4;
                int hi = (q >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
                dst[dstOff + j] = d * (lo - 16);
                dst[dstOff + j + 16] = d * (hi - 16);
            }
        }
    }

    /**
     * Q5_1, 24 bytes: f16 d; f16 m; u8 qh[4]; u8 qs[16], bits as in Q5_0. w = d * q + m.
     */
    public static void q5_1(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++, off += 24, dstOff += QK) {
            float d = Bytes.f16(src, off + D_OFFSET);
            float m = Bytes.f16(src, off + M_OFFSET);
            int qh = Bytes.u32(src, off + 4);
            for (int j = 0; j < 16; j++) {
                int q = Bytes.u8(src, off + 8 + j);
                int lo = (q & 0xF) | ((qh >>> j) & 1) << 4;
                int hi = (q >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
                dst[dstOff + j] = d * lo + m;
                dst[dstOff + j + 16] = d * hi + m;
            }
        }
    }

    /**
     * Q8_0, 34 bytes: f16 d; i8 qs[32] in order. w = d * q.
     */
    public static void q8_0(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++, off += 34, dstOff += QK) {
            float d = Bytes.f16(src, off + D_OFFSET);
            for (int j = 0; j < QK; j++) dst[dstOff + j] = d * Bytes.i8(src, off + 2 + j);
        }
    }
}
