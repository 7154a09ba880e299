package tandem.engine.vulkan;

import static tandem.engine.vulkan.WeightKernelTest.assertClose;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.cpu.CpuOps;
import tandem.engine.model.RopeStyle;

/** RMS norm, RoPE, KV-cache writes, attention and SwiGLU kernels against the CPU reference. */
class ActivationKernelTest extends VulkanTestBase {

    @ParameterizedTest(name = "n={0} rows={1}")
    @CsvSource({"67, 3", "1024, 1", "5, 2"})
    void rmsNormMatchesCpu(int n, int rows) {
        float[] x = VulkanFoundationTest.randomFloats(n * rows, n);
        float[] w = VulkanFoundationTest.randomFloats(n, n + 1);
        float[] expected = new float[n * rows];
        for (int r = 0; r < rows; r++) CpuOps.rmsNorm(x, r * n, w, 1e-5f, expected, r * n, n);
        try (GpuBuffer xb = deviceFloats(x, "x"); GpuBuffer wb = deviceFloats(w, "w");
             GpuBuffer out = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, x.length * 4L, "out");
             CommandRecorder rec = CommandRecorder.create(device)) {
            rec.begin();
            GpuOps.rmsNorm(rec, xb.all(), 0, wb.all(), out.all(), n, 1e-5f, rows);
            rec.end().submitAndWait();
            assertClose(expected, readFloats(out, expected.length), 1e-5f, "rms_norm");
        }
    }

    @ParameterizedTest(name = "{0} heads={1} headDim={2} ropeDim={3} pos0={4} tokens={5}")
    @CsvSource({"NORMAL, 3, 16, 16, 0, 2", "NEOX, 2, 12, 8, 1000, 3", "NORMAL, 4, 128, 128, 8000, 1"})
    void ropeMatchesCpu(RopeStyle style, int heads, int headDim, int ropeDim, int pos0, int tokens) {
        float theta = 500000f;
        float[] factors = new float[ropeDim / 2];
        for (int i = 0; i < factors.length; i++) factors[i] = 1f + i % 3;
        float[] x = VulkanFoundationTest.randomFloats(tokens * heads * headDim, heads);
        float[] expected = x.clone();
        for (int t = 0; t < tokens; t++) {
            CpuOps.rope(expected, t * heads * headDim, heads, headDim, ropeDim, pos0 + t, theta, style, factors);
        }
        float[] table = RopeTable.build(pos0 + tokens, ropeDim, theta, factors);
        try (GpuBuffer xb = deviceFloats(x, "x"); GpuBuffer tb = deviceFloats(table, "table");
             StepParams step = new StepParams(device, tokens); CommandRecorder rec = CommandRecorder.create(device)) {
            step.write(pos0, new int[tokens], 0, tokens);
            rec.begin();
            GpuOps.rope(rec, xb.all(), tb.all(), step.range(), heads, headDim, ropeDim, style == RopeStyle.NEOX, tokens);
            rec.end().submitAndWait();
            assertClose(expected, readFloats(xb, x.length), 1e-5f, "rope");
        }
    }

    @ParameterizedTest(name = "heads={0} kvHeads={1} headDim={2} pos0={3} tokens={4}")
    @CsvSource({"4, 2, 12, 70, 3", "8, 8, 64, 0, 1", "2, 1, 6, 0, 5", "3, 3, 130, 40, 2"})
    void cacheWriteAndAttentionMatchCpu(int heads, int kvHeads, int headDim, int pos0, int tokens) {
        int kvDim = kvHeads * headDim;
        int length = pos0 + tokens;
        float[] oldKeys = VulkanFoundationTest.randomFloats(length * kvDim, 5);
        float[] oldValues = VulkanFoundationTest.randomFloats(length * kvDim, 6);
        float[] q = VulkanFoundationTest.randomFloats(tokens * heads * headDim, 7);
        // The cache is F16: the reference sees the same rounded values.
        float[] keys = toHalfAndBack(oldKeys), values = toHalfAndBack(oldValues);
        float[] expected = new float[tokens * heads * headDim];
        float[] scores = new float[heads * length];
        for (int t = 0; t < tokens; t++) {
            CpuOps.attention(q, t * heads * headDim, keys, values, kvDim, pos0 + t + 1, heads, kvHeads, headDim,
                    scores, expected, t * heads * headDim);
        }
        long cacheBytes = (long) length * kvDim * 2;
        try (GpuBuffer kc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, cacheBytes, "k cache");
             GpuBuffer vc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, cacheBytes, "v cache");
             GpuBuffer kAll = deviceFloats(oldKeys, "k"); GpuBuffer vAll = deviceFloats(oldValues, "v");
             GpuBuffer qb = deviceFloats(q, "q");
             GpuBuffer out = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, expected.length * 4L, "out");
             StepParams fill = new StepParams(device, length); StepParams step = new StepParams(device, tokens);
             CommandRecorder rec = CommandRecorder.create(device)) {
            fill.write(0, new int[length], 0, length);
            step.write(pos0, new int[tokens], 0, tokens);
            rec.begin();
            GpuOps.kvStore(rec, kAll.all(), kc.all(), fill.range(), kvDim, length);
            GpuOps.kvStore(rec, vAll.all(), vc.all(), fill.range(), kvDim, length);
            rec.barrier();
            GpuOps.attention(rec, qb.all(), kc.all(), vc.all(), out.all(), step.range(), heads, kvHeads, headDim, tokens);
            rec.end().submitAndWait();
            assertClose(expected, readFloats(out, expected.length), 1e-4f, "attention");
        }
    }

    @ParameterizedTest(name = "n={0}")
    @CsvSource({"1000", "7"})
    void swigluMatchesCpu(int n) {
        float[] g = VulkanFoundationTest.randomFloats(n, 1), u = VulkanFoundationTest.randomFloats(n, 2);
        float[] expected = new float[n];
        CpuOps.swiglu(g, 0, u, 0, expected, 0, n);
        try (GpuBuffer gb = deviceFloats(g, "g"); GpuBuffer ub = deviceFloats(u, "u");
             GpuBuffer out = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, n * 4L, "out");
             CommandRecorder rec = CommandRecorder.create(device)) {
            rec.begin();
            GpuOps.swiglu(rec, gb.all(), ub.all(), out.all(), n);
            rec.end().submitAndWait();
            assertClose(expected, readFloats(out, n), 1e-5f, "swiglu");
        }
    }

    private static float[] toHalfAndBack(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        return out;
    }
}
