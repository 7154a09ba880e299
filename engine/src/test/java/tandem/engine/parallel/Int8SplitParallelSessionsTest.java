package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
import tandem.engine.runtime.ParallelSessions;
import tandem.engine.vulkan.WithInt8Decode;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * With -Dtandem.decode.int8=true, sessions at once under tensor and layer split (two logical
 * lavapipe devices) generate exactly the ids each generates alone: the split runner groups the
 * parts of a step as the one-device runner does (SharedStepPlan.groups).
 */
@ExtendWith({WithoutValidationLayer.class, WithInt8Decode.class})
class Int8SplitParallelSessionsTest {
    @ParameterizedTest
    @EnumSource(value = SplitMode.class, names = {"TENSOR", "LAYER"})
    void referenceModelSessionsAtOnceMatchEachAlone(SplitMode mode) throws Exception {
        try (LoadedModel model = Engine.load(SharedData.data("models/reference/llama-q4_0.gguf"),
                new EngineOptions(Backend.VULKAN, List.of(0, 0), List.of(), mode, 96), LoadProgress.NONE, () -> false)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, ParallelSessions.REFERENCE_WITH_LATE_PROMPT);
            assertTrue(((SplitRunner) ParallelSessions.runnerOf(model)).sharedStepsRun() > 0, "no shared step ran");
        }
    }
}
