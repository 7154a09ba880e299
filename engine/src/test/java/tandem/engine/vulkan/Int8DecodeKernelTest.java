package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.api.TandemException;
import tandem.engine.cpu.CpuOps;
import tandem.engine.tensor.GgmlType;
import tandem.engine.tools.ProductProblem;
import tandem.engine.tools.RandomBlocks;

/**
 * The int8 decode products (quantize_q8_1.comp, matvec_i8.comp) against the CPU's float product on
 * lavapipe, which offers shaderIntegerDotProduct. Their only approximation is the input's rounding
 * to 8 bits: every output must lie within {@link ProductProblem#int8Bounds} of the reference (the
 * most that rounding can move it: half a quantization step per input times the weights' magnitudes)
 * plus the float kernels' bound, 1e-4 of the largest output, for the float scales and sums.
 */
class Int8DecodeKernelTest extends VulkanTestBase {
    static final float FLOAT_BOUND = 1e-4f;
    static final List<GgmlType> INT8_TYPES = List.of(GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
            GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS);

    @AfterEach
    void clearProperty() {
        System.clearProperty(Int8Decode.PROPERTY);
    }

    /**
     * Rows not a multiple of the workgroup's rows, k a multiple of 256 (Q4_K blocks) and not (5
     * blocks of 32), up to 7 tokens (the decode steps' most), the fused SwiGLU and residual add,
     * and rows split over several buffers.
     */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (GgmlType t : INT8_TYPES) {
            cases.add(Arguments.of(t, 37, 768, 1, false, false, Long.MAX_VALUE));
            cases.add(Arguments.of(t, 70, 512, 3, true, true, Long.MAX_VALUE));
            cases.add(Arguments.of(t, 5, 256, GpuOps.MATMUL_MIN_TOKENS - 1, true, false, Long.MAX_VALUE));
            cases.add(Arguments.of(t, 29, 512, 2, false, true, t.byteSize(512) * 8));
            if (t.blockSize() == 32) cases.add(Arguments.of(t, 13, 160, 2, false, false, Long.MAX_VALUE));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} rows={1} cols={2} tokens={3} accumulate={4} swiglu={5} sliceBytes={6}")
    @MethodSource("cases")
    void int8ProductsMatchCpuWithinTheInputRounding(GgmlType type, int rows, int cols, int tokens, boolean accumulate,
                                                     boolean swiglu, long sliceBytes) {
        assertTrue(Int8Decode.availableOn(device.physical()), device.label() + " lacks shaderIntegerDotProduct");
        try (ProductProblem problem = new ProductProblem(type, rows, cols, tokens, accumulate, swiglu);
             ProductProblem.OnDevice gpu = problem.upload(device, sliceBytes)) {
            assertWithin(problem.expected(), gpu.runInt8(), problem.int8Bounds(), type + " int8");
        }
    }

    /**
     * Inputs of mean 2: zero-mean inputs leave every block's sum small, which hides the terms that
     * multiply it (the offsets of Q4_0, Q5_0 and Q6_K, the minimums of Q4_1, Q5_1 and the K-quants); here they dominate.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void shiftedInputsCheckTheBlockSumTerms(GgmlType type) {
        int rows = 19, cols = 512, tokens = 2;
        float[] x = VulkanFoundationTest.randomFloats(tokens * cols, 21);
        for (int i = 0; i < x.length; i++) x[i] += 2f;
        assertInt8Product(type, rows, cols, tokens, x, null);
    }

    static Stream<GgmlType> types() {
        return INT8_TYPES.stream();
    }

    /** The norm fused into the quantization (q/k/v and gate/up of decode): W (rmsnorm(x) * weight) for three tokens. */
    @Test
    void normedQuantizationMatchesCpuNormThenProduct() {
        int cols = 512, tokens = 3;
        assertInt8Product(GgmlType.Q4_K, 21, cols, tokens, VulkanFoundationTest.randomFloats(tokens * cols, 11),
                VulkanFoundationTest.randomFloats(cols, 12));
    }

