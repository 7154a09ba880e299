package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tandem.engine.vulkan.WeightKernelTest.assertClose;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.api.TandemException;
import tandem.engine.tools.AttentionProblem;

/**
 * Prompt attention on the matrix units (shaders/attention_coopmat.comp) against the CPU reference
 * on lavapipe, through its build with the fragment operations emulated: the tiles, the masks
 * (causal, window, ring), grouped-query heads, partial query blocks and the two softmax passes are
 * the code the GPUs run. ({@code tandem kernel-check} checks the fragment operations on a GPU.)
 */
class CoopmatAttentionTest extends VulkanTestBase {
    /** Float16 queries and probabilities: each score and weight is rounded to 11 significant bits. */
    static final float FLOAT16_BOUND = 5e-3f;

    @AfterEach
    void clearKnob() {
        System.clearProperty("tandem.prompt.attention");
    }

    @ParameterizedTest(name = "heads={0} kvHeads={1} pos0={2} tokens={3} window={4} ring={5}")
    @CsvSource({"2, 1, 0, 37, 0, 0", "1, 1, 70, 8, 0, 0", "2, 2, 5, 70, 0, 0", "2, 1, 50, 37, 20, 64", "1, 1, 0, 40, 33, 0"})
    void emulatedMatrixUnitAttentionMatchesCpu(int heads, int kvHeads, int pos0, int tokens, int window, int ring) {
        AttentionProblem problem = new AttentionProblem(heads, kvHeads, Kernels.EMULATED_ATTENTION_HEAD, pos0, tokens, window, ring);
        try (AttentionProblem.OnDevice gpu = problem.upload(device)) {
            assertClose(problem.expected(), gpu.run(AttentionKernel.EMULATED), FLOAT16_BOUND, "emulated coopmat attention");
        }
    }

    /**
     * The scalar tiled kernel on the same problems (windowed and ringed ones are new here), and on
     * heads too wide for its 32-query blocks in lavapipe's 32 KiB (192: blocks of 16 queries, as
     * heads of 256 take in NVIDIA's 48 KiB).
     */
    @ParameterizedTest(name = "heads={0} kvHeads={1} headDim={2} pos0={3} tokens={4} window={5} ring={6}")
    @CsvSource({"2, 1, 64, 50, 37, 20, 64", "2, 2, 64, 0, 70, 33, 0", "2, 1, 192, 3, 40, 0, 0"})
    void tiledAttentionMatchesCpu(int heads, int kvHeads, int headDim, int pos0, int tokens, int window, int ring) {
        AttentionProblem problem = new AttentionProblem(heads, kvHeads, headDim, pos0, tokens, window, ring);
        try (AttentionProblem.OnDevice gpu = problem.upload(device)) {
            assertClose(problem.expected(), gpu.run(AttentionKernel.TILED), 1e-4f, "tiled attention");
        }
    }

    /**
     * The matrix units read F16 caches only: over an F32 cache, asking for them (here their emulated
     * build, which lavapipe has) takes the tiled kernel's F32 build, within the tiled bound.
     */
    @ParameterizedTest(name = "heads={0} kvHeads={1} pos0={2} tokens={3} window={4} ring={5}")
    @CsvSource({"2, 1, 0, 37, 0, 0", "2, 1, 50, 37, 20, 64"})
    void anF32CacheTakesTheTiledKernelEvenWhenTheMatrixUnitsAreAskedFor(int heads, int kvHeads, int pos0, int tokens, int window,
                                                                     int ring) {
        AttentionProblem problem = new AttentionProblem(heads, kvHeads, Kernels.EMULATED_ATTENTION_HEAD, pos0, tokens, window, ring);
        try (AttentionProblem.OnDevice gpu = problem.upload(device, tandem.engine.api.CacheType.F32)) {
            assertClose(problem.expected(), gpu.run(AttentionKernel.EMULATED), 1e-4f, "emulated asked, f32 cache");
            assertClose(problem.expected(), gpu.run(AttentionKernel.TILED), 1e-4f, "tiled attention, f32 cache");
        }
    }

    @Test
    void lavapipeHasNoMatrixUnitsSoPromptsTakeTheTiledKernel() {
        assertNull(Kernels.of(device).attentionCoopmat(128, false));
        assertNotNull(Kernels.of(device).attentionCoopmat(64, true));
        assertNull(Kernels.of(device).attentionCoopmat(128, true), "the emulated build is for head size 64 only");
    }

    @Test
    void theKnobNamesAKernelOrIsAnError() {
        System.setProperty("tandem.prompt.attention", "Tiled");
        assertEquals(AttentionKernel.TILED, AttentionKernel.forced());
        System.setProperty("tandem.prompt.attention", "emulated");
        TandemException e = assertThrows(TandemException.class, AttentionKernel::forced);
        assertEquals("unknown -Dtandem.prompt.attention=emulated; use coopmat, tiled or rows", e.getMessage());
    }

    @Test
    void sharedMemoryOfTheBuiltHeadsFitsNvidiasFortyEightKibibytes() {
        for (int head : Kernels.COOPMAT_ATTENTION_HEADS) {
            long bytes = Kernels.coopmatAttentionShared(head, Kernels.COOPMAT_ATTENTION_KEYS, 4, false);
            assertTrue(bytes <= 49152, head + ": " + bytes);
        }
        // the scalar tiles of heads of 256: 16 queries, 16 positions
        assertTrue(Kernels.promptAttentionShared(256, new Kernels.AttentionTiles(16, 16)) <= 49152);
        assertTrue(Kernels.promptAttentionShared(256, new Kernels.AttentionTiles(32, 16)) > 49152);
        assertEquals(new Kernels.AttentionTiles(16, 16), Kernels.of(device).promptAttentionTiles(192), "lavapipe's 32 KiB");
    }
}
