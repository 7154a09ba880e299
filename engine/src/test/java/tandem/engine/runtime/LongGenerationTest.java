package tandem.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.api.SplitMode;
import tandem.engine.gguf.SharedData;

/**
 * A chat left running: thousands of sampled tokens on the demo model, each generation running up
 * to the full context (the engine has no rolling window; the app's rolling policy re-prompts a new
 * session, which is what this does). The Java heap after a full GC must stay flat after warm-up.
 *
 * <p>CI: 4,000 tokens on the CPU and 2,000 on lavapipe; {@code -Dtandem.reliability.full=true}: 10,000 each.
 */
class LongGenerationTest {
    private static final boolean FULL = Boolean.getBoolean("tandem.reliability.full");
    private static final int CONTEXT = 256;
    private static final int WARM_UP_RUNS = 2;
    /** Heap growth allowed between the end of warm-up and the end: far below one run's garbage. */
    private static final long HEAP_BOUND = 4L << 20;

    enum Mode {
        CPU(Backend.CPU, 4000), LAVAPIPE(Backend.VULKAN, 2000);
        final Backend backend;
        final int tokens;
        Mode(Backend backend, int tokens) { this.backend = backend; this.tokens = FULL ? 10_000 : tokens; }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void heapStaysFlatOverThousandsOfTokens(Mode mode) {
        EngineOptions options = new EngineOptions(mode.backend, mode.backend == Backend.VULKAN ? List.of(0) : List.of(),
                List.of(), SplitMode.NONE, CONTEXT);
        int total = 0, runs = 0;
        long heapAfterWarmUp = 0, maxHeap = 0;
        try (LoadedModel model = Engine.load(SharedData.data("models/stories260K.gguf"), options, LoadProgress.NONE, () -> false)) {
            while (total < mode.tokens) {
                try (Session session = model.newSession()) {
                    // High temperature keeps the story going past end-of-text less often; the seed varies the text.
                    SamplingParams params = new SamplingParams(1.0f, 40, 0.95f, 0.05f, 1.1f, 64, runs, CONTEXT, List.of());
                    GenerationResult r = session.generate("Once upon a time", params, event -> { });
                    assertTrue(r.generatedTokens() > 0, "run " + runs + " generated nothing");
                    total += r.generatedTokens();
                }
                runs++;
                long heap = heapAfterGc();
                if (runs == WARM_UP_RUNS) heapAfterWarmUp = heap;
                if (runs > WARM_UP_RUNS) maxHeap = Math.max(maxHeap, heap);
            }
        }
        assertTrue(runs > WARM_UP_RUNS + 2, "too few runs to measure: " + runs);
        long growth = maxHeap - heapAfterWarmUp;
        System.out.printf("LongGenerationTest %s: %d tokens in %d generations, heap after GC %.1f MB after warm-up, max %.1f MB after (growth %+.2f MB, bound %.0f MB)%n",
                mode, total, runs, heapAfterWarmUp / 1e6, maxHeap / 1e6, growth / 1e6, HEAP_BOUND / 1e6);
        assertTrue(growth <= HEAP_BOUND, mode + ": heap grew " + growth + " bytes over " + total + " tokens");
    }

    private static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
