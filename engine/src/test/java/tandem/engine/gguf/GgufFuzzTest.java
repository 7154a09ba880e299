package tandem.engine.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tandem.engine.tensor.Dequantizer;
import tandem.engine.tensor.GgmlType;

/**
 * Seeded mutation fuzzing of the reader: 100,000 variants of a small valid file (bytes flipped,
 * lengths and counts overwritten with edge values, cut short, ranges deleted or repeated). Every
 * outcome must be a successful parse or a {@link GgufException}; anything else, an OutOfMemoryError
 * included, fails the test naming the seed that reproduces it.
 */
class GgufFuzzTest {
    private static final int ITERATIONS = 100_000;
    private static final long[] EDGE_VALUES = {0, 1, 2, 3, 4, 7, 8, 9, 12, 13, 31, 32, 33, 255, 256, 0xFFFF, 0x7FFF_FFFFL,
            0x8000_0000L, 0xFFFF_FFFFL, 1L << 32, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, -1, -8, -32};

    static byte[] seedFile() {
        return GgufWriterTest.everyValueType()
                .addTensor("f32", GgmlType.F32, new long[] {4, 2}, MemorySegment.ofArray(new byte[32]))
                .addTensor("q4k", GgmlType.Q4_K, new long[] {256}, MemorySegment.ofArray(GgufWriterTest.randomBytes(144, 5)))
                .addTensor("q8", GgmlType.Q8_0, new long[] {32, 1, 1}, MemorySegment.ofArray(GgufWriterTest.randomBytes(34, 6)))
                .toByteArray();
    }

    @Test
    void everyMutantParsesOrFailsCleanly() {
        byte[] base = seedFile();
        GgufFile.parse(MemorySegment.ofArray(base), "seed").close();
        int parsed = 0;
        float[] scratch = new float[4096];
        for (int seed = 0; seed < ITERATIONS; seed++) {
            byte[] mutant = mutate(base, new SplittableRandom(seed));
            try (GgufFile f = GgufFile.parse(MemorySegment.ofArray(mutant), "fuzz")) {
                parsed++;
                for (TensorInfo t : f.tensors()) {
                    MemorySegment data = f.data(t);
                    if (t.type().isSupported() && t.elementCount() <= scratch.length) {
                        Dequantizer.dequantize(t.type(), data, 0, scratch, 0, (int) t.elementCount());
                    }
                }
                f.metadata().keys().forEach(k -> f.metadata().value(k).toString());
            } catch (GgufException expected) {
                // a clean rejection
            } catch (Throwable t) {
                fail("seed " + seed + ": " + t, t);
            }
        }
        // The mutations must leave some files valid and break most: both paths are exercised.
        assertTrue(parsed > ITERATIONS / 100 && parsed < ITERATIONS / 2, "parsed " + parsed + " of " + ITERATIONS);
    }

    static byte[] mutate(byte[] base, SplittableRandom r) {
        byte[] b = base.clone();
        int mutations = 1 + r.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            if (b.length == 0) return b;
            int at = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> {
                    // Lengths, counts, type ids and offsets are 4 or 8 byte fields: hit them with edge values.
                    long v = EDGE_VALUES[r.nextInt(EDGE_VALUES.length)];
                    int width = r.nextBoolean() ? 8 : 4;
                    for (int i = 0; i < width && at + i < b.length; i++) b[at + i] = (byte) (v >>> (8 * i));
                }
                case 3 -> b = Arrays.copyOf(b, r.nextInt(b.length));
                case 4 -> {
                    int n = Math.min(1 + r.nextInt(16), b.length - at);
                    byte[] c = new byte[b.length - n];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + n, c, at, b.length - at - n);
                    b = c;
                }
                default -> {
                    int n = Math.min(1 + r.nextInt(16), b.length - at);
                    byte[] c = new byte[b.length + n];
                    System.arraycopy(b, 0, c, 0, at + n);
                    System.arraycopy(b, at, c, at + n, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }
}
