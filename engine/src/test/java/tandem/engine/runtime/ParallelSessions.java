package tandem.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import tandem.engine.api.LoadedModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;

/**
 * The check behind the parallel-stream tests of every backend: each prompt generated alone, then
 * all of them at once on sessions of the same model (which share each decode step), must give the
 * same token ids; and the concurrent run must really have shared steps.
 */
public final class ParallelSessions {
    private ParallelSessions() {}

    /**
     * Token ids each prompt generates, with its own sampling parameters; in the concurrent run it
     * starts once the first case has generated {@code startAfter} tokens (0: at once), so that its
     * prompt chunks share steps with the others' decode tokens.
     */
    public record Case(String prompt, SamplingParams params, int startAfter) {
        public Case(String prompt, SamplingParams params) {
            this(prompt, params, 0);
        }
    }

    /** stories260K's cases: greedy answers of different lengths and a seeded sampled one. */
    public static final List<Case> STORIES = List.of(
            new Case("Once upon a time", SamplingParams.greedy(40)),
            new Case("The little dog", SamplingParams.greedy(28)),
            new Case("Lily wanted to play with her friend, so she", SamplingParams.greedy(33)),
            new Case("Tom had a red ball", new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.1f, 64, 1234, 36, List.of())),
            new Case("Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her "
                    + "friends. One day, she saw a big tree with a swing. She ran to the swing and sat on it. Her mom pushed her "
                    + "high into the sky. Lily laughed and said, \"Mom, look at me!\" Then a", SamplingParams.greedy(16), 6));

    /** The reference Q4_0 model's cases (shared/data/models/reference), greedy. */
    public static final List<Case> REFERENCE = List.of(
            new Case("The capital of France is", SamplingParams.greedy(12)),
            new Case("Once upon a time there was", SamplingParams.greedy(10)),
            new Case("1, 2, 3, 4,", SamplingParams.greedy(9)));

    /**
     * {@link #REFERENCE} and a late case whose prompt of over 8 tokens arrives while the others
     * decode: with the int8 decode products its own step takes the float prompt kernels and their
     * steps the int8 ones, so a shared step must not give them one kind.
     */
    public static final List<Case> REFERENCE_WITH_LATE_PROMPT = java.util.stream.Stream.concat(REFERENCE.stream(),
            java.util.stream.Stream.of(new Case("Once upon a time, in a small village by the sea, there lived an old man who",
                    SamplingParams.greedy(8), 3))).toList();

    /** The forward pass under a loaded model, for tests that look at what the backend did. */
    public static ModelRunner runnerOf(LoadedModel model) {
        return ((BackendModel) model).runner();
    }

    /** The ids of one generation. */
    public static int[] generate(Session session, Case c) {
        return generate(session, c, id -> {});
    }

    /** The ids of one generation, each also told to {@code emitted} as it comes. */
    private static int[] generate(Session session, Case c, java.util.function.IntConsumer emitted) {
        List<Integer> ids = new ArrayList<>();
        session.generate(c.prompt(), c.params(), event -> {
            if (event.tokenId() >= 0) {
                ids.add(event.tokenId());
                emitted.accept(ids.size());
            }
        });
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Runs the cases alone (one session after another), then concurrently (one thread and session
     * each, started together), and asserts equal ids per case and that steps held several sequences.
     */
    public static void assertConcurrentMatchesAlone(LoadedModel model, List<Case> cases) throws Exception {
        List<int[]> alone = new ArrayList<>();
        for (Case c : cases) {
            try (Session s = model.newSession()) {
                alone.add(generate(s, c));
            }
        }
        tandem.engine.api.StepCounts before = model.stepCounts();
        CyclicBarrier start = new CyclicBarrier(cases.size());
        java.util.concurrent.atomic.AtomicInteger firstEmitted = new java.util.concurrent.atomic.AtomicInteger();
        List<Future<int[]>> together = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(cases.size())) {
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                boolean first = i == 0;
                together.add(threads.submit(() -> {
                    try (Session s = model.newSession()) {
                        start.await();
                        // a late case waits for the first one's tokens, or its end
                        while (firstEmitted.get() < c.startAfter()) Thread.sleep(1);
                        try {
                            return generate(s, c, first ? firstEmitted::set : n -> {});
                        } finally {
                            if (first) firstEmitted.set(Integer.MAX_VALUE);
                        }
                    }
                }));
            }
            for (int i = 0; i < cases.size(); i++) {
                int[] ids = together.get(i).get();
                assertTrue(alone.get(i).length > 4, "case " + i + " generated too little to compare: " + alone.get(i).length);
                assertArrayEquals(alone.get(i), ids, "case " + i + " (" + cases.get(i).prompt() + "): concurrent ids differ from alone");
            }
        }
        tandem.engine.api.StepCounts ran = model.stepCounts().since(before);
        long steps = ran.steps(), parts = ran.sequences();
        assertTrue(parts > steps, "no step held more than one sequence: " + steps + " steps, " + parts + " parts");
    }
}
