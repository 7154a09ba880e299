package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tandem.engine.vulkan.Int8DecodeKernelTest.assertWithin;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.cpu.CpuOps;
import tandem.engine.model.ExpertStyle;
import tandem.engine.tensor.GgmlType;
import tandem.engine.tools.ProductProblem;

/**
 * A mixture's decode experts on the int8 products (matvec_i8.comp built with MOE) against the CPU's
 * float products on lavapipe, as BlockRecorder records them: rmsnorm(x) * norm quantized once per
 * token, gate and up of each (token, expert) pair, glu(gate, up) quantized once per pair (SwiGLU and
 * gpt-oss's clamped form), down summed over the token's experts with the router weights, with and
 * without expert biases and the residual add. Every output must lie within
 * {@link ProductProblem#int8Bounds} of its reference (down: the router-weighted sum of its experts'
 * bounds, on the GPU's own gate and up so only down's rounding counts) plus the float bound.
 */
class Int8ExpertKernelTest extends VulkanTestBase {
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (GgmlType t : Int8DecodeKernelTest.INT8_TYPES) {
            cases.add(Arguments.of(t, 8, 2, 1, 1, false, false));
            cases.add(Arguments.of(t, 16, 4, 3, 2, true, true));
            cases.add(Arguments.of(t, 6, 3, GpuOps.MATMUL_MIN_TOKENS - 1, 1, false, true));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} experts={1} used={2} tokens={3} glu={4} biases={5} accumulate={6}")
    @MethodSource("cases")
    void int8ExpertsMatchCpuWithinTheInputRounding(GgmlType type, int experts, int used, int tokens, int glu, boolean biases,
                                                   boolean accumulate) {
        assertTrue(Int8Decode.availableOn(device.physical()), device.label() + " lacks shaderIntegerDotProduct");
        int dim = type.blockSize() == 32 ? 96 : 512, ffn = type.blockSize() == 32 ? 64 : 256, pairs = tokens * used;
        float eps = 1e-5f;
        float[] x = VulkanFoundationTest.randomFloats(tokens * dim, 3);
        float[] norm = VulkanFoundationTest.randomFloats(dim, 4);
        float[] gateBias = VulkanFoundationTest.randomFloats(experts * ffn, 6);
        float[] upBias = VulkanFoundationTest.randomFloats(experts * ffn, 7);
        float[] downBias = VulkanFoundationTest.randomFloats(experts * dim, 8);
        float[] residual = VulkanFoundationTest.randomFloats(tokens * dim, 12);
        // each token's experts distinct, some expert unused, weights summing to 1
        int[] ids = new int[pairs];
        float[] weights = new float[pairs];
        for (int t = 0; t < tokens; t++) {
            for (int s = 0; s < used; s++) {
                ids[t * used + s] = (3 * t + 5 * s + 1) % experts;
                weights[t * used + s] = (s + 1f) / (used * (used + 1) / 2f);
            }
        }
        try (Arena arena = Arena.ofShared()) {
            ExpertKernelTest.RandomExperts random = ExpertKernelTest.RandomExperts.of(arena, type, experts, dim, ffn);
            MemorySegment gate = random.gate(), up = random.up(), down = random.down();
            float[] normed = new float[x.length];
            for (int t = 0; t < tokens; t++) CpuOps.rmsNorm(x, t * dim, norm, eps, normed, t * dim, dim);
            float[] g = new float[pairs * ffn], u = new float[pairs * ffn];
            float[] gBounds = new float[g.length], uBounds = new float[u.length];
            float[] row = new float[dim];
            for (int pair = 0; pair < pairs; pair++) {
                int e = ids[pair], t = pair / used;
                MemorySegment ge = gate.asSlice(type.byteSize((long) e * ffn * dim), type.byteSize((long) ffn * dim));
                MemorySegment ue = up.asSlice(type.byteSize((long) e * ffn * dim), type.byteSize((long) ffn * dim));
                CpuOps.matVec(type, ge, ffn, dim, normed, t * dim, g, pair * ffn);
                CpuOps.matVec(type, ue, ffn, dim, normed, t * dim, u, pair * ffn);
                if (biases) {
                    CpuOps.add(g, pair * ffn, gateBias, e * ffn, ffn);
                    CpuOps.add(u, pair * ffn, upBias, e * ffn, ffn);
                }
                System.arraycopy(normed, t * dim, row, 0, dim);
                System.arraycopy(ProductProblem.int8Bounds(type, ge, ffn, dim, row, 1), 0, gBounds, pair * ffn, ffn);
                System.arraycopy(ProductProblem.int8Bounds(type, ue, ffn, dim, row, 1), 0, uBounds, pair * ffn, ffn);
            }
            float[] idFloats = new float[pairs];
            for (int i = 0; i < pairs; i++) idFloats[i] = Float.intBitsToFloat(ids[i]);
            try (WeightUploader uploader = new WeightUploader(device, n -> {});
                 ExpertKernelTest.UploadedExperts uploaded = random.upload(uploader, type, experts, dim, ffn);
                 GpuBuffer xb = deviceFloats(x, "x"); GpuBuffer nb = deviceFloats(norm, "norm");
                 GpuBuffer gbb = deviceFloats(gateBias, "gate bias"); GpuBuffer ubb = deviceFloats(upBias, "up bias");
                 GpuBuffer dbb = deviceFloats(downBias, "down bias");
                 GpuBuffer idb = deviceFloats(idFloats, "ids"); GpuBuffer wb = deviceFloats(weights, "weights");
                 GpuBuffer gb = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, g.length * 4L, "g");
                 GpuBuffer ub = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, u.length * 4L, "u");
                 GpuBuffer ob = deviceFloats(residual, "out");
                 GpuBuffer codes = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL,
                         Math.max(Int8Decode.bytes(dim, tokens), Int8Decode.bytes(ffn, pairs)), "codes");
                 CommandRecorder rec = CommandRecorder.create(device)) {
                WeightTensor gw = uploaded.gate(), uw = uploaded.up(), dw = uploaded.down();
                rec.begin();
                Int8Decode.Input in = GpuOps.quantizeInput(rec, xb.all(), null, nb.all(), eps, 0, dim, dim, tokens, codes.all());
                rec.computeBarrier();
                GpuOps.expertMatVecInt8(rec, gw, experts, false, in, idb.all(), null, biases ? gbb.all() : null, gb.all(), ffn,
                        used, tokens, false);
                GpuOps.expertMatVecInt8(rec, uw, experts, false, in, idb.all(), null, biases ? ubb.all() : null, ub.all(), ffn,
                        used, tokens, false);
                rec.computeBarrier();
                Int8Decode.Input hidden = GpuOps.quantizeInput(rec, gb.all(), ub.all(), glu, null, 0f, 0, ffn, ffn, pairs, codes.all());
                rec.computeBarrier();
                GpuOps.expertMatVecInt8(rec, dw, experts, true, hidden, idb.all(), wb.all(), biases ? dbb.all() : null, ob.all(), dim,
                        used, tokens, accumulate);
                rec.end().submitAndWait();
                float[] gpuG = readFloats(gb, g.length), gpuU = readFloats(ub, u.length);
                assertWithin(g, gpuG, gBounds, type + " int8 expert gate");
                assertWithin(u, gpuU, uBounds, type + " int8 expert up");

                // down on the GPU's own gate and up
                float[] h = new float[g.length];
                if (glu == 2) CpuOps.swigluOai(gpuG, 0, gpuU, 0, h, 0, h.length, ExpertStyle.OAI_ALPHA, ExpertStyle.OAI_LIMIT);
                else CpuOps.swiglu(gpuG, 0, gpuU, 0, h, 0, h.length);
                float[] out = accumulate ? residual.clone() : new float[tokens * dim];
                float[] outBounds = new float[out.length];
                float[] d = new float[dim], hRow = new float[ffn];
                for (int pair = 0; pair < pairs; pair++) {
                    int e = ids[pair], t = pair / used;
                    MemorySegment de = down.asSlice(type.byteSize((long) e * dim * ffn), type.byteSize((long) dim * ffn));
                    CpuOps.matVec(type, de, dim, ffn, h, pair * ffn, d, 0);
                    if (biases) CpuOps.add(d, 0, downBias, e * dim, dim);
                    CpuOps.axpy(weights[pair], d, 0, out, t * dim, dim);
                    System.arraycopy(h, pair * ffn, hRow, 0, ffn);
                    float[] b = ProductProblem.int8Bounds(type, de, dim, ffn, hRow, 1);
                    for (int r = 0; r < dim; r++) outBounds[t * dim + r] += weights[pair] * b[r];
                }
                assertWithin(out, readFloats(ob, out.length), outBounds, type + " int8 expert down");
            }
        }
    }

    @Test
    void typesWithoutInt8LayoutsKeepTheFloatKernels() {
        assertThrows(IllegalArgumentException.class, () -> Kernels.of(device).expertMatvecInt8(GgmlType.MXFP4, true));
    }
}
