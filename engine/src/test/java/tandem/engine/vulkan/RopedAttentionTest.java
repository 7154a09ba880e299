package tandem.engine.vulkan;

import static tandem.engine.vulkan.WeightKernelTest.assertClose;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.cpu.CpuOps;
import tandem.engine.model.RopeStyle;

/**
 * The decode attention that ropes its own query and the step's key (attention.comp, ROPE = 1)
 * against the CPU reference: its output, and the key and value it appends to the caches, which a
 * plain attention over the cache then reads back.
 */
class RopedAttentionTest extends VulkanTestBase {
    private static final float THETA = 10000f;

    @ParameterizedTest(name = "heads={0} kvHeads={1} headDim={2} ropeDim={3} {4} pos0={5} splits={6}")
    @CsvSource({"4, 2, 12, 12, NORMAL, 0, 1", "4, 2, 12, 8, NORMAL, 70, 1", "8, 8, 64, 64, NEOX, 33, 1",
                "2, 1, 130, 130, NEOX, 0, 1", "4, 2, 16, 16, NORMAL, 100, 3", "8, 4, 64, 32, NEOX, 300, 5"})
    void ropesInsideAndAppendsTheStepsKeyAndValue(int heads, int kvHeads, int headDim, int ropeDim, RopeStyle style,
                                                 int pos0, int splits) {
        try (DecodeAttentionCase c = new DecodeAttentionCase(device, heads, kvHeads, headDim, ropeDim, style == RopeStyle.NEOX, pos0,
                splits, 11)) {
            float[] ones = new float[ropeDim / 2];
            Arrays.fill(ones, 1f);
            float[] roped = c.q.clone();
            CpuOps.rope(roped, 0, heads, headDim, ropeDim, pos0, THETA, style, ones);
            float[] keys = c.k.clone();
            for (int t = 0; t < c.length; t++) CpuOps.rope(keys, t * c.kvDim, kvHeads, headDim, ropeDim, t, THETA, style, ones);
            float[] expected = new float[c.qDim];
            CpuOps.attention(roped, 0, halves(keys), halves(c.v), c.kvDim, c.length, heads, kvHeads, headDim,
                    new float[heads * c.length], expected, 0);
            try (GpuBuffer ropedQ = deviceFloats(roped, "roped q");
                 GpuBuffer fused = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * c.qDim, "fused out");
                 GpuBuffer plain = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * c.qDim, "plain out");
                 CommandRecorder rec = CommandRecorder.create(device)) {
                AttentionCache cache = c.cache(device, "cache");
                rec.begin();
                c.storeEarlier(rec, cache);
                c.attendRoped(rec, cache, fused);
                rec.computeBarrier();
                GpuOps.attention(rec, c.shape, ropedQ.all(), cache, plain.all(), c.step.range(), 1, AttentionSplits.NONE);
                rec.end().submitAndWait();
                assertClose(expected, readFloats(fused, c.qDim), 1e-4f, "roped attention");
                assertClose(expected, readFloats(plain, c.qDim), 1e-4f, "attention over the appended cache");
            }
        }
    }

    private static float[] halves(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        return out;
    }
}
