package tandem.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import tandem.engine.tensor.quant.KQuants;
import tandem.engine.tensor.quant.LegacyQuants;

/**
 * Fills memory with seeded random, valid blocks of a type: random codes and scales, with the f16
 * super-block factors set so every decoded weight is finite and at most about 0.1 in magnitude
 * (like a trained model's weights, so activations of a random model stay finite through many
 * layers). Used by {@code tandem synth} and by kernel tests. Same type, size and seed, same bytes.
 */
public final class RandomBlocks {
    private RandomBlocks() {}

    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Largest decoded magnitude aimed for. */
    private static final float TARGET = 0.1f;
    /** Smallest normal f16: scales stay normal so every decoder (and GPU) sees the same value. */
    private static final float MIN_NORMAL_F16 = 0x1p-14f;

    /**
     * Fills {@code dst} (a whole number of blocks) with random blocks of {@code type}.
     *
     * @throws IllegalArgumentException for a size that is not whole blocks or an unsupported type
     */
    public static void fill(GgmlType type, MemorySegment dst, long seed) {
        if (!type.isSupported()) throw new IllegalArgumentException(type + " is not supported");
        if (dst.byteSize() % type.typeSize() != 0) {
            throw new IllegalArgumentException(dst.byteSize() + " bytes is not a whole number of " + type + " blocks");
        }
        SplittableRandom r = new SplittableRandom(seed);
        switch (type) {
            case F32 -> fillFloat32(dst, r);
            case F16 -> fillHalf(dst, r, 10, 7);      // exponent bits 7..10 of 15-biased: 2^-8 .. 2^-4
            case BF16 -> fillHalf(dst, r, 7, 119);    // exponent 119..122 of 127-biased: same range
            default -> fillBlocks(type, dst, r);
        }
    }

    private static void fillFloat32(MemorySegment dst, SplittableRandom r) {
        long n = dst.byteSize() / 4;
        for (long i = 0; i < n; i++) {
            int bits = r.nextInt();
            int exponent = 119 + (bits & 3);
            dst.set(I32, 4 * i, (bits & 0x807F_FFFF) | exponent << 23);
        }
    }

    /** Random 16-bit floats: random sign and mantissa, exponent in a narrow range. */
    private static void fillHalf(MemorySegment dst, SplittableRandom r, int mantissaBits, int minExponent) {
        long n = dst.byteSize() / 2;
        int mantissaMask = (1 << mantissaBits) - 1;
        for (long i = 0; i < n; i++) {
            int bits = r.nextInt();
            int exponent = minExponent + ((bits >>> 16) & 3);
            dst.set(I16, 2 * i, (short) ((bits & 0x8000) | exponent << mantissaBits | (bits & mantissaMask)));
        }
    }

    private static void fillBlocks(GgmlType type, MemorySegment dst, SplittableRandom r) {
        long n = dst.byteSize();
        long i = 0;
        for (; i + 8 <= n; i += 8) dst.set(I64, i, r.nextLong());
        for (; i < n; i++) dst.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
        int size = type.typeSize();
        for (long block = 0; block < n; block += size) {
            switch (type) {
                case Q4_0 -> scale(dst, block + LegacyQuants.D_OFFSET, 8, r);
                case Q4_1 -> scaleAndMin(dst, block + LegacyQuants.D_OFFSET, block + LegacyQuants.M_OFFSET, 15, 1, r);
                case Q5_0 -> scale(dst, block + LegacyQuants.D_OFFSET, 16, r);
                case Q5_1 -> scaleAndMin(dst, block + LegacyQuants.D_OFFSET, block + LegacyQuants.M_OFFSET, 31, 1, r);
                case Q8_0 -> scale(dst, block + LegacyQuants.D_OFFSET, 128, r);
                // k-quants: code range = largest sub-block scale times largest code; dmin pairs with a 4- or 6-bit min.
                case Q2_K -> scaleAndMin(dst, block + KQuants.Q2_K_D, block + KQuants.Q2_K_DMIN, 15 * 3, 15, r);
                case Q3_K -> scale(dst, block + KQuants.Q3_K_D, 32 * 4, r);
                case Q4_K -> scaleAndMin(dst, block + KQuants.Q4_K_D, block + KQuants.Q4_K_DMIN, 63 * 15, 63, r);
                case Q5_K -> scaleAndMin(dst, block + KQuants.Q5_K_D, block + KQuants.Q5_K_DMIN, 63 * 31, 63, r);
                case Q6_K -> scale(dst, block + KQuants.Q6_K_D, 128 * 32, r);
                default -> throw new IllegalStateException("no random block recipe for " + type);
            }
        }
    }

    /** A positive f16 factor so that codes up to {@code codeMax} decode to at most about TARGET. */
    private static float factor(int codeMax, SplittableRandom r) {
        return Math.max(TARGET / codeMax, MIN_NORMAL_F16) * (0.5f + 0.5f * r.nextFloat());
    }

    private static void scale(MemorySegment dst, long at, int codeMax, SplittableRandom r) {
        dst.set(I16, at, Float.floatToFloat16(factor(codeMax, r)));
    }

    /**
     * Scale plus minimum. The legacy "_1" types add m directly (a small offset of either sign);
     * the k-quants subtract dmin times a sub-block min.
     */
    private static void scaleAndMin(MemorySegment dst, long dAt, long mAt, int codeMax, int minMax, SplittableRandom r) {
        float d = factor(codeMax, r);
        dst.set(I16, dAt, Float.floatToFloat16(d));
        float m = minMax == 1 ? -d * codeMax / 2 : Math.max(TARGET / 2 / minMax, MIN_NORMAL_F16) * r.nextFloat();
        dst.set(I16, mAt, Float.floatToFloat16(m));
    }
}
