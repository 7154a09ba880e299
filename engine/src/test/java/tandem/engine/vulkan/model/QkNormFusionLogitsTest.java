package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.cpu.ReferenceCase;

/**
 * Decode steps of models with per-head q/k norms (Gemma 3, Qwen3-MoE) whose attention kernel norms the query and key
 * itself (opt-in: -Dtandem.decode.fuseQkNorm=true): llama.cpp's logits within the architecture's bar, as close to the separate norm dispatch's as float
 * rounding allows, and the profile names the fused kernel, so the path is known to have run.
 */
class QkNormFusionLogitsTest {
    private static final String PROPERTY = "tandem.decode.fuseQkNorm";

    @AfterEach
    void clearKnobs() {
        System.clearProperty(PROPERTY);
        System.clearProperty("tandem.profile");
    }

    static List<ReferenceCase> cases() {
        return Stream.of("gemma3-f32.p1", "qwen3moe-f32.p1", "gemma3-q8_0.p1").flatMap(p -> ReferenceCase.arch(p).stream()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fusedNormMatchesLlamaCppAndTheSeparateNorm(ReferenceCase c) {
        System.setProperty("tandem.profile", "true");
        System.setProperty(PROPERTY, "true");
        float[] fused = tokenByToken(c, true);
        System.clearProperty("tandem.profile");
        System.clearProperty(PROPERTY); // the default: the separate norm
        float[] separate = tokenByToken(c, false);
        double toLlama = ReferenceCase.cosine(fused, c.lastLogits()), toSeparate = ReferenceCase.cosine(fused, separate);
        assertTrue(toLlama >= c.archMinCosine(), c + ": cosine " + toLlama + " to llama.cpp");
        assertTrue(toSeparate >= 0.99999, c + ": cosine " + toSeparate + " to the separate norm's logits");
    }

    /** The prompt's last logits, fed one token per decode step; checks whether the profile names the fused kernel. */
    private static float[] tokenByToken(ReferenceCase c, boolean fusedExpected) {
        return TokenByToken.lastLogits(c, 64, (ran, labels) -> {
            if (fusedExpected) assertTrue(labels.contains("q/k norm + rope + attention"), ran + ": " + labels);
        });
    }
}
