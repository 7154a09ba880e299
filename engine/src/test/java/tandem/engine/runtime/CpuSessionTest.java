package tandem.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.api.SplitMode;
import tandem.engine.api.StopReason;
import tandem.engine.api.TandemException;
import tandem.engine.gguf.SharedData;

/** Sessions on the CPU backend with stories260K: cancellation, context limits, stop strings, seeds, metrics. */
class CpuSessionTest {
    private static final String PROMPT = "Once upon a time";
    private static LoadedModel model;

    @BeforeAll
    static void load() {
        model = Engine.load(SharedData.data("models/stories260K.gguf"), EngineOptions.cpu().withContextLength(96),
                LoadProgress.NONE, () -> false);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static SamplingParams sampled(long seed, int tokens, List<String> stops) {
        return new SamplingParams(0.9f, 40, 0.95f, 0.05f, 1.1f, 64, seed, tokens, stops);
    }

    @Test
    void cancelFromAnotherThreadEndsTheGenerationAfterTheCurrentToken() {
        try (Session session = model.newSession()) {
            GenerationResult r = session.generate(PROMPT, SamplingParams.greedy(50), event -> {
                if (event.index() == 2) {
                    Thread canceller = Thread.ofPlatform().start(session::cancel);
                    try {
                        canceller.join();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            assertEquals(StopReason.CANCELLED, r.stopReason());
            assertEquals(3, r.generatedTokens());
        }
    }

    @Test
    void aPromptLongerThanTheContextIsAClearError() {
        try (LoadedModel small = Engine.load(SharedData.data("models/stories260K.gguf"), EngineOptions.cpu().withContextLength(4),
                LoadProgress.NONE, () -> false); Session session = small.newSession()) {
            TandemException e = assertThrows(TandemException.class,
                    () -> session.generate(PROMPT + " there was a dog", SamplingParams.greedy(5), event -> {}));
            assertTrue(e.getMessage().startsWith("context full (4 tokens)"), e.getMessage());
            assertTrue(e.getMessage().contains("--ctx"), e.getMessage());
        }
    }

    @Test
    void generationStopsWhenTheContextIsFull() {
        try (LoadedModel small = Engine.load(SharedData.data("models/stories260K.gguf"), EngineOptions.cpu().withContextLength(12),
                LoadProgress.NONE, () -> false); Session session = small.newSession()) {
            GenerationResult r = session.generate(PROMPT, SamplingParams.greedy(100), event -> {});
            assertEquals(StopReason.CONTEXT_FULL, r.stopReason());
            // the prompt fills 5 positions; every generated token but the last one enters the cache
            assertEquals(12 - r.promptTokens() + 1, r.generatedTokens());
            assertEquals(12, session.position());
        }
    }

    @Test
    void stopStringEndsTheTextBeforeItAndNeverReachesTheListener() {
        try (Session session = model.newSession()) {
            StringBuilder streamed = new StringBuilder();
            SamplingParams greedyWithStop = new SamplingParams(0f, 0, 1f, 0f, 1f, 64, 0, 60, List.of("Lily"));
            GenerationResult r = session.generate(PROMPT, greedyWithStop, event -> streamed.append(event.text()));
            assertEquals(StopReason.STOP_STRING, r.stopReason());
            assertEquals(", there was a little girl named ", r.text());
            assertEquals(r.text(), streamed.toString());
        }
    }

    @Test
    void sameSeedSameTextAndAnotherSeedAnotherText() {
        String first = generateText(1234);
        assertEquals(first, generateText(1234));
        assertNotEquals(first, generateText(98765));
    }

    private static String generateText(long seed) {
        try (Session session = model.newSession()) {
            return session.generate(PROMPT, sampled(seed, 40, List.of()), event -> {}).text();
        }
    }

    @Test
    void evaluateContinuesTheCacheAndTruncateRewindsIt() {
        try (Session session = model.newSession()) {
            int[] tokens = model.tokenizer().encode(PROMPT, true, false);
            float[] whole = session.evaluate(tokens);
            session.truncate(2);
            float[] again = session.evaluate(java.util.Arrays.copyOfRange(tokens, 2, tokens.length));
            assertEquals(tokens.length, session.position());
            org.junit.jupiter.api.Assertions.assertArrayEquals(whole, again, 1e-5f);
            org.junit.jupiter.api.Assertions.assertArrayEquals(tokens, session.tokens());
        }
    }

    @Test
    void aLongPromptPrefilledInChunksGivesTheLogitsOfOneEvaluation() {
        int[] prompt = new int[90]; // more than one prefill chunk of 64, within the context of 96
        prompt[0] = model.tokenizer().bosId();
        for (int i = 1; i < prompt.length; i++) prompt[i] = 3 + (i * 31) % 500;
        try (Session chunked = model.newSession(); Session whole = model.newSession()) {
            int[] first = new int[1];
            chunked.generate(prompt, SamplingParams.greedy(1), event -> first[0] = event.tokenId());
            assertEquals(Sampler.argmax(whole.evaluate(prompt)), first[0]);
            org.junit.jupiter.api.Assertions.assertArrayEquals(prompt, java.util.Arrays.copyOf(chunked.tokens(), prompt.length));
        }
    }

    @Test
    void metricsCountTokensAndReportTheCpuAsOneDevice() {
        model.metrics();
        try (Session session = model.newSession()) {
            GenerationResult r = session.generate(PROMPT, SamplingParams.greedy(10), event -> {});
            MetricsSnapshot m = model.metrics();
            assertEquals(1, m.devices().size());
            double busy = m.devices().getFirst().busyFraction();
            assertTrue(busy > 0 && busy <= 1, "busy " + busy);
            assertTrue(m.tokensGenerated() >= r.generatedTokens());
            assertTrue(r.promptTokensPerSecond() > 0 && r.tokensPerSecond() > 0 && r.timeToFirstTokenMillis() > 0);
        }
    }

    @Test
    void closingTheModelDuringAGenerationCancelsItFirst() throws Exception {
        LoadedModel own = Engine.load(SharedData.data("models/stories260K.gguf"), EngineOptions.cpu(), LoadProgress.NONE, () -> false);
        Session session = own.newSession();
        Thread[] closer = new Thread[1];
        GenerationResult r = session.generate(PROMPT, SamplingParams.greedy(1000), event -> {
            if (event.index() != 0) return;
            closer[0] = Thread.ofPlatform().start(own::close);
            // close() cancels the sessions first, then waits for the generation to end
            while (closer[0].getState() != Thread.State.TIMED_WAITING) Thread.onSpinWait();
        });
        closer[0].join();
        assertEquals(StopReason.CANCELLED, r.stopReason());
        assertEquals(1, r.generatedTokens());
    }

    @Test
    void aCancelledLoadStopsWithAClearMessage() {
        TandemException e = assertThrows(TandemException.class, () -> Engine.load(SharedData.data("models/stories260K.gguf"),
                EngineOptions.cpu(), LoadProgress.NONE, () -> true));
        assertEquals("load cancelled", e.getMessage());
    }

    @Test
    void aSplitRequestOnTheCpuIsRefusedNotIgnored() {
        EngineOptions tensorSplit = new EngineOptions(Backend.CPU, List.of(0, 1), List.of(), SplitMode.TENSOR, 64);
        TandemException e = assertThrows(TandemException.class,
                () -> Engine.plan(SharedData.data("models/stories260K.gguf"), tensorSplit));
        assertTrue(e.getMessage().contains("the CPU backend runs on one device"), e.getMessage());
    }

    @Test
    void planForTheCpuCountsWeightsAndAFloatKvCache() {
        LoadPlan plan = Engine.plan(SharedData.data("models/stories260K.gguf"), EngineOptions.cpu().withContextLength(64));
        assertEquals(1, plan.devices().size());
        DevicePlan cpu = plan.devices().getFirst();
        // 5 layers x 64 positions x (4 KV heads x 8) x (K and V) x 4 bytes
        assertEquals(5L * 64 * 32 * 2 * 4, cpu.kvCacheBytes());
        assertTrue(cpu.weightBytes() > 900_000 && cpu.weightBytes() < 1_185_376, "weights " + cpu.weightBytes());
        assertTrue(plan.fits());
    }
}
