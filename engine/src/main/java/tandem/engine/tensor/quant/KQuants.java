package tandem.engine.tensor.quant;

import java.lang.foreign.MemorySegment;

/**
 * The "k-quant" super-block formats: 256 weights per block, split into sub-blocks that each have a
 * small integer scale (and for Q2_K, Q4_K, Q5_K a minimum), themselves scaled by f16 super-block
 * factors {@code d} (and {@code dmin}). Decoded weight = d * scale * q - dmin * min.
 */
public final class KQuants {
    private KQuants() {}

    static final int QK_K = 256;
    /** Offsets of the f16 super-block factors within each block. */
    public static final int Q2_K_D = 80, Q2_K_DMIN = 82, Q3_K_D = 108, Q4_K_D = 0, Q4_K_DMIN = 2, Q5_K_D = 0, Q5_K_DMIN = 2, Q6_K_D = 208;

    /**
     * Q2_K, 84 bytes: u8 scales[16] (low nibble: scale, high nibble: min, per 16 weights);
     * u8 qs[64] (2-bit codes); f16 d; f16 dmin.
     * Each 128-weight half uses 32 bytes of qs; within it, the 2-bit field at shift 2*j holds
     * weights 32*j .. 32*j+31 (bytes 0..15 for the first 16 of them, bytes 16..31 for the rest).
     */
    public static void q2_k(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++, off += 84, dstOff += QK_K) {
            float d = Bytes.f16(src, off + Q2_K_D);
            float dmin = Bytes.f16(src, off + Q2_K_DMIN);
            int y = dstOff;
            int is = 0;
            for (int half = 0; half < 2; half++) {
                long q = off + 16 + 32L * half;
                for (int shift = 0; shift < 8; shift += 2) {
                    for (int part = 0; part < 2; part++) {
                        int sc = Bytes.u8(src, off + is++);
                        float dl = d * (sc & 0xF);
                        float ml = dmin * (sc >>> 4);
                        long qp = q + 16L * part;
                        for (int l = 0; l < 16; l++) dst[y++] = dl * ((Bytes.u8(src, qp + l) >>> shift) & 3) - ml;
                    }
                }
            }
        }
    }

    /**
     * Q3_K, 110 bytes: u8 hmask[32] (the third bit of each code); u8 qs[64] (low two bits, arranged
     * like Q2_K); u8 scales[12] (sixteen 6-bit signed scales, offset by 32); f16 d.
     * Scale i: low 4 bits from scales[i] (i < 8) or the high nibble of scales[i - 8];
     * high 2 bits at bit 2*(i/4) of scales[8 + i%4]. A code whose hmask bit is clear is 4 lower:
     * w = d * (scale - 32) * (q2 - (hbit ? 0 : 4)). The hmask bit for weight 32*k + l (k = 0..7,
     * l = 0..31) is bit k of hmask[l].
     */
    public static void q3_k(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++, off += 110, dstOff += QK_K) {
            float d = Bytes.f16(src, off + Q3_K_D);
            long hmask = off;
            long scales = off + 96;
            int y = dstOff;
            int is = 0;
            int bit = 0;
            for (int half = 0; half < 2; half++) {
                long q = off + 32 + 32L * half;
                for (int shift = 0; shift < 8; shift += 2, bit++) {
                    for (int part = 0; part < 2; part++, is++) {
                        int low = is < 8 ? Bytes.u8(src, scales + is) & 0xF : Bytes.u8(src, scales + is - 8) >>> 4;
                        int high = (Bytes.u8(src, scales + 8 + (is & 3)) >>> (2 * (is >>> 2))) & 3;
                        float dl = d * ((low | high << 4) - 32);
                        for (int l = 16 * part; l < 16 * part + 16; l++) {
                            int q2 = (Bytes.u8(src, q + l) >>> shift) & 3;
                            int h = (Bytes.u8(src, hmask + l) >>> bit) & 1;
                            dst[y++] = dl * (q2 - (h == 0 ? 4 : 0));
                        }
                    }
                }
            }
        }
    }

    /**
     * The 6-bit scale and min of sub-block {@code j} (0..7) from the 12 packed bytes of Q4_K and
     * Q5_K: for j < 4, scale = s[j] & 63 and min = s[j+4] & 63; otherwise the low four bits come
     * from s[j+4] (scale: low nibble, min: high nibble) and the top two from bits 6..7 of s[j-4]
     * (scale) and s[j] (min). Returned as scale | min << 8.
     */
    static int scaleMinK4(MemorySegment src, long scales, int j) {
        if (j < 4) {
            return (Bytes.u8(src, scales + j) & 63) | (Bytes.u8(src, scales + j + 4) & 63) << 8;
        }
        int packed = Bytes.u8(src, scales + j + 4);
        int sc = (packed & 0xF) | (Bytes.u8(src, scales + j - 4) >>> 6) << 4;
        int mn = (packed >>> 4) | (Bytes.u8(src, scales + j) >>> 6) << 4;
        return sc | mn << 8;
    }

    /**
     * Q4_K, 144 bytes: f16 d; f16 dmin; u8 scales[12] (eight 6-bit scales and mins, see
     * {@link #scaleMinK4}); u8 qs[128]. Weights 64*k .. 64*k+31 are the low nibbles of
     * qs[32k .. 32k+31] (sub-block 2k), weights 64*k+32 .. 64*k+63 the high nibbles (sub-block 2k+1).
     * w = d * scale * q - dmin * min.
     */
    public static void q4_k(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        q4OrQ5K(src, off, dst, dstOff, blocks, false);
    }

    /**
     * Q5_K, 176 bytes: f16 d; f16 dmin; u8 scales[12] (as Q4_K); u8 qh[32] (fifth bits: weight
     * 32*k + l has its fifth bit at bit k of qh[l]); u8 qs[128] (low nibbles, arranged like Q4_K).
     * w = d * scale * q - dmin * min.
     */
    public static void q5_k(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        q4OrQ5K(src, off, dst, dstOff, blocks, true);
    }

    /**
     * Q4_K and Q5_K share their header, scales and nibble layout; Q5_K only adds qh[32] of fifth
     * bits between the scales and qs (a Q4_K code reads as a Q5_K code whose fifth bit is 0).
     */
    private static void q4OrQ5K(MemorySegment src, long off, float[] dst, int dstOff, int blocks, boolean fifthBits) {
        int blockBytes = fifthBits ? 176 : 144;
        long qsStart = fifthBits ? 48 : 16;
        for (int b = 0; b < blocks; b++, off += blockBytes, dstOff += QK_K) {
            float d = Bytes.f16(src, off + Q4_K_D);
            float dmin = Bytes.f16(src, off + Q4_K_DMIN);
            long qh = off + 16;
            int y = dstOff;
            for (int k = 0; k < 4; k++) {
                int sm1 = scaleMinK4(src, off + 4, 2 * k);
                int sm2 = scaleMinK4(src, off + 4, 2 * k + 1);
                float d1 = d * (sm1 & 0xFF), m1 = dmin * (sm1 >>> 8);
                float d2 = d * (sm2 & 0xFF), m2 = dmin * (sm2 >>> 8);
                long q = off + qsStart + 32L * k;
                for (int l = 0; l < 32; l++) {
                    int v = Bytes.u8(src, q + l);
                    int h = fifthBits ? Bytes.u8(src, qh + l) : 0;
                    dst[y + l] = d1 * ((v & 0xF) | ((h >>> (2 * k)) & 1) << 4) - m1;
                    dst[y + 32 + l] = d2 * ((v >>> 4) | ((h >>> (2 * k + 1)) & 1) << 4) - m2;
                }
                y += 64;
            }
        }
    }

    /**
     * Q6_K, 210 bytes: u8 ql[128] (low four bits); u8 qh[64] (high two bits); i8 scales[16] (one
     * per 16 weights); f16 d. w = d * scale * (q - 32). Each 128-weight half n uses ql[64n ..],
     * qh[32n ..] and scales[8n ..]; for l = 0..31 its weights l, l+32, l+64, l+96 take their low
     * bits from the low nibble of ql[l], of ql[l+32], the high nibble of ql[l], of ql[l+32], and
     * their high bits from bits 0-1, 2-3, 4-5, 6-7 of qh[l]; weight i of the half uses scale i/16.
     */
    public static void q6_k(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++, off += 210, dstOff += QK_K) {
            float d = Bytes.f16(src, off + Q6_K_D);
            for (int n = 0; n < 2; n++) {
                long ql = off + 64L * n;
                long qh = off + 128 + 32L * n;
                long sc = off + 192 + 8L * n;
                int y = dstOff + 128 * n;
                for (int l = 0; l < 32; l++) {
                    int is = l >>> 4;
                    int lo1 = Bytes.u8(src, ql + l);
                    int lo2 = Bytes.u8(src, ql + l + 32);
                    int h = Bytes.u8(src, qh + l);
                    int q1 = ((lo1 & 0xF) | (h & 3) << 4) - 32;
                    int q2 = ((lo2 & 0xF) | ((h >>> 2) & 3) << 4) - 32;
                    int q3 = ((lo1 >>> 4) | ((h >>> 4) & 3) << 4) - 32;
                    int q4 = ((lo2 >>> 4) | ((h >>> 6) & 3) << 4) - 32;
                    dst[y + l] = d * Bytes.i8(src, sc + is) * q1;
                    dst[y + l + 32] = d * Bytes.i8(src, sc + is + 2) * q2;
                    dst[y + l + 64] = d * Bytes.i8(src, sc + is + 4) * q3;
                    dst[y + l + 96] = d * Bytes.i8(src, sc + is + 6) * q4;
                }
            }
        }
    }
}
