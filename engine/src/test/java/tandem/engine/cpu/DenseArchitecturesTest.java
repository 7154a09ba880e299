package tandem.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;

/**
 * gemma3 and phi3 on the CPU against llama.cpp (shared/data/models/arch): every type and prompt
 * gives llama.cpp's tokens and reaches cosine 0.9999 (f32/f16) or 0.999 (quantized). The models run
 * at their own context length, as llama-debug did: phi3's 4096 exceeds its original 1024, which
 * selects the long LongRoPE factors.
 */
class DenseArchitecturesTest {
    static Stream<ReferenceCase> cases() {
        return Stream.of("gemma3", "phi3").flatMap(a -> ReferenceCase.arch(a).stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tokensAndLastLogitsMatchLlamaCpp(ReferenceCase c) {
        try (LoadedModel model = Engine.load(c.model(), EngineOptions.cpu(), LoadProgress.NONE, () -> false)) {
            c.assertMatches(model, "cpu", c.archMinCosine());
        }
    }

    /** Within the original context the short factors apply, and the long prompt's logits move far off llama.cpp's. */
    @Test
    void phi3WithinTheOriginalContextUsesTheShortRopeFactors() {
        ReferenceCase c = ReferenceCase.arch("phi3").stream().filter(r -> r.name().equals("phi3-f32.p2")).findFirst().orElseThrow();
        try (LoadedModel model = Engine.load(c.model(), EngineOptions.cpu().withContextLength(1024), LoadProgress.NONE, () -> false);
             Session s = model.newSession()) {
            double cosine = ReferenceCase.cosine(s.evaluate(c.tokens()), c.lastLogits());
            assertTrue(cosine < 0.99, "short factors should differ from llama.cpp's long-factor logits: cosine " + cosine);
        }
    }

    /**
     * gemma3's sliding-window layer keeps a ring of window + 32 rows on the CPU (the 92-token prompt
     * above wraps it). Rewinding further back than the ring reaches evaluates the kept tokens again:
     * the logits after a deep truncation equal a fresh session's.
     */
    @Test
    void gemma3RewindPastTheRingGivesAFreshSessionsLogits() {
        ReferenceCase c = ReferenceCase.arch("gemma3").stream().filter(r -> r.name().equals("gemma3-f32.p2")).findFirst().orElseThrow();
        int[] tokens = c.tokens();
        int keep = 30;
        try (LoadedModel model = Engine.load(c.model(), EngineOptions.cpu(), LoadProgress.NONE, () -> false);
             Session rewound = model.newSession(); Session fresh = model.newSession()) {
            rewound.evaluate(tokens);
            rewound.truncate(keep);
            float[] after = rewound.evaluate(Arrays.copyOfRange(tokens, 60, 64));
            fresh.evaluate(Arrays.copyOf(tokens, keep));
            float[] expected = fresh.evaluate(Arrays.copyOfRange(tokens, 60, 64));
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, after);
        }
    }

    @Test
    void everyArchitectureHasReferences() {
        for (String arch : List.of("gemma3", "phi3")) {
            assertTrue(ReferenceCase.arch(arch).size() >= 12, arch + ": " + ReferenceCase.arch(arch).size() + " cases");
        }
    }
}
