package tandem.engine.tensor.quant;

import java.lang.foreign.MemorySegment;

/** Plain number types: one value per "block". */
public final class FloatFormats {
    private FloatFormats() {}

    /** F32: 4 bytes, IEEE single precision, little-endian. */
    public static void f32(MemorySegment src, long off, float[] dst, int dstOff, int count) {
        MemorySegment.copy(src, Bytes.F32, off, dst, dstOff, count);
    }

    /** F16: 2 bytes, IEEE half precision (1 sign, 5 exponent, 10 mantissa bits). */
    public static void f16(MemorySegment src, long off, float[] dst, int dstOff, int count) {
        for (int i = 0; i < count; i++) dst[dstOff + i] = Float.float16ToFloat(src.get(Bytes.I16, off + 2L * i));
    }

    /** BF16: 2 bytes, the upper half of an IEEE single (1 sign, 8 exponent, 7 mantissa bits). */
    public static void bf16(MemorySegment src, long off, float[] dst, int dstOff, int count) {
        for (int i = 0; i < count; i++) dst[dstOff + i] = Float.intBitsToFloat(src.get(Bytes.I16, off + 2L * i) << 16);
    }
}
