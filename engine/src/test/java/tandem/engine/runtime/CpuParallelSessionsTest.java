package tandem.engine.runtime;

import org.junit.jupiter.api.Test;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.gguf.SharedData;

/** Concurrent sessions on the CPU share decode steps and generate exactly what each does alone. */
class CpuParallelSessionsTest {
    @Test
    void storiesSessionsAtOnceMatchEachAlone() throws Exception {
        try (LoadedModel model = Engine.load(SharedData.data("models/stories260K.gguf"), EngineOptions.cpu().withContextLength(128),
                LoadProgress.NONE, () -> false)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, ParallelSessions.STORIES);
        }
    }

    @Test
    void referenceModelSessionsAtOnceMatchEachAlone() throws Exception {
        try (LoadedModel model = Engine.load(SharedData.data("models/reference/llama-q4_0.gguf"),
                EngineOptions.cpu().withContextLength(96), LoadProgress.NONE, () -> false)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, ParallelSessions.REFERENCE);
        }
    }
}
