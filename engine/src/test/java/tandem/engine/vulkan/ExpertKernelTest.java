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
 * (plain and gpt-oss's clamped form) and expert biases, for several tokens at once: per (token,
 * expert) pair (matvec, decode's kernel) and with the pairs grouped by expert (prompts: the scalar
 * tiles, and the matrix units' kernel with its fragment operations emulated), over enough tokens
 * that some experts fill several tiles and some get none.
 */
class ExpertKernelTest extends VulkanTestBase {
    @ParameterizedTest(name = "{6} {0} experts={1} used={2} tokens={3} glu={4} biases={5}")
    @CsvSource({"F32, 8, 2, 3, 1, false, MATVEC", "Q8_0, 16, 4, 5, 2, true, MATVEC", "Q4_K, 6, 3, 1, 1, false, MATVEC",
            "F16, 32, 4, 9, 2, true, MATVEC", "MXFP4, 16, 4, 3, 2, true, MATVEC", "IQ4_XS, 8, 2, 2, 1, false, MATVEC",
            "Q8_0, 128, 8, 2, 1, false, MATVEC",
            // 300 pairs over 4 experts and 210 over 6: some expert fills more than one tile of 64 (matmul) or 32 (coopmat)
            "F32, 4, 2, 150, 1, false, MATMUL", "MXFP4, 16, 4, 40, 2, true, MATMUL",
            "Q4_K, 6, 3, 70, 1, false, EMULATED", "Q8_0, 32, 4, 45, 2, true, EMULATED"})
    void routedExpertsMatchCpu(GgmlType type, int experts, int used, int tokens, int glu, boolean biases, ExpertKernel kernel) {
        int dim = type.isQuantized() ? type.blockSize() * 2 : 64;
        int ffn = type.isQuantized() ? type.blockSize() : 48;
        float[] x = VulkanFoundationTest.randomFloats(tokens * dim, 3);
        float[] logits = VulkanFoundationTest.randomFloats(tokens * experts, 4);
        float[] routerBias = VulkanFoundationTest.randomFloats(experts, 5);
        float[] gateBias = VulkanFoundationTest.randomFloats(experts * ffn, 6);
        float[] upBias = VulkanFoundationTest.randomFloats(experts * ffn, 7);
        float[] downBias = VulkanFoundationTest.randomFloats(experts * dim, 8);
        try (Arena arena = Arena.ofShared()) {
            RandomExperts random = RandomExperts.of(arena, type, experts, dim, ffn);
            MemorySegment gate = random.gate(), up = random.up(), down = random.down();

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
                 UploadedExperts uploaded = random.upload(uploader, type, experts, dim, ffn);
                 GpuBuffer xb = deviceFloats(x, "x"); GpuBuffer lb = deviceFloats(logits, "logits");
                 GpuBuffer rb = deviceFloats(routerBias, "router bias"); GpuBuffer gbb = deviceFloats(gateBias, "gate bias");
                 GpuBuffer ubb = deviceFloats(upBias, "up bias"); GpuBuffer dbb = deviceFloats(downBias, "down bias");
                 GpuBuffer idb = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, ids.length * 4L, "ids");
                 GpuBuffer wb = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, weights.length * 4L, "weights");
                 GpuBuffer gb = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, g.length * 4L, "g");
                 GpuBuffer ub = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, u.length * 4L, "u");
                 GpuBuffer ob = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, out.length * 4L, "out");
                 GpuBuffer groups = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL,
                         4 * GpuOps.expertGroupWords(tokens * used, experts, 32), "groups");
                 GpuBuffer products = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * tokens * used * dim, "products");
                 GpuBuffer halves = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * tokens * used * Math.max(dim, ffn), "halves");
                 CommandRecorder rec = CommandRecorder.create(device)) {
                WeightTensor gw = uploaded.gate(), uw = uploaded.up(), dw = uploaded.down();
                rec.begin();
                GpuOps.routeExperts(rec, lb.all(), biases ? rb.all() : null, idb.all(), wb.all(), experts, used, tokens);
                rec.computeBarrier();
                if (kernel.grouped()) {
                    grouped(rec, kernel, experts, used, tokens, dim, ffn, glu, gw, uw, dw, xb, idb, wb, biases ? gbb : null,
                            biases ? ubb : null, biases ? dbb : null, gb, ub, ob, new Scratch(groups, products, halves));
                } else {
                    GpuOps.expertMatVec(rec, gw, experts, xb.all(), dim, idb.all(), biases ? gbb.all() : null, gb.all(), ffn, used, tokens);
                    GpuOps.expertMatVec(rec, uw, experts, xb.all(), dim, idb.all(), biases ? ubb.all() : null, ub.all(), ffn, used, tokens);
                    rec.computeBarrier();
                    GpuOps.expertDown(rec, dw, experts, glu, gb.all(), ub.all(), ffn, idb.all(), wb.all(),
                            biases ? dbb.all() : null, ob.all(), dim, used, tokens, false);
                }
                rec.end().submitAndWait();
                float[] idFloats = readFloats(idb, ids.length);
                int[] gpuIds = new int[ids.length];
                for (int i = 0; i < ids.length; i++) gpuIds[i] = Float.floatToRawIntBits(idFloats[i]);
                assertArrayEquals(ids, gpuIds, "expert ids");
                assertClose(weights, readFloats(wb, weights.length), 1e-6f, "expert weights");
                // float16 operands on the matrix units (the bound of CoopmatEmulationTest)
                float tolerance = kernel.onHalves() ? 5e-3f : 1e-4f;
                assertClose(g, readFloats(gb, g.length), tolerance, type + " expert gate");
                assertClose(u, readFloats(ub, u.length), tolerance, type + " expert up");
                assertClose(out, readFloats(ob, out.length), kernel.onHalves() ? 5e-3f : 1e-3f, type + " expert down");
            }
        }
    }

    /** Random blocks of gate and up ([experts][ffn][dim]) and down ([experts][dim][ffn]) expert tensors. */
    record RandomExperts(MemorySegment gate, MemorySegment up, MemorySegment down) {
        static RandomExperts of(Arena arena, GgmlType type, int experts, int dim, int ffn) {
            MemorySegment gate = arena.allocate(type.byteSize((long) experts * ffn * dim), 16);
            MemorySegment up = arena.allocate(type.byteSize((long) experts * ffn * dim), 16);
            MemorySegment down = arena.allocate(type.byteSize((long) experts * dim * ffn), 16);
            RandomBlocks.fill(type, gate, 9);
            RandomBlocks.fill(type, up, 10);
            RandomBlocks.fill(type, down, 11);
            return new RandomExperts(gate, up, down);
        }

        UploadedExperts upload(WeightUploader uploader, GgmlType type, int experts, int dim, int ffn) {
            return new UploadedExperts(uploader.matrix("gate", type, experts * ffn, dim, gate),
                    uploader.matrix("up", type, experts * ffn, dim, up), uploader.matrix("down", type, experts * dim, ffn, down));
        }
    }

    /** The expert tensors on the device, closed together. */
    record UploadedExperts(WeightTensor gate, WeightTensor up, WeightTensor down) implements AutoCloseable {
        @Override
        public void close() {
            try (gate; up; down) { }
        }
    }

    private record Scratch(GpuBuffer groups, GpuBuffer products, GpuBuffer halves) {}

    /** The prompt path of BlockRecorder: group, gate/up, (float16 rows,) down per pair, the router-weighted sum. */
    private void grouped(CommandRecorder rec, ExpertKernel kernel, int experts, int used, int tokens, int dim, int ffn, int glu,
                         WeightTensor gw, WeightTensor uw, WeightTensor dw, GpuBuffer xb, GpuBuffer idb, GpuBuffer wb,
                         GpuBuffer gateBias, GpuBuffer upBias, GpuBuffer downBias, GpuBuffer gb, GpuBuffer ub, GpuBuffer ob,
                         Scratch scratch) {
        int pairs = tokens * used;
        GpuBuffer groups = scratch.groups(), products = scratch.products(), halves = scratch.halves();
        GpuOps.groupExperts(rec, idb.all(), groups.all(), experts, pairs, kernel.tileColumns());
        GpuBuffer input = xb;
        if (kernel.onHalves()) {
            GpuOps.toHalves(rec, xb.all(), null, 0, dim, dim, tokens, halves.all());
            input = halves;
        }
        rec.computeBarrier();
        GpuOps.groupedExperts(rec, kernel, gw, experts, input.all(), null, 0, dim, used, groups.all(),
                gateBias == null ? null : gateBias.all(), gb.all(), ffn, pairs);
        GpuOps.groupedExperts(rec, kernel, uw, experts, input.all(), null, 0, dim, used, groups.all(),
                upBias == null ? null : upBias.all(), ub.all(), ffn, pairs);
        rec.computeBarrier();
        GpuBuffer hidden = gb;
        if (kernel.onHalves()) {
            GpuOps.gatedHalves(rec, gb.all(), ub.all(), glu, ffn, pairs, halves.all());
            rec.computeBarrier();
            hidden = halves;
        }
        GpuOps.groupedExperts(rec, kernel, dw, experts, hidden.all(), ub.all(), glu, ffn, 1, groups.all(),
                downBias == null ? null : downBias.all(), products.all(), dim, pairs);
        rec.computeBarrier();
        GpuOps.combineExperts(rec, products.all(), wb.all(), ob.all(), dim, dim, used, tokens, false);
    }
}
