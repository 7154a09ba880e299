package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.api.CacheType;
import tandem.engine.tools.ProductProblem;

/**
 * rope_store's Q8_0 cache is GGML's block_q8_0 byte for byte (a float16 scale, 32 int8), for heads
 * of two blocks and of three, where neighbouring heads and rows, written by different workgroups,
 * share a 32-bit word. RoPE is off (ropeDim 0), so the cache holds the keys and values as given.
 */
class KvCacheLayoutTest extends VulkanTestBase {
    @ParameterizedTest(name = "kvHeads={0} headDim={1} tokens={2}")
    @CsvSource({"2, 64, 5", "3, 96, 5", "1, 96, 3"})
    void q8_0CacheIsGgmlBlocks(int kvHeads, int headDim, int tokens) {
        int kvDim = kvHeads * headDim;
        float[] k = ProductProblem.gaussians(tokens * kvDim, 3), v = ProductProblem.gaussians(tokens * kvDim, 4);
        long bytes = (CacheType.Q8_0.bytes((long) tokens * kvDim) + 3) / 4 * 4;
        try (GpuBuffer qb = deviceFloats(new float[tokens * kvDim], "q"); GpuBuffer kb = deviceFloats(k, "k");
             GpuBuffer vb = deviceFloats(v, "v"); GpuBuffer table = deviceFloats(new float[2], "rope table");
             GpuBuffer kc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "k cache");
             GpuBuffer vc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "v cache");
             StepParams step = new StepParams(device, tokens)) {
            step.write(0, new int[tokens], 0, tokens);
            try (CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin();
                GpuOps.ropeStore(rec, AttentionHeads.of(kvHeads, kvHeads, headDim), qb.all(), kb.all(), vb.all(),
                        new AttentionCache(kc.all(), vc.all(), CacheType.Q8_0, 0, 0), new Rotary(table.all(), 0, false), step.range(),
                        tokens);
                rec.end().submitAndWait();
            }
            int used = (int) CacheType.Q8_0.bytes((long) tokens * kvDim);
            assertArrayEquals(ggml(k), read(kc, bytes, used), "keys");
            assertArrayEquals(ggml(v), read(vc, bytes, used), "values");
        }
    }

    /** The tiled prompt kernel and the per-token kernel read that cache as the CPU's attention reads the decoded blocks. */
    @ParameterizedTest(name = "heads={0} kvHeads={1} headDim={2} tokens={3}")
    @CsvSource({"4, 2, 64, 17", "6, 3, 96, 17", "6, 3, 96, 9"})
    void attentionReadsTheQ8_0Cache(int heads, int kvHeads, int headDim, int tokens) {
        int kvDim = kvHeads * headDim, qDim = heads * headDim;
        float[] q = ProductProblem.gaussians(tokens * qDim, 5);
        float[] k = ProductProblem.gaussians(tokens * kvDim, 3), v = ProductProblem.gaussians(tokens * kvDim, 4);
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] expected = new float[tokens * qDim];
        float[] kd = decode(ggml(k)), vd = decode(ggml(v));
        for (int t = 0; t < tokens; t++) {
            tandem.engine.cpu.CpuOps.attention(q, t * qDim, kd, vd, kvDim, 0, t + 1, 0, heads, kvHeads, headDim, scale, null,
                    new float[heads * tokens], expected, t * qDim);
        }
        long bytes = (CacheType.Q8_0.bytes((long) tokens * kvDim) + 3) / 4 * 4;
        try (GpuBuffer qb = deviceFloats(q, "q"); GpuBuffer kb = deviceFloats(k, "k");
             GpuBuffer vb = deviceFloats(v, "v"); GpuBuffer table = deviceFloats(new float[2], "rope table");
             GpuBuffer kc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "k cache");
             GpuBuffer vc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "v cache");
             GpuBuffer out = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * tokens * qDim, "out");
             StepParams step = new StepParams(device, tokens)) {
            step.write(0, new int[tokens], 0, tokens);
            for (AttentionKernel kernel : new AttentionKernel[] {AttentionKernel.TILED, AttentionKernel.ROWS}) {
                try (CommandRecorder rec = CommandRecorder.create(device)) {
                    rec.begin();
                    GpuOps.ropeStore(rec, AttentionHeads.of(heads, kvHeads, headDim), qb.all(), kb.all(), vb.all(),
                            new AttentionCache(kc.all(), vc.all(), CacheType.Q8_0, 0, 0), new Rotary(table.all(), 0, false),
                            step.range(), tokens);
                    rec.computeBarrier();
                    GpuOps.attention(rec, kernel, new AttentionHeads(heads, kvHeads, headDim, scale), qb.all(),
                            new AttentionCache(kc.all(), vc.all(), CacheType.Q8_0, 0, 0), out.all(), step.range(), tokens,
                            AttentionSplits.NONE, null);
                    rec.end().submitAndWait();
                }
                WeightKernelTest.assertClose(expected, DeviceFloats.read(device, out, expected.length), 1e-5f, kernel.label());
            }
        }
    }

    /**
     * A decode step in one kernel (attention.comp with ROPE = 1, over two cache ranges): it appends
     * the step's key and value as rope_store would (GGML's bytes again) and attends over the cache
     * with its own key and value rounded as stored.
     */
    @ParameterizedTest(name = "heads={0} kvHeads={1} headDim={2} tokens={3}")
    @CsvSource({"4, 2, 64, 9", "6, 3, 96, 9"})
    void theFusedDecodeStepAppendsAndReadsTheQ8_0Cache(int heads, int kvHeads, int headDim, int tokens) {
        int kvDim = kvHeads * headDim, qDim = heads * headDim, last = tokens - 1, splits = 2;
        float[] q = ProductProblem.gaussians(qDim, 5);
        float[] k = ProductProblem.gaussians(tokens * kvDim, 3), v = ProductProblem.gaussians(tokens * kvDim, 4);
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] expected = new float[qDim];
        tandem.engine.cpu.CpuOps.attention(q, 0, decode(ggml(k)), decode(ggml(v)), kvDim, 0, tokens, 0, heads, kvHeads, headDim,
                scale, null, new float[heads * tokens], expected, 0);
        long bytes = (CacheType.Q8_0.bytes((long) tokens * kvDim) + 3) / 4 * 4;
        try (GpuBuffer qb = deviceFloats(q, "q"); GpuBuffer kb = deviceFloats(k, "k");
             GpuBuffer vb = deviceFloats(v, "v"); GpuBuffer table = deviceFloats(new float[2], "rope table");
             GpuBuffer kc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "k cache");
             GpuBuffer vc = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "v cache");
             GpuBuffer out = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * qDim, "out");
             GpuBuffer partials = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL,
                     4 * GpuOps.attentionPartialFloats(heads, headDim, 1, splits), "partials");
             StepParams earlier = new StepParams(device, last); StepParams step = new StepParams(device, 1)) {
            earlier.write(0, new int[last], 0, last);
            step.write(last, new int[1], 0, 1);
            try (CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin();
                // the earlier positions through rope_store (k stands in for its queries: RoPE off, written back unchanged)
                GpuOps.ropeStore(rec, AttentionHeads.of(kvHeads, kvHeads, headDim), kb.all(), kb.all(), vb.all(),
                        new AttentionCache(kc.all(), vc.all(), CacheType.Q8_0, 0, 0), new Rotary(table.all(), 0, false),
                        earlier.range(), last);
                rec.computeBarrier();
                GpuOps.attentionRoped(rec, new AttentionHeads(heads, kvHeads, headDim, scale), qb.all(),
                        kb.range(4L * last * kvDim, 4L * kvDim), vb.range(4L * last * kvDim, 4L * kvDim),
                        new AttentionCache(kc.all(), vc.all(), CacheType.Q8_0, 0, 0), new Rotary(table.all(), 0, false), out.all(),
                        step.range(), new AttentionSplits(splits, partials.all()), null);
                rec.end().submitAndWait();
            }
            int used = (int) CacheType.Q8_0.bytes((long) tokens * kvDim);
            assertArrayEquals(ggml(k), read(kc, bytes, used), "keys");
            assertArrayEquals(ggml(v), read(vc, bytes, used), "values");
            WeightKernelTest.assertClose(expected, DeviceFloats.read(device, out, qDim), 1e-5f, "fused decode attention");
        }
    }

    private static float[] decode(byte[] blocks) {
        float[] out = new float[blocks.length / 34 * 32];
        for (int b = 0; b < blocks.length / 34; b++) {
            float d = Float.float16ToFloat((short) ((blocks[34 * b] & 0xff) | (blocks[34 * b + 1] << 8)));
            for (int j = 0; j < 32; j++) out[32 * b + j] = blocks[34 * b + 2 + j] * d;
        }
        return out;
    }

    /** quantize_row_q8_0_ref: d = amax / 127, q = roundf(x / d) (by the reciprocal), d stored as float16. */
    private static byte[] ggml(float[] x) {
        byte[] out = new byte[x.length / 32 * 34];
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[32 * b + j]));
            float d = amax / 127f, id = d != 0 ? 1f / d : 0f;
            short h = Float.floatToFloat16(d);
            out[34 * b] = (byte) h;
            out[34 * b + 1] = (byte) (h >> 8);
            for (int j = 0; j < 32; j++) {
                float v = x[32 * b + j] * id;
                out[34 * b + 2 + j] = (byte) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
            }
        }
        return out;
    }

    private static byte[] read(GpuBuffer cache, long bytes, int used) {
        try (GpuBuffer readback = GpuBuffer.create(device, BufferKind.READBACK, bytes, "readback");
             CommandRecorder rec = CommandRecorder.create(device)) {
            rec.begin().copy(cache.all(), readback.all()).end().submitAndWait();
            readback.invalidate();
            return java.util.Arrays.copyOf(readback.mapped().toArray(ValueLayout.JAVA_BYTE), used);
        }
    }
}
