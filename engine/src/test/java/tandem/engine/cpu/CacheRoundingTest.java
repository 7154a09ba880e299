package tandem.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import tandem.engine.api.CacheType;

/** The cache's rounding against hand-worked GGML blocks. */
class CacheRoundingTest {
    @Test
    void f32KeepsEveryBitAndF16RoundsToTheNearestHalf() {
        float[] x = {1f / 3, 1e-8f, 70000f};
        CacheRounding.round(CacheType.F32, x, 0, 3);
        assertArrayEquals(new float[] {1f / 3, 1e-8f, 70000f}, x);
        CacheRounding.round(CacheType.F16, x, 0, 3);
        // 1/3 to 11 significant bits; 1e-8 below float16's smallest subnormal; beyond its range: infinity
        assertArrayEquals(new float[] {0.333251953125f, 0f, Float.POSITIVE_INFINITY}, x);
    }

    /**
     * amax 127 makes d = 1 (exact in float16): each value becomes roundf(x), halves away from zero
     * as GGML's quantize_row_q8_0 (Math.round would take -2.5 to -2).
     */
    @Test
    void q8_0RoundsEachValueToAMultipleOfTheBlockScaleHalvesAwayFromZero() {
        float[] x = new float[32];
        x[0] = 127f;
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 0.4f;
        x[4] = -126.6f;
        CacheRounding.round(CacheType.Q8_0, x, 0, 32);
        assertEquals(127f, x[0]);
        assertEquals(3f, x[1]);
        assertEquals(-3f, x[2]);
        assertEquals(0f, x[3]);
        assertEquals(-127f, x[4]);
    }

    /** d = amax / 127 rounded to float16: the stored values are q times that rounded scale. */
    @Test
    void q8_0StoresQuantsTimesTheScaleRoundedToFloat16() {
        float[] x = new float[64];
        for (int i = 0; i < 32; i++) x[32 + i] = 0.001f * (i - 16);   // the second block: amax 0.016
        CacheRounding.round(CacheType.Q8_0, x, 0, 64);
        float d = 0.016f / 127f;
        float stored = Float.float16ToFloat(Float.floatToFloat16(d));
        for (int i = 0; i < 32; i++) {
            assertEquals(0f, x[i], "a block of zeros stays zeros (d = 0)");
            float q = (float) Math.copySign(Math.floor(Math.abs(0.001f * (i - 16) / d) + 0.5), i - 16);
            assertEquals(q * stored, x[32 + i], 0f, "value " + i);
        }
    }
}
