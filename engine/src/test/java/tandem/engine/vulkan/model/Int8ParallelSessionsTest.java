package tandem.engine.vulkan.model;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SplitMode;
import tandem.engine.gguf.SharedData;
import tandem.engine.runtime.ParallelSessions;
import tandem.engine.vulkan.Int8Decode;

/**
 * With -Dtandem.decode.int8=true, sessions generating at once still generate exactly the ids each
 * generates alone: shared steps take the int8 products too (matvec_i8 with several tokens per
 * workgroup), on the same quantization as a sequence's own decode steps.
 */
class Int8ParallelSessionsTest {
    @BeforeEach
    void int8On() {
        System.setProperty(Int8Decode.PROPERTY, "true");
    }

    @AfterEach
    void int8Off() {
        System.clearProperty(Int8Decode.PROPERTY);
    }

    @Test
    void referenceModelSessionsAtOnceMatchEachAlone() throws Exception {
        try (LoadedModel model = Engine.load(SharedData.data("models/reference/llama-q4_k.gguf"),
                new EngineOptions(Backend.VULKAN, List.of(0), List.of(), SplitMode.NONE, 96), LoadProgress.NONE, () -> false)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, ParallelSessions.REFERENCE);
            VulkanParallelSessionsTest.assertSharedStepsRan(model);
        }
    }
}
