package tandem.engine.vulkan;

import tandem.engine.cpu.CpuOps;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.RopeScaling;
import tandem.engine.model.RopeStyle;

/**
 * The cos/sin table the rope kernel reads: [position][ropeDim/2] pairs (cos, sin). Built by
 * rotating unit vectors with the CPU reference's RoPE, so the angles (base, linear scale, YaRN, Llama 3.1
 * or LongRoPE frequency factors, Phi-3's attn_factor on cos and sin) have exactly one definition,
 * and in double precision (GPU sin/cos of large angles are inexact). A model whose sliding-window
 * layers have their own base and scale (Gemma 3) has two tables in one buffer: the full-attention
 * layers' first, then the sliding layers'.
 */
public final class RopeTable {
    private RopeTable() {}

    public static float[] build(int positions, int ropeDim, float theta, float[] freqFactors) {
        return build(positions, ropeDim, theta, 1f, 1f, freqFactors, null);
    }

    /** The table with a linear scale, attn_factor and YaRN ({@code yarn} may be null), as {@link CpuOps#rope} turns. */
    public static float[] build(int positions, int ropeDim, float theta, float scale, float attnFactor, float[] freqFactors,
                                RopeScaling yarn) {
        int half = ropeDim / 2;
        float[] table = new float[positions * ropeDim];
        float[] unit = new float[ropeDim];
        for (int pos = 0; pos < positions; pos++) {
            for (int i = 0; i < half; i++) {
                unit[2 * i] = 1f;
                unit[2 * i + 1] = 0f;
            }
            CpuOps.rope(unit, 0, 1, ropeDim, ropeDim, pos, theta, scale, attnFactor, RopeStyle.NORMAL, freqFactors, yarn);
            System.arraycopy(unit, 0, table, pos * ropeDim, ropeDim);
        }
        return table;
    }

    /** Every table the model's layers read, for {@code positions} positions. */
    public static float[] build(ModelConfig c, int positions, float[] freqFactors) {
        float attnFactor = c.extras().ropeAttnFactor();
        float[] global = build(positions, c.ropeDim(), c.ropeTheta(), c.extras().ropeScale(), attnFactor, freqFactors, c.yarn());
        if (!c.twoRopes()) return global;
        float[] local = build(positions, c.ropeDim(), c.extras().slidingRopeTheta(), 1f, attnFactor, freqFactors, c.yarn());
        // each table padded to 256 bytes, so the second starts where any device can bind a buffer range
        int padded = (global.length + 63) / 64 * 64;
        float[] both = java.util.Arrays.copyOf(global, padded * 2);
        System.arraycopy(local, 0, both, padded, local.length);
        return both;
    }

    /** The table layer {@code layer} (model numbering) reads, within a buffer of {@link #build(ModelConfig, int, float[])}. */
    public static BufferRange forLayer(GpuBuffer tables, ModelConfig c, int layer) {
        if (!c.twoRopes()) return tables.all();
        long half = tables.size() / 2;
        return new BufferRange(tables, c.sliding(layer) ? half : 0, half);
    }
}
