package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.gguf.SharedData;
import tandem.engine.api.Backend;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.KernelTime;
import tandem.engine.api.LoadedModel;
import tandem.engine.runtime.ParallelSessions;
import tandem.engine.api.SplitMode;

/**
 * Sessions generating at once on one Vulkan device (lavapipe in CI) share each step - one product
 * per weight over their rows, each sequence's attention on its own cache - and generate exactly
 * the ids each generates alone.
 */
class VulkanParallelSessionsTest {
    private static LoadedModel load(String model, int ctx) {
        return Engine.load(SharedData.data(model), new EngineOptions(Backend.VULKAN, List.of(0), List.of(), SplitMode.NONE, ctx),
                LoadProgress.NONE, () -> false);
    }

    @Test
    void storiesSessionsAtOnceMatchEachAlone() throws Exception {
        try (LoadedModel model = load("models/stories260K.gguf", 128)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, ParallelSessions.STORIES);
            assertSharedStepsRan(model);
        }
    }

    @Test
    void referenceModelSessionsAtOnceMatchEachAlone() throws Exception {
        try (LoadedModel model = load("models/reference/llama-q4_0.gguf", 96)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, ParallelSessions.REFERENCE);
            assertSharedStepsRan(model);
        }
    }

    /** The device ran shared steps (not each sequence's own one after another): their GPU time is labelled. */
    static void assertSharedStepsRan(LoadedModel model) {
        // the host's phases of every shared step are timed (their GPU times only every few steps), a recording made
        // for each combination of sequences
        var phases = model.hostTimes().stream().collect(java.util.stream.Collectors.toMap(KernelTime::kernel, KernelTime::calls));
        long steps = phases.getOrDefault("shared: submit and wait for the GPU", 0L);
        assertTrue(steps > 0, "no shared step ran: " + phases);
        assertEquals(steps, phases.get("shared: copy logits"), phases.toString());
        long recorded = phases.getOrDefault("shared: record a new combination of sequences", 0L);
        assertTrue(recorded >= 1 && recorded <= steps, phases.toString());
    }
}
