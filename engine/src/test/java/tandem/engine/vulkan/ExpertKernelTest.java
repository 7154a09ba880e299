package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static tandem.engine.vulkan.WeightKernelTest.assertClose;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.cpu.CpuOps;
import tandem.engine.cpu.ExpertRouting;
import tandem.engine.model.ExpertStyle;
import tandem.engine.tensor.GgmlType;
import tandem.engine.tools.RandomBlocks;

/**
 * The mixture-of-experts kernels against the CPU reference: routing on the GPU (ids and weights),
 * the gate/up product over the chosen experts' rows, and the weighted down product with SwiGLU
 * (plain and gpt-oss's clamped form) and expert biases, for several tokens at once.
 */
class ExpertKernelTest extends VulkanTestBase {
    @ParameterizedTest(name = "{0} experts={1} used={2} tokens={3} glu={4} biases={5}")
    @CsvSource({"F32, 8, 2, 3, 1, false", "Q8_0, 16, 4, 5, 2, true", "Q4_K, 6, 3, 1, 1, false", "F16, 32, 4, 9, 2, true",
            "MXFP4, 16, 4, 3, 2, true", "IQ4_XS, 8, 2, 2, 1, false", "Q8_0, 128, 8, 2, 1, false"})
    void routedExpertsMatchCpu(GgmlType type, int experts, int used, int tokens, int glu, boolean biases) {
        int dim = type.isQuantized() ? type.blockSize() * 2 : 64;
        int ffn = type.isQuantized() ? type.blockSize() : 48;
        float[] x = VulkanFoundationTest.randomFloats(tokens * dim, 3);
        float[] logits = VulkanFoundationTest.randomFloats(tokens * experts, 4);
        float[] routerBias = VulkanFoundationTest.randomFloats(experts, 5);
        float[] gateBias = VulkanFoundationTest.randomFloats(experts * ffn, 6);
        float[] upBias = VulkanFoundationTest.randomFloats(experts * ffn, 7);
        float[] downBias = VulkanFoundationTest.randomFloats(experts * dim, 8);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment gate = arena.allocate(type.byteSize((long) experts * ffn * dim), 16);
            MemorySegment up = arena.allocate(type.byteSize((long) experts * ffn * dim), 16);
            MemorySegment down = arena.allocate(type.byteSize((long) experts * dim * ffn), 16);
            RandomBlocks.fill(type, gate, 9);
            RandomBlocks.fill(type, up, 10);
            RandomBlocks.fill(type, down, 11);

            int[] ids = new int[tokens * used];
            float[] weights = new float[tokens * used];
            float[] biased = logits.clone();
            for (int t = 0; t < tokens; t++) {
                if (biases) CpuOps.add(biased, t * experts, routerBias, 0, experts);
                ExpertRouting.route(biased, t * experts, experts, used, ids, weights, t * used);
            }
            float[] g = new float[tokens * used * ffn];
            float[] u = new float[tokens * used * ffn];
            float[] out = new float[tokens * dim];
            for (int pair = 0; pair < tokens * used; pair++) {
                int e = ids[pair], t = pair / used;
                CpuOps.matVec(type, gate.asSlice(type.byteSize((long) e * ffn * dim)), ffn, dim, x, t * dim, g, pair * ffn);
                CpuOps.matVec(type, up.asSlice(type.byteSize((long) e * ffn * dim)), ffn, dim, x, t * dim, u, pair * ffn);
                if (biases) {
                    CpuOps.add(g, pair * ffn, gateBias, e * ffn, ffn);
                    CpuOps.add(u, pair * ffn, upBias, e * ffn, ffn);
                }
            }
            float[] h = new float[g.length];
            if (glu == 2) CpuOps.swigluOai(g, 0, u, 0, h, 0, h.length, ExpertStyle.OAI_ALPHA, ExpertStyle.OAI_LIMIT);
            else CpuOps.swiglu(g, 0, u, 0, h, 0, h.length);
            float[] d = new float[dim];
            for (int pair = 0; pair < tokens * used; pair++) {
                int e = ids[pair], t = pair / used;
                CpuOps.matVec(type, down.asSlice(type.byteSize((long) e * dim * ffn)), dim, ffn, h, pair * ffn, d, 0);
                if (biases) CpuOps.add(d, 0, downBias, e * dim, dim);
                CpuOps.axpy(weights[pair], d, 0, out, t * dim, dim);
            }

            try (WeightUploader uploader = new WeightUploader(device, n -> {});
                 WeightTensor gw = uploader.matrix("gate", type, experts * ffn, dim, gate);
                 WeightTensor uw = uploader.matrix("up", type, experts * ffn, dim, up);
                 WeightTensor dw = uploader.matrix("down", type, experts * dim, ffn, down);
                 GpuBuffer xb = deviceFloats(x, "x"); GpuBuffer lb = deviceFloats(logits, "logits");
                 GpuBuffer rb = deviceFloats(routerBias, "router bias"); GpuBuffer gbb = deviceFloats(gateBias, "gate bias");
                 GpuBuffer ubb = deviceFloats(upBias, "up bias"); GpuBuffer dbb = deviceFloats(downBias, "down bias");
                 GpuBuffer idb = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, ids.length * 4L, "ids");
                 GpuBuffer wb = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, weights.length * 4L, "weights");
                 GpuBuffer gb = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, g.length * 4L, "g");
                 GpuBuffer ub = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, u.length * 4L, "u");
                 GpuBuffer ob = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, out.length * 4L, "out");
                 CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin();
                GpuOps.routeExperts(rec, lb.all(), biases ? rb.all() : null, idb.all(), wb.all(), experts, used, tokens);
                rec.computeBarrier();
                GpuOps.expertMatVec(rec, gw, experts, xb.all(), dim, idb.all(), biases ? gbb.all() : null, gb.all(), ffn, used, tokens);
                GpuOps.expertMatVec(rec, uw, experts, xb.all(), dim, idb.all(), biases ? ubb.all() : null, ub.all(), ffn, used, tokens);
                rec.computeBarrier();
                GpuOps.expertDown(rec, dw, experts, glu, gb.all(), ub.all(), ffn, idb.all(), wb.all(),
                        biases ? dbb.all() : null, ob.all(), dim, used, tokens, false);
                rec.end().submitAndWait();
                float[] idFloats = readFloats(idb, ids.length);
                int[] gpuIds = new int[ids.length];
                for (int i = 0; i < ids.length; i++) gpuIds[i] = Float.floatToRawIntBits(idFloats[i]);
                assertArrayEquals(ids, gpuIds, "expert ids");
                assertClose(weights, readFloats(wb, weights.length), 1e-6f, "expert weights");
                assertClose(g, readFloats(gb, g.length), 1e-4f, type + " expert gate");
                assertClose(u, readFloats(ub, u.length), 1e-4f, type + " expert up");
                assertClose(out, readFloats(ob, out.length), 1e-3f, type + " expert down");
            }
        }
    }
}
