package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.cpu.CpuOps;
import tandem.engine.tensor.GgmlType;
import tandem.engine.tools.ProductProblem;
import tandem.engine.tools.RandomBlocks;

/** Matrix-vector and embedding kernels of every weight type against the CPU reference. */
class WeightKernelTest extends VulkanTestBase {
    static final List<GgmlType> TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0,
            GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K,
            GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS, GgmlType.MXFP4);

    /** Shapes that are not multiples of the workgroup, subgroup or rows-per-group sizes. */
    static Stream<Arguments> matVecCases() {
        List<Arguments> cases = new ArrayList<>();
        for (GgmlType t : TYPES) {
            int block = t.isQuantized() ? t.blockSize() : 4;
            cases.add(Arguments.of(t, 37, block * 3, 1, false, false, Long.MAX_VALUE));
            // Enough tokens for the tiled product, with partial row, token and (F32) shared-dim tiles.
            cases.add(Arguments.of(t, 70, t.isQuantized() ? block * 3 : 44, GpuOps.MATMUL_MIN_TOKENS + 13, true, true, Long.MAX_VALUE));
            cases.add(Arguments.of(t, 130, block * 2, GpuOps.MATMUL_MIN_TOKENS, false, false, t.byteSize(block * 2L) * 64));
            cases.add(Arguments.of(t, 5, block * 11, 3, true, true, Long.MAX_VALUE));
            // Rows split over several buffers, as for a matrix beyond maxStorageBufferRange.
            cases.add(Arguments.of(t, 29, block * 2, 2, true, false, t.byteSize(block * 2L) * 8));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} rows={1} cols={2} tokens={3} accumulate={4} swiglu={5} sliceBytes={6}")
    @MethodSource("matVecCases")
    void matVecMatchesCpu(GgmlType type, int rows, int cols, int tokens, boolean accumulate, boolean swiglu, long sliceBytes) {
        try (ProductProblem problem = new ProductProblem(type, rows, cols, tokens, accumulate, swiglu);
             ProductProblem.OnDevice gpu = problem.upload(device, sliceBytes)) {
            float[] expected = problem.expected();
            assertClose(expected, gpu.run(null), 1e-4f, type + " linear");
            if (tokens >= GpuOps.MATMUL_MIN_TOKENS) {
                // Every prompt kernel the device has gives the same (float16 operands: a looser bound).
                for (PromptKernel k : PromptKernel.values()) {
                    if (!k.availableOn(device.physical())) continue;
                    assertClose(expected, gpu.run(k), k == PromptKernel.COOPMAT ? 5e-3f : 1e-4f, type + " " + k.label());
                }
            }
        }
    }

    static Stream<GgmlType> types() {
        return TYPES.stream();
    }

    /** The decode path's fused RMS norm: W (rmsnorm(x) * weight) for two tokens. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void normedMatVecMatchesCpuNormThenProduct(GgmlType type) {
        int rows = 21, cols = (type.isQuantized() ? type.blockSize() : 4) * 9, tokens = 2;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = arena.allocate(type.byteSize((long) rows * cols), 16);
            RandomBlocks.fill(type, w, 5);
            float[] x = VulkanFoundationTest.randomFloats(tokens * cols, 11);
            float[] norm = VulkanFoundationTest.randomFloats(cols, 12);
            float[] normed = new float[x.length];
            for (int t = 0; t < tokens; t++) CpuOps.rmsNorm(x, t * cols, norm, 1e-5f, normed, t * cols, cols);
            float[] expected = new float[tokens * rows];
            CpuOps.matMul(type, w, rows, cols, normed, 0, tokens, expected, 0);
            try (WeightUploader uploader = new WeightUploader(device, n -> {});
                 WeightTensor wt = uploader.matrix("w", type, rows, cols, w);
                 GpuBuffer xb = deviceFloats(x, "x"); GpuBuffer nb = deviceFloats(norm, "norm");
                 GpuBuffer yb = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, expected.length * 4L, "y");
                 CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin();
                GpuOps.matVecNormed(rec, wt, xb.all(), nb.all(), 1e-5f, 0, cols, yb.all(), rows, tokens, false);
                rec.end().submitAndWait();
                assertClose(expected, readFloats(yb, expected.length), 1e-4f, type + " normed matvec");
            }
        }
    }

    static Stream<Arguments> getRowsCases() {
        return TYPES.stream().map(t -> Arguments.of(t, 13, t.isQuantized() ? t.blockSize() * 2 : 12));
    }

    @ParameterizedTest(name = "{0} rows={1} cols={2}")
    @MethodSource("getRowsCases")
    void getRowsMatchesCpu(GgmlType type, int rows, int cols) {
        int[] ids = {7, 0, 12, 7, 3};
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = arena.allocate(type.byteSize((long) rows * cols), 16);
            RandomBlocks.fill(type, w, 99);
            float[] expected = new float[ids.length * cols];
            for (int i = 0; i < ids.length; i++) CpuOps.row(type, w, cols, ids[i], expected, i * cols);
            try (WeightUploader up = new WeightUploader(device, n -> {}, type.byteSize(cols) * 4);
                 WeightTensor wt = up.matrix("emb", type, rows, cols, w);
                 StepParams step = new StepParams(device, 8);
                 GpuBuffer out = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, expected.length * 4L, "out");
                 CommandRecorder rec = CommandRecorder.create(device)) {
                step.write(0, ids, 0, ids.length);
                rec.begin();
                GpuOps.getRows(rec, wt, step.range(), 0, out.all(), ids.length);
                rec.end().submitAndWait();
                assertClose(expected, readFloats(out, expected.length), 0f, type + " get_rows");
            }
        }
    }

    /** Asserts |a - e| <= tol * max(1, max|e|) everywhere, naming the first bad index. */
    static void assertClose(float[] expected, float[] actual, float tol, String what) {
        float scale = 1f;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            float diff = Math.abs(expected[i] - actual[i]);
            assertTrue(diff <= tol * scale && !Float.isNaN(actual[i]),
                    what + ": index " + i + " expected " + expected[i] + " got " + actual[i] + " (diff " + diff + ")");
        }
    }
}
