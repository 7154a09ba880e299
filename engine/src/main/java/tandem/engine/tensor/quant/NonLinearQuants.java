package tandem.engine.tensor.quant;

import java.lang.foreign.MemorySegment;

/**
 * 4-bit formats whose codes index a fixed table of 16 levels instead of standing for evenly spaced
 * integers: IQ4_NL and IQ4_XS (llama.cpp's "non-linear" levels, denser near zero, where trained
 * weights are) and MXFP4 (the OCP microscaling format: E2M1 floats with a power-of-two scale).
 * Within each 32-weight run, code j (0..15) is the low nibble of byte j and code j+16 its high
 * nibble, as in Q4_0.
 */
public final class NonLinearQuants {
    private NonLinearQuants() {}

    /** IQ4_NL and IQ4_XS levels (ggml's kvalues_iq4nl); a weight is its block's scale times one of them. */
    public static final int[] IQ4_LEVELS = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /**
     * The 16 E2M1 values (sign bit 3, then 2 exponent bits and 1 mantissa bit: 0, 0.5, 1, 1.5, 2, 3,
     * 4, 6 and their negatives) doubled to integers, as ggml stores them (kvalues_mxfp4); the block
     * scale is halved to match ({@link #e8m0Half}).
     */
    public static final int[] E2M1_DOUBLED = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

    /** Bytes of an IQ4_XS super-block before its codes: f16 d, u16 scales_h, u8 scales_l[4]. */
    static final int IQ4_XS_HEADER = 8;

    /**
     * IQ4_NL, 18 bytes: f16 d; u8 qs[16] (nibbles as in Q4_0). w = d * IQ4_LEVELS[q].
     */
    public static void iq4_nl(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++, off += 18, dstOff += 32) {
            table32(src, off + 2, Bytes.f16(src, off + LegacyQuants.D_OFFSET), IQ4_LEVELS, dst, dstOff);
        }
    }

    /**
     * IQ4_XS, 136 bytes per 256 weights: f16 d; u16 scales_h; u8 scales_l[4]; u8 qs[128]. Eight
     * sub-blocks of 32 weights, sub-block i with a 6-bit scale whose low 4 bits are nibble i%2 of
     * scales_l[i/2] and high 2 bits are bits 2i..2i+1 of scales_h, stored plus 32; its codes are
     * qs[16i .. 16i+15], laid out as an IQ4_NL block. w = d * (scale - 32) * IQ4_LEVELS[q].
     */
    public static void iq4_xs(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++, off += 136, dstOff += 256) {
            float d = Bytes.f16(src, off);
            int high = Short.toUnsignedInt(src.get(Bytes.I16, off + 2));
            for (int i = 0; i < 8; i++) {
                int scale = ((Bytes.u8(src, off + 4 + i / 2) >>> (4 * (i % 2))) & 0xF) | ((high >>> (2 * i)) & 3) << 4;
                table32(src, off + IQ4_XS_HEADER + 16L * i, d * (scale - 32), IQ4_LEVELS, dst, dstOff + 32 * i);
            }
        }
    }

    /**
     * MXFP4, 17 bytes: u8 e (an E8M0 scale: 2^(e - 127), no sign or mantissa); u8 qs[16] (E2M1
     * codes, nibbles as in Q4_0). w = e8m0Half(e) * E2M1_DOUBLED[q], i.e. 2^(e-127) * E2M1 value.
     */
    public static void mxfp4(MemorySegment src, long off, float[] dst, int dstOff, int blocks) {
        for (int b = 0; b < blocks; b++, off += 17, dstOff += 32) {
            table32(src, off + 1, e8m0Half(Bytes.u8(src, off)), E2M1_DOUBLED, dst, dstOff);
        }
    }

    /**
     * Half the value of an E8M0 scale byte, 2^(e - 128): exact for every byte (2^-128 and 2^-127 are
     * subnormal floats), as ggml's GGML_E8M0_TO_FP32_HALF computes it (which also gives 255, E8M0's
     * NaN, as 2^127).
     */
    public static float e8m0Half(int e) {
        return Math.scalb(1f, e - 128);
    }

    /** 32 weights from 16 bytes of nibble pairs: scale * levels[code]. */
    private static void table32(MemorySegment src, long qs, float scale, int[] levels, float[] dst, int dstOff) {
        for (int j = 0; j < 16; j++) {
            int q = Bytes.u8(src, qs + j);
            dst[dstOff + j] = scale * levels[q & 0xF];
            dst[dstOff + j + 16] = scale * levels[q >>> 4];
        }
    }
}
