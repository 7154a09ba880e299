package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static tandem.engine.vulkan.WeightKernelTest.assertClose;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.cpu.CpuOps;
import tandem.engine.model.RopeStyle;

/** RMS norm, RoPE with the KV-cache append, and attention kernels against the CPU reference. */
class ActivationKernelTest extends VulkanTestBase {
    private static final float THETA = 500000f;

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

    /**
     * The matrix units' float16 input: rows from an offset and stride, SwiGLU applied or not, each
     * group of four in the order 0, 2, 1, 3, values beyond float16's range saturated.
     */
    @ParameterizedTest(name = "cols={0} tokens={1} glu={2}")
    @CsvSource({"16, 3, false", "520, 2, true", "8, 1, true"})
    void toHalvesConvertsRowsInTileOrder(int cols, int tokens, boolean glu) {
        int offset = 4, stride = cols + 8;
        float[] x = VulkanFoundationTest.randomFloats(offset + stride * tokens, cols);
        float[] up = VulkanFoundationTest.randomFloats(x.length, cols + 1);
        x[offset + 1] = 1e6f;   // saturates (silu(1e6) * up too, where up is not tiny)
        up[offset + 1] = 3f;
        float[] expected = new float[cols * tokens];
        for (int t = 0; t < tokens; t++) {
            float[] row = new float[cols];
            if (glu) CpuOps.swiglu(x, offset + t * stride, up, offset + t * stride, row, 0, cols);
            else System.arraycopy(x, offset + t * stride, row, 0, cols);
            for (int i = 0; i < cols; i += 4) {
                int[] order = {0, 2, 1, 3};
                for (int j = 0; j < 4; j++) {
                    float v = Math.max(-65504f, Math.min(65504f, row[i + order[j]]));
                    expected[t * cols + i + j] = Float.float16ToFloat(Float.floatToFloat16(v));
                }
            }
        }
        try (GpuBuffer xb = deviceFloats(x, "x"); GpuBuffer ub = deviceFloats(up, "up");
             GpuBuffer hb = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * cols * tokens, "halves");
             CommandRecorder rec = CommandRecorder.create(device)) {
            rec.begin();
            GpuOps.toHalves(rec, xb.all(), glu ? ub.all() : null, offset, stride, cols, tokens, hb.all());
            rec.end().submitAndWait();
            float[] bits = readFloats(hb, cols * tokens / 2);
            float[] actual = new float[cols * tokens];
            for (int i = 0; i < bits.length; i++) {
                int w = Float.floatToRawIntBits(bits[i]);
                actual[2 * i] = Float.float16ToFloat((short) w);
                actual[2 * i + 1] = Float.float16ToFloat((short) (w >>> 16));
            }
            // Element by element: one float16 rounding apart at most (the saturated value exactly).
            for (int i = 0; i < expected.length; i++) {
                float e = expected[i], a = actual[i];
                assertTrue(Math.abs(e - a) <= 1e-3f * Math.abs(e) + 1e-6f, "to_halves " + i + ": expected " + e + " got " + a);
            }
        }
    }

    /** Queries rotated in place; rotated keys and the values appended to the F16 caches. */
    @ParameterizedTest(name = "{0} heads={1} kvHeads={2} headDim={3} ropeDim={4} pos0={5} tokens={6}")
    @CsvSource({"NORMAL, 3, 3, 16, 16, 0, 2", "NEOX, 4, 2, 12, 8, 1000, 3", "NORMAL, 4, 1, 128, 128, 8000, 1",
                "NEOX, 2, 1, 130, 130, 5, 2"})
    void ropeAndCacheAppendMatchCpu(RopeStyle style, int heads, int kvHeads, int headDim, int ropeDim, int pos0, int tokens) {
        float[] factors = factors(ropeDim);
        int qDim = heads * headDim, kvDim = kvHeads * headDim, length = pos0 + tokens;
        float[] q = VulkanFoundationTest.randomFloats(tokens * qDim, heads);
        float[] k = VulkanFoundationTest.randomFloats(tokens * kvDim, kvHeads);
        float[] v = VulkanFoundationTest.randomFloats(tokens * kvDim, 3);
        float[] expectedQ = q.clone(), expectedK = k.clone();
        for (int t = 0; t < tokens; t++) {
            CpuOps.rope(expectedQ, t * qDim, heads, headDim, ropeDim, pos0 + t, THETA, style, factors);
            CpuOps.rope(expectedK, t * kvDim, kvHeads, headDim, ropeDim, pos0 + t, THETA, style, factors);
        }
        try (Fixture f = new Fixture(q, k, v, length, kvDim, ropeDim, factors)) {
            f.record(pos0, heads, kvHeads, headDim, ropeDim, style, tokens);
            assertClose(expectedQ, readFloats(f.qb, q.length), 1e-5f, "rope q");
            assertClose(toHalfAndBack(expectedK), f.cacheRows(f.kc, pos0, tokens * kvDim), 1e-3f, "k cache");
            assertClose(toHalfAndBack(v), f.cacheRows(f.vc, pos0, tokens * kvDim), 0f, "v cache");
        }
    }

    /** Decode and short steps (per-token kernel, split or not) and prompts (tiled kernel: 8+ tokens, partial blocks, GQA). */
    @ParameterizedTest(name = "heads={0} kvHeads={1} headDim={2} pos0={3} tokens={4} splits={5}")
    @CsvSource({"4, 2, 12, 70, 3, 1", "8, 8, 64, 0, 1, 1", "2, 1, 6, 0, 5, 1", "3, 3, 130, 40, 2, 1",
                "4, 2, 12, 100, 1, 3", "8, 8, 64, 2, 1, 4", "2, 1, 130, 300, 2, 5",
                "4, 2, 12, 70, 37, 1", "8, 8, 64, 0, 40, 1", "2, 1, 130, 5, 33, 1", "3, 3, 6, 0, 8, 1",
                "4, 1, 128, 100, 20, 1", "6, 2, 64, 0, 100, 1"})
    void attentionOverTheCacheMatchesCpu(int heads, int kvHeads, int headDim, int pos0, int tokens, int splits) {
        if (tokens >= GpuOps.MATMUL_MIN_TOKENS) {
            assertTrue(Kernels.of(device).promptAttentionTiles(headDim) != null, "the tiled prompt kernel fits head size " + headDim);
        }
        int kvDim = kvHeads * headDim, length = pos0 + tokens;
        float[] factors = factors(headDim);
        float[] k = VulkanFoundationTest.randomFloats(length * kvDim, 5);
        float[] v = VulkanFoundationTest.randomFloats(length * kvDim, 6);
        float[] q = VulkanFoundationTest.randomFloats(tokens * heads * headDim, 7);
        // The cache holds rotated keys in F16: the reference sees the same rounded values.
        float[] keys = k.clone();
        for (int t = 0; t < length; t++) CpuOps.rope(keys, t * kvDim, kvHeads, headDim, headDim, t, THETA, RopeStyle.NORMAL, factors);
        keys = toHalfAndBack(keys);
        float[] values = toHalfAndBack(v);
        float[] expected = new float[tokens * heads * headDim];
        float[] scores = new float[heads * length];
        for (int t = 0; t < tokens; t++) {
            CpuOps.attention(q, t * heads * headDim, keys, values, kvDim, pos0 + t + 1, heads, kvHeads, headDim,
                    scores, expected, t * heads * headDim);
        }
        try (Fixture f = new Fixture(new float[length * kvDim], k, v, length, kvDim, headDim, factors);
             GpuBuffer qb = deviceFloats(q, "q");
             GpuBuffer out = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, expected.length * 4L, "out");
             GpuBuffer partials = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL,
                     4 * GpuOps.attentionPartialFloats(heads, headDim, tokens, splits), "partials");
             StepParams step = new StepParams(device, tokens); CommandRecorder rec = CommandRecorder.create(device)) {
            f.record(0, kvHeads, kvHeads, headDim, headDim, RopeStyle.NORMAL, length);
            step.write(pos0, new int[tokens], 0, tokens);
            rec.begin();
            GpuOps.attention(rec, AttentionHeads.of(heads, kvHeads, headDim), qb.all(), AttentionCache.full(f.kc.all(), f.vc.all()),
                    out.all(), step.range(), tokens, new AttentionSplits(splits, partials.all()));
            rec.end().submitAndWait();
            assertClose(expected, readFloats(out, expected.length), 1e-4f, "attention");
        }
    }

    /** Buffers for one rope_store call: queries, keys, values, both caches of `length` rows and the table. */
    private static final class Fixture implements AutoCloseable {
        final GpuBuffer qb, kb, vb, kc, vc, table;
        final StepParams step;
        final int kvDim;

        Fixture(float[] q, float[] k, float[] v, int length, int kvDim, int ropeDim, float[] factors) {
            this.kvDim = kvDim;
            qb = deviceFloats(q, "q");
            kb = deviceFloats(k, "k");
            vb = deviceFloats(v, "v");
            kc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * length * kvDim, "k cache");
            vc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * length * kvDim, "v cache");
            table = deviceFloats(RopeTable.build(length, ropeDim, THETA, factors), "rope table");
            step = new StepParams(device, length);
        }

        void record(int pos0, int heads, int kvHeads, int headDim, int ropeDim, RopeStyle style, int tokens) {
            step.write(pos0, new int[tokens], 0, tokens);
            try (CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin();
                GpuOps.ropeStore(rec, AttentionHeads.of(heads, kvHeads, headDim), qb.all(), kb.all(), vb.all(),
                        AttentionCache.full(kc.all(), vc.all()), new Rotary(table.all(), ropeDim, style == RopeStyle.NEOX), step.range(),
                        tokens);
                rec.end().submitAndWait();
            }
        }

        /** F16 cache rows from position pos0 on, as floats. */
        float[] cacheRows(GpuBuffer cache, int pos0, int count) {
            try (GpuBuffer readback = GpuBuffer.create(device, BufferKind.READBACK, 2L * count, "readback");
                 CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin().copy(cache.range(2L * pos0 * kvDim, 2L * count), readback.all()).end().submitAndWait();
                readback.invalidate();
                short[] halves = readback.mapped().toArray(ValueLayout.JAVA_SHORT);
                float[] out = new float[count];
                for (int i = 0; i < count; i++) out[i] = Float.float16ToFloat(halves[i]);
                return out;
            }
        }

        @Override
        public void close() {
            step.close();
            table.close();
            vc.close();
            kc.close();
            vb.close();
            kb.close();
            qb.close();
        }
    }

    private static float[] factors(int ropeDim) {
        float[] f = new float[ropeDim / 2];
        for (int i = 0; i < f.length; i++) f[i] = 1f + i % 3;
        return f;
    }

    private static float[] toHalfAndBack(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        return out;
    }
}
