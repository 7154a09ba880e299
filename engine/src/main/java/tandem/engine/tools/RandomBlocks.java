package tandem.engine.tools;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import tandem.engine.tensor.GgmlType;
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
            case MXFP4 -> fillMxfp4(dst, r);
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

    /**
     * MXFP4 blocks: random codes under a power-of-two scale byte 2^(e-127) with e in 117..120, so
     * the largest code (6) decodes to at most 6 * 2^-7, about 0.05.
     */
    private static void fillMxfp4(MemorySegment dst, SplittableRandom r) {
        for (long i = 0; i < dst.byteSize(); i++) dst.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
        for (long block = 0; block < dst.byteSize(); block += GgmlType.MXFP4.typeSize()) {
            dst.set(ValueLayout.JAVA_BYTE, block, (byte) (117 + r.nextInt(4)));
        }
    }

    /**
     * Where a block's f16 factors sit and how large the codes they multiply get.
     *
     * @param minAt   offset of the minimum factor, or -1 when the type has none
     * @param codeMax largest |code| the scale multiplies (sub-block scale times quant code for k-quants)
     * @param minMax  largest sub-block min dmin multiplies (k-quants); 1 for the legacy "_1" types
     */
    private record Recipe(int scaleAt, int minAt, int codeMax, int minMax) {}

    private static Recipe recipe(GgmlType type) {
        return switch (type) {
            case Q4_0 -> new Recipe(LegacyQuants.D_OFFSET, -1, 8, 0);
            case Q4_1 -> new Recipe(LegacyQuants.D_OFFSET, LegacyQuants.M_OFFSET, 15, 1);
            case Q5_0 -> new Recipe(LegacyQuants.D_OFFSET, -1, 16, 0);
            case Q5_1 -> new Recipe(LegacyQuants.D_OFFSET, LegacyQuants.M_OFFSET, 31, 1);
            case Q8_0 -> new Recipe(LegacyQuants.D_OFFSET, -1, 128, 0);
            case Q2_K -> new Recipe(KQuants.Q2_K_D, KQuants.Q2_K_DMIN, 15 * 3, 15);
            case Q3_K -> new Recipe(KQuants.Q3_K_D, -1, 32 * 4, 0);
            case Q4_K -> new Recipe(KQuants.Q4_K_D, KQuants.Q4_K_DMIN, 63 * 15, 63);
            case Q5_K -> new Recipe(KQuants.Q5_K_D, KQuants.Q5_K_DMIN, 63 * 31, 63);
            case Q6_K -> new Recipe(KQuants.Q6_K_D, -1, 128 * 32, 0);
            case IQ4_NL -> new Recipe(LegacyQuants.D_OFFSET, -1, 127, 0);
            case IQ4_XS -> new Recipe(0, -1, 32 * 127, 0);
            default -> throw new IllegalStateException("no random block recipe for " + type);
        };
    }

    private static void fillBlocks(GgmlType type, MemorySegment dst, SplittableRandom r) {
        long n = dst.byteSize();
        long i = 0;
        for (; i + 8 <= n; i += 8) dst.set(I64, i, r.nextLong());
        for (; i < n; i++) dst.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
        Recipe recipe = recipe(type);
        int size = type.typeSize();
        for (long block = 0; block < n; block += size) {
            float d = factor(recipe.codeMax(), r);
            dst.set(I16, block + recipe.scaleAt(), Float.floatToFloat16(d));
            if (recipe.minAt() >= 0) {
                // The legacy "_1" types add m (centre the codes: m = -d * codeMax / 2); k-quants subtract dmin * min.
                float m = recipe.minMax() == 1 ? -d * recipe.codeMax() / 2
                        : Math.max(TARGET / 2 / recipe.minMax(), MIN_NORMAL_F16) * r.nextFloat();
                dst.set(I16, block + recipe.minAt(), Float.floatToFloat16(m));
            }
        }
    }

    /** A positive f16 factor so that codes up to {@code codeMax} decode to at most about TARGET. */
    private static float factor(int codeMax, SplittableRandom r) {
        return Math.max(TARGET / codeMax, MIN_NORMAL_F16) * (0.5f + 0.5f * r.nextFloat());
    }
}
