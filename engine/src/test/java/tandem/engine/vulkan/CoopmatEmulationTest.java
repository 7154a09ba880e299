package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static tandem.engine.vulkan.WeightKernelTest.assertClose;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.tensor.GgmlType;
import tandem.engine.tools.ProductProblem;

/**
 * The cooperative-matrix prompt kernel against the CPU reference on lavapipe, through its build
 * with the 16 x 16 fragment operations emulated (shaders/fragments.glsl): everything else of the
 * kernel — weight and input tiles, K windows of every block size, partial row, token and K tiles,
 * rows split over buffers, the fused SwiGLU and residual add, the output staging — is the code the
 * GPUs run. (The fragment operations themselves are checked by {@code tandem kernel-check} on a GPU.)
 */
class CoopmatEmulationTest extends VulkanTestBase {
    @AfterEach
    void clearTile() {
        System.clearProperty("tandem.coopmat.tile");
        System.clearProperty("tandem.coopmat.subgroup");
        System.clearProperty("tandem.coopmat.diagnostic");
    }

    /** Q4_0's unit fill, built only as a diagnostic (its chunk fill measured faster on an H100), still computes the product. */
    @Test
    void q4_0UnitFillMatchesCpu() {
        System.setProperty("tandem.coopmat.diagnostic", "units");
        try (ProductProblem problem = new ProductProblem(GgmlType.Q4_0, 100, 256, 37, true, true);
             ProductProblem.OnDevice gpu = problem.upload(device, Long.MAX_VALUE)) {
            assertClose(problem.expected(), gpu.runEmulatedCoopmat(), 5e-3f, "Q4_0 units emulated coopmat");
        }
    }

    /**
     * One type per way of filling a tile: 4-wide float blocks, 32-weight blocks, 256-weight blocks
     * (IQ4_XS: chunks that are not runs of 8 consecutive weights), the table-decoded types, and each
     * layout's 16-weight unit fill (Q8_0, Q4_K, Q5_K, Q6_K, whose 210-byte blocks alternate between
     * 4-byte aligned and not; Q4_0's in its own case).
     */
    static final List<GgmlType> TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1,
            GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS, GgmlType.MXFP4);

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        // Every case reads silu(x) * up, so each type builds one pipeline (lavapipe compiles each for about a second).
        for (GgmlType t : TYPES) {
            int block = t.isQuantized() ? t.blockSize() : 4;
            cases.add(Arguments.of(t, 100, 256, 37, true, Long.MAX_VALUE, ""));
            // A shared dimension that ends inside a 32-weight window (F32/F16 blocks are 4 wide, inputs come in 8s).
            cases.add(Arguments.of(t, 70, t.isQuantized() ? block * 3 : 40, 21, false, Long.MAX_VALUE, ""));
        }
        // Rows over several buffers, and the 128 x 64 tile (8 fragments per subgroup).
        cases.add(Arguments.of(GgmlType.Q4_0, 130, 64, 70, true, GgmlType.Q4_0.byteSize(64) * 48, ""));
        for (GgmlType t : List.of(GgmlType.Q4_0, GgmlType.F32)) {
            cases.add(Arguments.of(t, 200, 512, 67, true, Long.MAX_VALUE, "128x64x32/64x32"));
        }
        return cases.stream();
    }

    /** Inputs of ~1e5 (beyond float16's 65504) give finite sums: the input tile saturates. */
    @Test
    void inputsBeyondHalfRangeSaturateInsteadOfTurningInfinite() {
        try (ProductProblem problem = new ProductProblem(GgmlType.Q8_0, 70, 128, 21, false, false, 1e5f);
             ProductProblem.OnDevice gpu = problem.upload(device, Long.MAX_VALUE)) {
            float[] y = gpu.runEmulatedCoopmat();
            for (int i = 0; i < y.length; i++) assertTrue(Float.isFinite(y[i]), "output " + i + " is " + y[i]);
        }
    }

    @ParameterizedTest(name = "{0} rows={1} cols={2} tokens={3} accumulate={4} sliceBytes={5} tile={6}")
    @MethodSource("cases")
    void emulatedCoopmatMatchesCpu(GgmlType type, int rows, int cols, int tokens, boolean accumulate, long sliceBytes,
                                   String tile) {
        if (!tile.isEmpty()) {
            String[] parts = tile.split("/");
            System.setProperty("tandem.coopmat.tile", parts[0]);
            System.setProperty("tandem.coopmat.subgroup", parts[1]);
        }
        try (ProductProblem problem = new ProductProblem(type, rows, cols, tokens, accumulate, true);
             ProductProblem.OnDevice gpu = problem.upload(device, sliceBytes)) {
            assertClose(problem.expected(), gpu.runEmulatedCoopmat(), 5e-3f, type + " emulated coopmat");
        }
    }
}
