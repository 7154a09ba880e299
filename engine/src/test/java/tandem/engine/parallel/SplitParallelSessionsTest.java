package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tandem.engine.gguf.SharedData;
import tandem.engine.api.Backend;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.runtime.ParallelSessions;
import tandem.engine.api.SplitMode;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * Sessions generating at once under tensor and layer split (two logical devices on lavapipe in CI)
 * share each step on every device and generate exactly the ids each generates alone.
 */
@ExtendWith(WithoutValidationLayer.class)
class SplitParallelSessionsTest {
    private static LoadedModel load(String model, SplitMode mode, int ctx) {
        return Engine.load(SharedData.data(model), new EngineOptions(Backend.VULKAN, List.of(0, 0), List.of(), mode, ctx),
                LoadProgress.NONE, () -> false);
    }

    @ParameterizedTest
    @EnumSource(value = SplitMode.class, names = {"TENSOR", "LAYER"})
    void storiesSessionsAtOnceMatchEachAlone(SplitMode mode) throws Exception {
        check("models/stories260K.gguf", mode, 128, ParallelSessions.STORIES);
    }

    @ParameterizedTest
    @EnumSource(value = SplitMode.class, names = {"TENSOR", "LAYER"})
    void referenceModelSessionsAtOnceMatchEachAlone(SplitMode mode) throws Exception {
        check("models/reference/llama-q4_0.gguf", mode, 96, ParallelSessions.REFERENCE);
    }

    private static void check(String file, SplitMode mode, int ctx, List<ParallelSessions.Case> cases) throws Exception {
        try (LoadedModel model = load(file, mode, ctx)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, cases);
            assertSharedStepsRan(model);
        }
    }

    /** The devices ran shared steps, not each sequence's steps one after another. */
    private static void assertSharedStepsRan(LoadedModel model) {
        SplitRunner runner = (SplitRunner) ParallelSessions.runnerOf(model);
        assertTrue(runner.sharedStepsRun() > 0, "no shared step ran");
    }
}