    /** quantizeInput (with the norm where {@code norm} is given) and matVecInt8 against CpuOps on random blocks of {@code type}. */
    private static void assertInt8Product(GgmlType type, int rows, int cols, int tokens, float[] x, float[] norm) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = arena.allocate(type.byteSize((long) rows * cols), 16);
            RandomBlocks.fill(type, w, 5);
            float[] input = x.clone();
            if (norm != null) for (int t = 0; t < tokens; t++) CpuOps.rmsNorm(x, t * cols, norm, 1e-5f, input, t * cols, cols);
            float[] expected = new float[tokens * rows];
            CpuOps.matMul(type, w, rows, cols, input, 0, tokens, expected, 0);
            float[] bounds = ProductProblem.int8Bounds(type, w, rows, cols, input, tokens);
            try (WeightUploader uploader = new WeightUploader(device, n -> {});
                 WeightTensor wt = uploader.matrix("w", type, rows, cols, w);
                 GpuBuffer xb = deviceFloats(x, "x"); GpuBuffer nb = deviceFloats(norm != null ? norm : x, "norm");
                 GpuBuffer codes = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, Int8Decode.bytes(cols, tokens), "codes");
                 GpuBuffer yb = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, expected.length * 4L, "y");
                 CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin();
                Int8Decode.Input q = GpuOps.quantizeInput(rec, xb.all(), null, norm != null ? nb.all() : null, 1e-5f, 0, cols, cols,
                        tokens, codes.all());
                rec.computeBarrier();
                GpuOps.matVecInt8(rec, wt, q, yb.all(), rows, false);
                rec.end().submitAndWait();
                assertWithin(expected, readFloats(yb, expected.length), bounds, type + (norm != null ? " normed" : "") + " int8");
            }
        }
    }

    /**
     * Several tokens per workgroup (the steps several sequences share) give exactly the rows of one
     * token per workgroup: the same sums in the same order, so a sequence's tokens do not depend on
     * whether it shares its steps.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void sharedTokensPerWorkgroupGiveTheSameRows(GgmlType type) {
        int rows = 37, cols = 512, tokens = 13;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = arena.allocate(type.byteSize((long) rows * cols), 16);
            RandomBlocks.fill(type, w, 7);
            float[] x = VulkanFoundationTest.randomFloats(tokens * cols, 31);
            try (WeightUploader uploader = new WeightUploader(device, n -> {});
                 WeightTensor wt = uploader.matrix("w", type, rows, cols, w);
                 GpuBuffer xb = deviceFloats(x, "x");
                 GpuBuffer codes = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, Int8Decode.bytes(cols, tokens), "codes");
                 GpuBuffer one = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * tokens * rows, "one token per group");
                 GpuBuffer shared = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * tokens * rows, "shared");
                 CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin();
                Int8Decode.Input q = GpuOps.quantizeInput(rec, xb.all(), null, null, 0f, 0, cols, cols, tokens, codes.all());
                rec.computeBarrier();
                GpuOps.matVecInt8(rec, wt, q, one.all(), rows, false);
                GpuOps.matVecInt8Shared(rec, wt, q, shared.all(), rows, false);
                rec.end().submitAndWait();
                assertTrue(Kernels.of(device).promptTokensPerGroup(wt.type()) > 1, "the device serves several tokens per group");
                assertArrayEquals(readFloats(one, tokens * rows), readFloats(shared, tokens * rows), type + " shared");
            }
        }
    }

    /**
     * The property routes the decode products of GpuOps.linear through the int8 kernels or the float
     * ones; unset, a CPU implementation of Vulkan (lavapipe, where this runs) takes the float ones.
     */
    @Test
    void thePropertySwitchesTheDecodePathOfLinear() {
        try (ProductProblem problem = new ProductProblem(GgmlType.Q4_0, 40, 256, 2, false, false);
             ProductProblem.OnDevice gpu = problem.upload(device, Long.MAX_VALUE)) {
            float[] int8 = gpu.runInt8();
            float[] unset = gpu.run(null);
            assertEquals("cpu", device.physical().type(), "this test's unset case expects lavapipe");
            System.setProperty(Int8Decode.PROPERTY, "true");
            assertArrayEquals(int8, gpu.run(null));
            System.setProperty(Int8Decode.PROPERTY, "false");
            assertArrayEquals(unset, gpu.run(null));
            assertFalse(java.util.Arrays.equals(int8, unset), "the int8 products round their input; the float ones do not");
        }
    }

    @Test
    void aValueOtherThanTrueOrFalseIsOneLineError() {
        System.setProperty(Int8Decode.PROPERTY, "yes");
        TandemException e = assertThrows(TandemException.class, () -> Int8Decode.wantedOn(device.physical()));
        assertTrue(e.getMessage().contains("true or false"), e.getMessage());
    }

    @Test
    void everyTypeWithInt8LayoutsIsChecked() {
        assertEquals(Int8Decode.TYPES, java.util.Set.copyOf(INT8_TYPES));
    }

    @Test
    void typesWithoutInt8LayoutsKeepTheFloatKernels() {
        System.setProperty(Int8Decode.PROPERTY, "true");
        assertThrows(IllegalArgumentException.class, () -> Kernels.of(device).matvecInt8(tandem.engine.tensor.GgmlType.MXFP4, 1));
        assertFalse(Int8Decode.TYPES.contains(GgmlType.MXFP4));
    }

    /** |actual - expected| <= bound + FLOAT_BOUND * max(1, max|expected|) at every index, naming the first that is not. */
    static void assertWithin(float[] expected, float[] actual, float[] bounds, String what) {
        float scale = 1f;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            float diff = Math.abs(expected[i] - actual[i]);
            float allowed = bounds[i] + FLOAT_BOUND * scale;
            assertTrue(diff <= allowed && !Float.isNaN(actual[i]), what + ": index " + i + " expected " + expected[i] + " got "
                    + actual[i] + " (diff " + diff + ", int8 bound " + bounds[i] + ")");
        }
    }
}
