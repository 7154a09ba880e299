package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.WithInt8Decode;

/**
 * With -Dtandem.decode.int8=true, a step several sequences share gives each of them bitwise the
 * logits of its own step. Whether a product takes the int8 kernels alone depends on the
 * sequence's own rows (under 8: int8; a prompt chunk of 8 or more: the float prompt kernels), so
 * a shared step must not choose by its total rows: a prompt chunk riding along with decode tokens
 * used to be quantized to int8 (a step of up to 16 rows) or to turn the decode tokens' products
 * into float ones (over 16). Checked on the runner's steps directly, so which parts share a step
 * does not depend on thread timing, and on logits, not on greedy ids near a tie.
 */
@ExtendWith(WithInt8Decode.class)
class Int8SharedStepsTest {
    private static final int CONTEXT = 96;

    /** Ids of the reference models' 512-token vocabulary, from a seed (any ids will do). */
    private static int[] ids(int count, int seed) {
        return IntStream.range(0, count).map(i -> 1 + (seed * 97 + i * 31) % 500).toArray();
    }

    /**
     * Two decoding sequences (prompts of 3 and 5 tokens before) and a third sequence's prompt of
     * {@code promptTokens} tokens: its one step alone and the decode tokens alone, then all three in
     * one shared step, whose rows are 2 + promptTokens.
     */
    @ParameterizedTest(name = "prompt of {0} tokens with two decode tokens")
    @ValueSource(ints = {4, 9, 20})
    void promptRidingAlongWithDecodeTokensGivesTheLogitsOfEachAlone(int promptTokens) {
        try (LoadedModel model = load()) {
            ModelRunner runner = ParallelSessions.runnerOf(model);
            int[][] before = {ids(3, 1), ids(5, 2)};
            int[][] decode = {{321}, {454}};
            int[] prompt = ids(promptTokens, 3);

            List<float[]> alone = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                try (ModelRunner.State state = runner.newState(CONTEXT)) {
                    state.forward(before[s], 0, false);
                    alone.add(state.forward(decode[s], before[s].length, false));
                }
            }
            try (ModelRunner.State state = runner.newState(CONTEXT)) {
                alone.add(state.forward(prompt, 0, false));
            }

            List<float[]> together;
            try (ModelRunner.State a = runner.newState(CONTEXT); ModelRunner.State b = runner.newState(CONTEXT);
                 ModelRunner.State p = runner.newState(CONTEXT)) {
                a.forward(before[0], 0, false);
                b.forward(before[1], 0, false);
                // a late prompt is handed in after the others' decode tokens, as StepBatcher would
                together = runner.forwardBatch(List.of(new BatchPart(a, decode[0], before[0].length, true),
                        new BatchPart(b, decode[1], before[1].length, true), new BatchPart(p, prompt, 0, true)));
            }
            assertSharedStepRan(model);
            String[] names = {"first decode token", "second decode token", "prompt of " + promptTokens};
            for (int i = 0; i < 3; i++) {
                assertFalse(Arrays.equals(alone.get(i), alone.get((i + 1) % 3)), "the cases give the same logits");
                assertArrayEquals(alone.get(i), together.get(i), names[i] + ": shared step's logits differ from its own step's");
            }
        }
    }

    /**
     * More decoding sequences than a shared step gives the int8 products (16 rows): alone each
     * token's products are int8, so none of them may take the float prompt kernels together.
     */
    @Test
    void seventeenDecodeTokensGiveTheLogitsOfEachAlone() {
        int sequences = GpuOps.SHARED_MATVEC_MAX_TOKENS + 1;
        try (LoadedModel model = load()) {
            ModelRunner runner = ParallelSessions.runnerOf(model);
            List<float[]> alone = new ArrayList<>();
            for (int s = 0; s < sequences; s++) {
                try (ModelRunner.State state = runner.newState(CONTEXT)) {
                    state.forward(ids(2, s), 0, false);
                    alone.add(state.forward(ids(1, s + 40), 2, false));
                }
            }
            List<ModelRunner.State> states = new ArrayList<>();
            try {
                List<BatchPart> parts = new ArrayList<>();
                for (int s = 0; s < sequences; s++) {
                    ModelRunner.State state = runner.newState(CONTEXT);
                    states.add(state);
                    state.forward(ids(2, s), 0, false);
                    parts.add(new BatchPart(state, ids(1, s + 40), 2, true));
                }
                List<float[]> together = runner.forwardBatch(parts);
                assertSharedStepRan(model);
                for (int s = 0; s < sequences; s++) {
                    assertArrayEquals(alone.get(s), together.get(s), "sequence " + s + ": shared step's logits differ from its own step's");
                }
            } finally {
                states.forEach(ModelRunner.State::close);
            }
        }
    }

    private static LoadedModel load() {
        return Engine.load(SharedData.data("models/reference/llama-q4_0.gguf"),
                new EngineOptions(Backend.VULKAN, List.of(0), List.of(), SplitMode.NONE, CONTEXT), LoadProgress.NONE, () -> false);
    }

    private static void assertSharedStepRan(LoadedModel model) {
        VulkanParallelSessionsTest.assertSharedStepsRan(model);
    }
}
