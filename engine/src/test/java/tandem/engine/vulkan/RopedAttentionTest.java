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
        int kvDim = kvHeads * headDim, qDim = heads * headDim, length = pos0 + 1;
        float[] ones = new float[ropeDim / 2];
        Arrays.fill(ones, 1f);
        float[] k = VulkanFoundationTest.randomFloats(length * kvDim, 11);
        float[] v = VulkanFoundationTest.randomFloats(length * kvDim, 12);
        float[] q = VulkanFoundationTest.randomFloats(qDim, 13);
        float[] roped = q.clone();
        CpuOps.rope(roped, 0, heads, headDim, ropeDim, pos0, THETA, style, ones);
        float[] keys = k.clone();
        for (int t = 0; t < length; t++) CpuOps.rope(keys, t * kvDim, kvHeads, headDim, ropeDim, t, THETA, style, ones);
        float[] expected = new float[qDim];
        CpuOps.attention(roped, 0, halves(keys), halves(v), kvDim, length, heads, kvHeads, headDim, new float[heads * length],
                expected, 0);
        boolean neox = style == RopeStyle.NEOX;
        try (GpuBuffer earlierQ = deviceFloats(new float[Math.max(1, pos0) * qDim], "earlier queries");
             GpuBuffer keysIn = deviceFloats(k, "keys"); GpuBuffer valuesIn = deviceFloats(v, "values");
             GpuBuffer stepKey = deviceFloats(Arrays.copyOfRange(k, pos0 * kvDim, length * kvDim), "step key");
             GpuBuffer stepValue = deviceFloats(Arrays.copyOfRange(v, pos0 * kvDim, length * kvDim), "step value");
             GpuBuffer qb = deviceFloats(q, "q"); GpuBuffer ropedQ = deviceFloats(roped, "roped q");
             GpuBuffer kc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * length * kvDim, "k cache");
             GpuBuffer vc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * length * kvDim, "v cache");
             GpuBuffer table = deviceFloats(RopeTable.build(length, ropeDim, THETA, ones), "rope table");
             GpuBuffer fused = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * qDim, "fused out");
             GpuBuffer plain = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * qDim, "plain out");
             GpuBuffer partials = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL,
                     4 * GpuOps.attentionPartialFloats(heads, headDim, 1, splits), "partials");
             StepParams earlier = new StepParams(device, Math.max(1, pos0)); StepParams step = new StepParams(device, 1);
             CommandRecorder rec = CommandRecorder.create(device)) {
            rec.begin();
            if (pos0 > 0) {
                earlier.write(0, new int[pos0], 0, pos0);
                GpuOps.ropeStore(rec, AttentionHeads.of(heads, kvHeads, headDim), earlierQ.all(), keysIn.all(), valuesIn.all(),
                        AttentionCache.full(kc.all(), vc.all()), new Rotary(table.all(), ropeDim, neox), earlier.range(), pos0);
                rec.computeBarrier();
            }
            step.write(pos0, new int[1], 0, 1);
            AttentionHeads shape = AttentionHeads.of(heads, kvHeads, headDim);
            GpuOps.attentionRoped(rec, shape, qb.all(), stepKey.all(), stepValue.all(), AttentionCache.full(kc.all(), vc.all()),
                    new Rotary(table.all(), ropeDim, neox), fused.all(), step.range(), new AttentionSplits(splits, partials.all()), null);
            rec.computeBarrier();
            GpuOps.attention(rec, shape, ropedQ.all(), AttentionCache.full(kc.all(), vc.all()), plain.all(), step.range(), 1,
                    AttentionSplits.NONE);
            rec.end().submitAndWait();
            assertClose(expected, readFloats(fused, qDim), 1e-4f, "roped attention");
            assertClose(expected, readFloats(plain, qDim), 1e-4f, "attention over the appended cache");
        }
    }

    private static float[] halves(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        return out;
    }
}
