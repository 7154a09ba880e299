package tandem.engine.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import tandem.engine.tensor.Dequantizer;
import tandem.engine.tensor.GgmlType;

class RandomBlocksTest {

    static Stream<GgmlType> supported() {
        return Arrays.stream(GgmlType.values()).filter(GgmlType::isSupported);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("supported")
    void blocksDecodeToSmallFiniteVariedWeights(GgmlType type) {
        int elements = 256 * 16;
        byte[] bytes = new byte[(int) type.byteSize(elements)];
        RandomBlocks.fill(type, MemorySegment.ofArray(bytes), 42);
        float[] w = Dequantizer.dequantizeAll(type, MemorySegment.ofArray(bytes), elements);
        double sum = 0, sumSq = 0, max = 0;
        for (float x : w) {
            assertTrue(Float.isFinite(x), type + ": " + x);
            max = Math.max(max, Math.abs(x));
            sum += x;
            sumSq += x * x;
        }
        double sd = Math.sqrt(sumSq / elements - (sum / elements) * (sum / elements));
        assertTrue(max <= 0.3, type + ": max |w| " + max);
        assertTrue(sd > 1e-3, type + ": sd " + sd);

        byte[] again = new byte[bytes.length];
        RandomBlocks.fill(type, MemorySegment.ofArray(again), 42);
        assertArrayEquals(bytes, again, "same seed, same bytes");
        RandomBlocks.fill(type, MemorySegment.ofArray(again), 43);
        assertFalse(Arrays.equals(bytes, again), "another seed, other bytes");
    }
}
