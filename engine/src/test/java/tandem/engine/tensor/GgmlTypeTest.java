package tandem.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tandem.engine.api.TandemException;

class GgmlTypeTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(GgmlType.class)
    void idsRoundTrip(GgmlType t) {
        assertEquals(t, GgmlType.fromId(t.id()));
        assertEquals(t, GgmlType.parse(t.name().toLowerCase()));
    }

    /** Ids ggml retired or never assigned are unknown, not silently mapped. */
    @ParameterizedTest(name = "id {0}")
    @CsvSource({"4", "5", "31", "32", "33", "36", "37", "38", "43", "-1", "1000"})
    void retiredIdsAreUnknown(int id) {
        assertNull(GgmlType.fromIdOrNull(id));
        assertEquals("unknown ggml type id " + id + " (not a type llama.cpp defines)",
                assertThrows(TandemException.class, () -> GgmlType.fromId(id)).getMessage());
    }

    /** Bits per weight as llama.cpp documents them: a check on block sizes and bytes per block. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"F32, 32", "F16, 16", "BF16, 16", "Q8_0, 8.5", "Q4_0, 4.5", "Q4_1, 5", "Q5_0, 5.5", "Q5_1, 6",
            "Q2_K, 2.625", "Q3_K, 3.4375", "Q4_K, 4.5", "Q5_K, 5.5", "Q6_K, 6.5625", "Q8_K, 9.125",
            "IQ2_XXS, 2.0625", "IQ2_XS, 2.3125", "IQ2_S, 2.5625", "IQ3_XXS, 3.0625", "IQ3_S, 3.4375",
            "IQ1_S, 1.5625", "IQ1_M, 1.75", "IQ4_NL, 4.5", "IQ4_XS, 4.25", "TQ1_0, 1.6875", "TQ2_0, 2.0625",
            "MXFP4, 4.25", "NVFP4, 4.5"})
    void bitsPerWeight(GgmlType t, double bits) {
        assertEquals(bits, t.typeSize() * 8.0 / t.blockSize());
    }

    @Test
    void sixteenTypesAreSupported() {
        assertEquals(16, Arrays.stream(GgmlType.values()).filter(GgmlType::isSupported).count());
    }

    @Test
    void byteSizeNeedsWholeBlocks() {
        assertEquals(18L * 4, GgmlType.Q4_0.byteSize(128));
        assertEquals(210L * 131072 * 16, GgmlType.Q6_K.byteSize(256L * 131072 * 16));
        assertThrows(IllegalArgumentException.class, () -> GgmlType.Q4_K.byteSize(100));
        assertThrows(ArithmeticException.class, () -> GgmlType.F32.byteSize(Long.MAX_VALUE));
    }
}
