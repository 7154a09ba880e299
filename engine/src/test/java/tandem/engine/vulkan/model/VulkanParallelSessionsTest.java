package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.gguf.SharedData;
import tandem.engine.runtime.Backend;
import tandem.engine.runtime.Engine;
import tandem.engine.runtime.EngineOptions;
import tandem.engine.runtime.LoadProgress;
import tandem.engine.runtime.LoadedModel;
import tandem.engine.runtime.ParallelSessions;
import tandem.engine.runtime.SamplingParams;
import tandem.engine.runtime.SplitMode;

/**
 * Sessions generating at once on one Vulkan device (lavapipe in CI) share each step - one product
 * per weight over their rows, each sequence's attention on its own cache - and generate exactly
 * the ids each generates alone.
 */
class VulkanParallelSessionsTest {
    static final List<ParallelSessions.Case> STORIES = List.of(
            new ParallelSessions.Case("Once upon a time", SamplingParams.greedy(40)),
            new ParallelSessions.Case("The little dog", SamplingParams.greedy(28)),
            new ParallelSessions.Case("Lily wanted to play with her friend, so she", SamplingParams.greedy(33)),
            new ParallelSessions.Case("Tom had a red ball",
                    new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.1f, 64, 1234, 36, List.of())));

    static final List<ParallelSessions.Case> REFERENCE = List.of(
            new ParallelSessions.Case("The capital of France is", SamplingParams.greedy(12)),
            new ParallelSessions.Case("Once upon a time there was", SamplingParams.greedy(10)),
            new ParallelSessions.Case("1, 2, 3, 4,", SamplingParams.greedy(9)));

    private static LoadedModel load(String model, int ctx) {
        return Engine.load(SharedData.data(model), new EngineOptions(Backend.VULKAN, List.of(0), List.of(), SplitMode.NONE, ctx),
                LoadProgress.NONE, () -> false);
    }

    @Test
    void storiesSessionsAtOnceMatchEachAlone() throws Exception {
        try (LoadedModel model = load("models/stories260K.gguf", 128)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, STORIES);
            assertSharedStepsRan(model);
        }
    }

    @Test
    void referenceModelSessionsAtOnceMatchEachAlone() throws Exception {
        try (LoadedModel model = load("models/reference/llama-q4_0.gguf", 96)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, REFERENCE);
            assertSharedStepsRan(model);
        }
    }

    /** The device ran shared steps (not each sequence's own one after another): their GPU time is labelled. */
    static void assertSharedStepsRan(LoadedModel model) {
        assertTrue(model.kernelTimes().stream().anyMatch(k -> k.kernel().startsWith("shared step")),
                "no shared step ran: " + model.kernelTimes());
    }
}
