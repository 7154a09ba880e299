package tandem.engine.vulkan;

import tandem.engine.cpu.CpuOps;
import tandem.engine.model.RopeScaling;
import tandem.engine.model.RopeStyle;

/**
 * The cos/sin table the rope kernel reads: [position][ropeDim/2] pairs (cos, sin). Built by
 * rotating unit vectors with the CPU reference's RoPE, so the angles (base, Llama 3.1 frequency
 * factors) have exactly one definition, and in double precision (GPU sin/cos of large angles
 * are inexact).
 */
public final class RopeTable {
    private RopeTable() {}

    public static float[] build(int positions, int ropeDim, float theta, float[] freqFactors) {
        return build(positions, ropeDim, theta, freqFactors, null);
    }

    /** The table with YaRN's angles and magnitude ({@code scaling} may be null). */
    public static float[] build(int positions, int ropeDim, float theta, float[] freqFactors, RopeScaling scaling) {
        int half = ropeDim / 2;
        float[] table = new float[positions * ropeDim];
        float[] unit = new float[ropeDim];
        for (int pos = 0; pos < positions; pos++) {
            for (int i = 0; i < half; i++) {
                unit[2 * i] = 1f;
                unit[2 * i + 1] = 0f;
            }
            CpuOps.rope(unit, 0, 1, ropeDim, ropeDim, pos, theta, RopeStyle.NORMAL, freqFactors, scaling);
            System.arraycopy(unit, 0, table, pos * ropeDim, ropeDim);
        }
        return table;
    }
}
