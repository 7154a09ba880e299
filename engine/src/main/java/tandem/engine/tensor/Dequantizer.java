package tandem.engine.tensor;

import java.lang.foreign.MemorySegment;
import tandem.engine.api.TandemException;
import tandem.engine.tensor.quant.FloatFormats;
import tandem.engine.tensor.quant.KQuants;
import tandem.engine.tensor.quant.LegacyQuants;
import tandem.engine.tensor.quant.NonLinearQuants;

/**
 * Plain-Java reference decoding of every supported type to floats: the oracle GPU kernels are
 * tested against, and what the CPU engine runs rows through. Each format's block layout is
 * described where it is decoded (tensor.quant.*).
 */
public final class Dequantizer {
    private Dequantizer() {}

    /**
     * Decodes {@code count} values starting at {@code byteOffset} of {@code src} into
     * {@code dst[dstOffset ..]}. {@code byteOffset} must be the start of a block and {@code count}
     * a multiple of the type's block size.
     */
    public static void dequantize(GgmlType type, MemorySegment src, long byteOffset, float[] dst, int dstOffset, int count) {
        if (count % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + ": count " + count + " is not a multiple of the block size " + type.blockSize());
        }
        int blocks = count / type.blockSize();
        switch (type) {
            case F32 -> FloatFormats.f32(src, byteOffset, dst, dstOffset, count);
            case F16 -> FloatFormats.f16(src, byteOffset, dst, dstOffset, count);
            case BF16 -> FloatFormats.bf16(src, byteOffset, dst, dstOffset, count);
            case Q4_0 -> LegacyQuants.q4_0(src, byteOffset, dst, dstOffset, blocks);
            case Q4_1 -> LegacyQuants.q4_1(src, byteOffset, dst, dstOffset, blocks);
            case Q5_0 -> LegacyQuants.q5_0(src, byteOffset, dst, dstOffset, blocks);
            case Q5_1 -> LegacyQuants.q5_1(src, byteOffset, dst, dstOffset, blocks);
            case Q8_0 -> LegacyQuants.q8_0(src, byteOffset, dst, dstOffset, blocks);
            case Q2_K -> KQuants.q2_k(src, byteOffset, dst, dstOffset, blocks);
            case Q3_K -> KQuants.q3_k(src, byteOffset, dst, dstOffset, blocks);
            case Q4_K -> KQuants.q4_k(src, byteOffset, dst, dstOffset, blocks);
            case Q5_K -> KQuants.q5_k(src, byteOffset, dst, dstOffset, blocks);
            case Q6_K -> KQuants.q6_k(src, byteOffset, dst, dstOffset, blocks);
            case IQ4_NL -> NonLinearQuants.iq4_nl(src, byteOffset, dst, dstOffset, blocks);
            case IQ4_XS -> NonLinearQuants.iq4_xs(src, byteOffset, dst, dstOffset, blocks);
            case MXFP4 -> NonLinearQuants.mxfp4(src, byteOffset, dst, dstOffset, blocks);
            default -> throw new TandemException(type + " tensors cannot be decoded: Tandem does not support " + type + " yet");
        }
    }

    /** Decodes a whole tensor's bytes (at most 2^31 - 1 values). */
    public static float[] dequantizeAll(GgmlType type, MemorySegment src, long count) {
        if (count > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("too many values for one float[]: " + count);
        float[] out = new float[(int) count];
        dequantize(type, src, 0, out, 0, (int) count);
        return out;
    }
}
