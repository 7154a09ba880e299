package tandem.engine.vulkan;

import static tandem.engine.vulkan.WeightKernelTest.assertClose;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decode attention that norms each head of its query and the step's key itself (Qwen3, Gemma 3: attention.comp
 * with QK_NORM) against the separate per-head rms_norm dispatches followed by the same attention: the same output
 * and the same key appended to the cache.
 */
class QkNormAttentionTest extends VulkanTestBase {
    private static final float EPS = 1e-6f;

    @ParameterizedTest(name = "heads={0} kvHeads={1} headDim={2} ropeDim={3} pos0={4} splits={5}")
    @CsvSource({"4, 2, 64, 64, 0, 1", "8, 2, 128, 128, 40, 1", "4, 1, 128, 64, 70, 3", "6, 3, 16, 16, 9, 2"})
    void normsTheQueryAndKeyAsTheSeparateNormDoes(int heads, int kvHeads, int headDim, int ropeDim, int pos0, int splits) {
        try (DecodeAttentionCase c = new DecodeAttentionCase(device, heads, kvHeads, headDim, ropeDim, false, pos0, splits, 31);
             GpuBuffer normedKey = deviceFloats(c.stepRow(c.k), "step key, normed apart");
             GpuBuffer normedQ = deviceFloats(c.q, "q, normed apart");
             GpuBuffer qw = deviceFloats(VulkanFoundationTest.randomFloats(headDim, 34), "q norm");
             GpuBuffer kw = deviceFloats(VulkanFoundationTest.randomFloats(headDim, 35), "k norm");
             GpuBuffer fused = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * c.qDim, "fused out");
             GpuBuffer apart = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * c.qDim, "apart out");
             CommandRecorder rec = CommandRecorder.create(device)) {
            AttentionCache fusedCache = c.cache(device, "fused"), apartCache = c.cache(device, "apart");
            rec.begin();
            c.storeEarlier(rec, fusedCache, apartCache);
            GpuOps.attentionRoped(rec, c.shape, c.query.all(), c.stepKey.all(), c.stepValue.all(), new QkNorm(qw.all(), kw.all(), EPS),
                    fusedCache, c.rope, fused.all(), c.step.range(), c.ranges, null);
            GpuOps.rmsNorm(rec, normedQ.all(), 0, qw.all(), normedQ.all(), headDim, EPS, heads);
            GpuOps.rmsNorm(rec, normedKey.all(), 0, kw.all(), normedKey.all(), headDim, EPS, kvHeads);
            rec.computeBarrier();
            GpuOps.attentionRoped(rec, c.shape, normedQ.all(), normedKey.all(), c.stepValue.all(), apartCache, c.rope, apart.all(),
                    c.step.range(), c.ranges, null);
            rec.end().submitAndWait();
            assertClose(readFloats(apart, c.qDim), readFloats(fused, c.qDim), 1e-5f, "attention with the q/k norm inside");
            int pairs = c.length * c.kvDim / 2;
            assertClose(halves(readFloats(apartCache.keys().buffer(), pairs)), halves(readFloats(fusedCache.keys().buffer(), pairs)),
                    1e-2f, "appended keys");
        }
    }

    /** The float16 pairs a float16 cache holds, as floats. */
    private static float[] halves(float[] pairs) {
        float[] out = new float[2 * pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            int bits = Float.floatToRawIntBits(pairs[i]);
            out[2 * i] = Float.float16ToFloat((short) bits);
            out[2 * i + 1] = Float.float16ToFloat((short) (bits >>> 16));
        }
        return out;
    }
}
