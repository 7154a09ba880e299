package tandem.engine.runtime;

import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.gguf.SharedData;

/** Concurrent sessions on the CPU share decode steps and generate exactly what each does alone. */
class CpuParallelSessionsTest {
    static final List<ParallelSessions.Case> STORIES = List.of(
            new ParallelSessions.Case("Once upon a time", SamplingParams.greedy(40)),
            new ParallelSessions.Case("The little dog", SamplingParams.greedy(28)),
            new ParallelSessions.Case("Lily wanted to play with her friend, so she", SamplingParams.greedy(33)),
            new ParallelSessions.Case("Tom had a red ball",
                    new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.1f, 64, 1234, 36, List.of())));

    @Test
    void storiesSessionsAtOnceMatchEachAlone() throws Exception {
        try (LoadedModel model = Engine.load(SharedData.data("models/stories260K.gguf"), EngineOptions.cpu().withContextLength(128),
                LoadProgress.NONE, () -> false)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, STORIES);
        }
    }

    @Test
    void referenceModelSessionsAtOnceMatchEachAlone() throws Exception {
        try (LoadedModel model = Engine.load(SharedData.data("models/reference/llama-q4_0.gguf"),
                EngineOptions.cpu().withContextLength(96), LoadProgress.NONE, () -> false)) {
            ParallelSessions.assertConcurrentMatchesAlone(model, List.of(
                    new ParallelSessions.Case("The capital of France is", SamplingParams.greedy(12)),
                    new ParallelSessions.Case("Once upon a time there was", SamplingParams.greedy(10)),
                    new ParallelSessions.Case("1, 2, 3, 4,", SamplingParams.greedy(9))));
        }
    }
}
