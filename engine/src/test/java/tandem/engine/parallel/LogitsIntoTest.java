package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SplitMode;
import tandem.engine.gguf.SharedData;
import tandem.engine.runtime.ModelRunner;
import tandem.engine.runtime.ModelRunner.BatchPart;
import tandem.engine.runtime.ParallelSessions;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * A decode loop hands the GPU runners one logits array to fill step after step (a new
 * half-megabyte array per step faults in fresh pages: ~300 µs with the GPU idle). On one device
 * and under tensor and layer split (two logical devices), alone and in a shared step, the runner
 * writes into that array — the step returns the very array — and the values are those of a step
 * that returns a new one; the array's earlier contents do not leak into the result.
 */
@ExtendWith(WithoutValidationLayer.class)
class LogitsIntoTest {
    private static final int CONTEXT = 64;
    private static final int[] PROMPT_A = {1, 403, 407, 261, 378}, PROMPT_B = {1, 322, 40, 300};

    private static LoadedModel load(SplitMode mode) {
        List<Integer> devices = mode == SplitMode.NONE ? List.of(0) : List.of(0, 0);
        return Engine.load(SharedData.data("models/stories260K.gguf"), new EngineOptions(Backend.VULKAN, devices, List.of(), mode,
                CONTEXT), LoadProgress.NONE, () -> false);
    }

    /** An array of the vocabulary's length holding last step's rubbish. */
    private static float[] stale(int vocab) {
        float[] a = new float[vocab];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SplitMode.class, names = {"NONE", "TENSOR", "LAYER"})
    void decodeStepsWriteTheGivenArray(SplitMode mode) {
        try (LoadedModel model = load(mode)) {
            ModelRunner runner = ParallelSessions.runnerOf(model);
            int vocab = runner.config().vocab();
            List<float[]> fresh = new ArrayList<>();
            try (ModelRunner.State a = runner.newState(CONTEXT); ModelRunner.State b = runner.newState(CONTEXT)) {
                a.forward(PROMPT_A, 0, false);
                b.forward(PROMPT_B, 0, false);
                fresh.add(a.forward(new int[] {290}, PROMPT_A.length, false));
                fresh.add(b.forward(new int[] {117}, PROMPT_B.length, false));
                // the shared step's kernels may round otherwise than a step alone: its reference is a shared step too
                fresh.addAll(runner.forwardBatch(List.of(new BatchPart(a, new int[] {31}, PROMPT_A.length + 1, true),
                        new BatchPart(b, new int[] {58}, PROMPT_B.length + 1, true))));
            }
            assertFalse(Arrays.equals(fresh.get(0), fresh.get(1)), "the sequences give the same logits");

            try (ModelRunner.State a = runner.newState(CONTEXT); ModelRunner.State b = runner.newState(CONTEXT)) {
                a.forward(PROMPT_A, 0, false);
                b.forward(PROMPT_B, 0, false);
                float[] intoA = stale(vocab), intoB = stale(vocab);
                // alone: each sequence's own step
                assertSame(intoA, a.forwardInto(new int[] {290}, PROMPT_A.length, intoA));
                assertArrayEquals(fresh.get(0), intoA, "a's step alone");
                assertSame(intoB, b.forwardInto(new int[] {117}, PROMPT_B.length, intoB));
                assertArrayEquals(fresh.get(1), intoB, "b's step alone");
                // together: one shared step for both, each row into its own array (the same arrays again)
                Arrays.fill(intoA, Float.NaN);
                Arrays.fill(intoB, Float.NaN);
                List<float[]> together = runner.forwardBatch(List.of(
                        new BatchPart(a, new int[] {31}, PROMPT_A.length + 1, true, intoA),
                        new BatchPart(b, new int[] {58}, PROMPT_B.length + 1, true, intoB)));
                assertSame(intoA, together.get(0));
                assertSame(intoB, together.get(1));
                assertArrayEquals(fresh.get(2), intoA, "a's row of the shared step");
                assertArrayEquals(fresh.get(3), intoB, "b's row of the shared step");
            }
        }
    }
}
