package tandem.engine.vulkan.model;

import java.util.List;
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
import tandem.engine.runtime.ParallelSessions;
import tandem.engine.vulkan.WithInt8Decode;

/**
 * With -Dtandem.decode.int8=true, sessions generating at once generate exactly the ids each
 * generates alone, also when a late session's prompt of over 8 tokens arrives while the others
 * decode (the case that used to take other products in the shared step than in its own, see
 * {@link SharedStepPlan#groups}; {@link Int8SharedStepsTest} checks the logits bitwise).
 */
@ExtendWith(WithInt8Decode.class)
class Int8ParallelSessionsTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-q4_0", "llama-q4_k"})
    void referenceModelSessionsAtOnceMatchEachAlone(String name) throws Exception {
        try (LoadedModel model = Engine.load(SharedData.data("models/reference/" + name + ".gguf"),
                new EngineOptions(Backend.VULKAN, List.of(0), List.of(), SplitMode.NONE, 96), LoadProgress.NONE, () -> false)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, ParallelSessions.REFERENCE_WITH_LATE_PROMPT);
            VulkanParallelSessionsTest.assertSharedStepsRan(model);
        }
    }
}
