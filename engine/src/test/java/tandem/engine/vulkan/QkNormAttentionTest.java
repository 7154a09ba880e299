package tandem.engine.vulkan;

import static tandem.engine.vulkan.WeightKernelTest.assertClose;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decode attention that norms each head of its query and the step's key itself (Qwen3, Gemma 3: attention.comp
 * with QK_NORM) against the separate per-head rms_norm dispatches followed by the same attention: the same output
 * and the same keys appended to the cache, which a plain attention then reads back.
 */
class QkNormAttentionTest extends VulkanTestBase {
    private static final float EPS = 1e-6f;

    @ParameterizedTest(name = "heads={0} kvHeads={1} headDim={2} ropeDim={3} pos0={4} splits={5}")
    @CsvSource({"4, 2, 64, 64, 0, 1", "8, 2, 128, 128, 40, 1", "4, 1, 128, 64, 70, 3", "6, 3, 16, 16, 9, 2"})
    void normsTheQueryAndKeyAsTheSeparateNormDoes(int heads, int kvHeads, int headDim, int ropeDim, int pos0, int splits) {
        int kvDim = kvHeads * headDim, qDim = heads * headDim, length = pos0 + 1;
        float[] ones = new float[ropeDim / 2];
        Arrays.fill(ones, 1f);
        float[] k = VulkanFoundationTest.randomFloats(length * kvDim, 31);
        float[] v = VulkanFoundationTest.randomFloats(length * kvDim, 32);
        float[] q = VulkanFoundationTest.randomFloats(qDim, 33);
        float[] qWeight = VulkanFoundationTest.randomFloats(headDim, 34);
        float[] kWeight = VulkanFoundationTest.randomFloats(headDim, 35);
        try (GpuBuffer earlierQ = deviceFloats(new float[Math.max(1, pos0) * qDim], "earlier queries");
             GpuBuffer keysIn = deviceFloats(k, "keys"); GpuBuffer valuesIn = deviceFloats(v, "values");
             GpuBuffer stepKey = deviceFloats(Arrays.copyOfRange(k, pos0 * kvDim, length * kvDim), "step key");
             GpuBuffer normedKey = deviceFloats(Arrays.copyOfRange(k, pos0 * kvDim, length * kvDim), "step key, normed apart");
             GpuBuffer stepValue = deviceFloats(Arrays.copyOfRange(v, pos0 * kvDim, length * kvDim), "step value");
             GpuBuffer qb = deviceFloats(q, "q"); GpuBuffer normedQ = deviceFloats(q, "q, normed apart");
             GpuBuffer qw = deviceFloats(qWeight, "q norm"); GpuBuffer kw = deviceFloats(kWeight, "k norm");
             GpuBuffer fusedKc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * length * kvDim, "k cache, fused");
             GpuBuffer fusedVc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * length * kvDim, "v cache, fused");
             GpuBuffer apartKc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * length * kvDim, "k cache, apart");
             GpuBuffer apartVc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * length * kvDim, "v cache, apart");
             GpuBuffer table = deviceFloats(RopeTable.build(length, ropeDim, 10000f, ones), "rope table");
             GpuBuffer fused = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * qDim, "fused out");
             GpuBuffer apart = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * qDim, "apart out");
             GpuBuffer partials = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL,
                     4 * GpuOps.attentionPartialFloats(heads, headDim, 1, splits), "partials");
             StepParams earlier = new StepParams(device, Math.max(1, pos0)); StepParams step = new StepParams(device, 1);
             CommandRecorder rec = CommandRecorder.create(device)) {
            AttentionHeads shape = AttentionHeads.of(heads, kvHeads, headDim);
            AttentionCache fusedCache = AttentionCache.full(fusedKc.all(), fusedVc.all());
            AttentionCache apartCache = AttentionCache.full(apartKc.all(), apartVc.all());
            Rotary rope = new Rotary(table.all(), ropeDim, false);
            AttentionSplits ranges = splits == 1 ? AttentionSplits.NONE : new AttentionSplits(splits, partials.all());
            rec.begin();
            if (pos0 > 0) {
                earlier.write(0, new int[pos0], 0, pos0);
                for (AttentionCache cache : new AttentionCache[] {fusedCache, apartCache}) {
                    GpuOps.ropeStore(rec, shape, earlierQ.all(), keysIn.all(), valuesIn.all(), cache, rope, earlier.range(), pos0);
                }
                rec.computeBarrier();
            }
            step.write(pos0, new int[1], 0, 1);
            GpuOps.attentionRoped(rec, shape, qb.all(), stepKey.all(), stepValue.all(), new QkNorm(qw.all(), kw.all(), EPS),
                    fusedCache, rope, fused.all(), step.range(), ranges, null);
            GpuOps.rmsNorm(rec, normedQ.all(), 0, qw.all(), normedQ.all(), headDim, EPS, heads);
            GpuOps.rmsNorm(rec, normedKey.all(), 0, kw.all(), normedKey.all(), headDim, EPS, kvHeads);
            rec.computeBarrier();
            GpuOps.attentionRoped(rec, shape, normedQ.all(), normedKey.all(), stepValue.all(), apartCache, rope, apart.all(),
                    step.range(), ranges, null);
            rec.end().submitAndWait();
            float[] want = readFloats(apart, qDim);
            assertClose(want, readFloats(fused, qDim), 1e-5f, "attention with the q/k norm inside");
            assertClose(halves(readFloats(apartKc, length * kvDim / 2)), halves(readFloats(fusedKc, length * kvDim / 2)), 1e-2f,
                    "appended keys");
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
