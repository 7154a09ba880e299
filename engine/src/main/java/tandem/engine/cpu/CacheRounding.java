package tandem.engine.cpu;

import tandem.engine.api.CacheType;

/**
 * Rounds keys and values to what a KV cache of a {@link CacheType} holds, in place. The CPU cache
 * keeps float32 arrays holding these rounded values (decoding a packed cache in the attention
 * loops would cost more than the memory it saves on the heap), so its attention reads the same
 * numbers as llama.cpp's and the Vulkan engine's caches of that type.
 */
final class CacheRounding {
    private static final int Q8_0_BLOCK = 32;

    private CacheRounding() {}

    /** Rounds x[off, off + n); for Q8_0 n is whole blocks of 32 (rows of whole heads, CacheType.check). */
    static void round(CacheType type, float[] x, int off, int n) {
        switch (type) {
            case F32 -> { }
            case F16 -> {
                for (int i = off; i < off + n; i++) x[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
            }
            case Q8_0 -> {
                for (int b = off; b < off + n; b += Q8_0_BLOCK) roundQ8_0(x, b);
            }
        }
    }

    /**
     * One block as GGML's quantize_row_q8_0_ref: d = amax / 127, q = roundf(x / d) (half away from
     * zero), stored as q times d rounded to float16.
     */
    private static void roundQ8_0(float[] x, int off) {
        float amax = 0;
        for (int i = off; i < off + Q8_0_BLOCK; i++) amax = Math.max(amax, Math.abs(x[i]));
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        float stored = Float.float16ToFloat(Float.floatToFloat16(d));
        for (int i = off; i < off + Q8_0_BLOCK; i++) {
            float v = x[i] * id;
            float q = (float) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
            x[i] = q * stored;
        }
    }
}
