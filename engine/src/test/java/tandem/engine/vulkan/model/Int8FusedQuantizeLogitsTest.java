package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.vulkan.WithInt8Decode;

/**
 * Decode steps whose kernels write the int8 inputs of the next products themselves (the attention combine the output
 * projection's, over a cache long enough for split ranges; the gate and up products the down projection's, on SwiGLU
 * models, opt-in) give the very logits of the separate quantize dispatches, and llama.cpp's within the quantized bar, on
 * architectures with q/k norms and post-norms (Gemma 3), partial rotary (Phi-3) and attention sinks with an output
 * bias (gpt-oss); the profile names the fused kernels, so the paths are known to have run.
 */
@ExtendWith(WithInt8Decode.class)
class Int8FusedQuantizeLogitsTest {
    private static final List<String> PROPERTIES = List.of("tandem.decode.quantizeAttention", "tandem.decode.quantizeGlu");
    /** Long enough for split attention ranges (SequenceBuffers#attentionSplits). */
    private static final int CONTEXT = 1100;

    @AfterEach
    void clearKnobs() {
        PROPERTIES.forEach(System::clearProperty);
        System.clearProperty("tandem.profile");
    }

    static List<ReferenceCase> cases() {
        return Stream.of(ReferenceCase.all().stream().filter(c -> c.name().equals("llama-q4_k.p1")),
                ReferenceCase.arch("gemma3-q4_k.p1").stream(), ReferenceCase.arch("phi3-q8_0.p1").stream(),
                ReferenceCase.arch("gpt-oss-q8_0.p1").stream()).flatMap(s -> s).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fusedQuantizeGivesTheSeparateOnesLogits(ReferenceCase c) {
        System.setProperty("tandem.profile", "true");
        PROPERTIES.forEach(p -> System.setProperty(p, "true"));
        float[] fused = tokenByToken(c, true);
        System.clearProperty("tandem.profile");
        PROPERTIES.forEach(p -> System.setProperty(p, "false"));
        float[] separate = tokenByToken(c, false);
        assertArrayEquals(separate, fused, c + ": the fused quantize changed the logits");
        double cosine = ReferenceCase.cosine(fused, c.lastLogits());
        assertTrue(cosine >= 0.999, c + ": cosine " + cosine + " to llama.cpp");
    }

    /** The prompt's last logits, fed one token per decode step; checks whether the profile names the fused kernels. */
    private static float[] tokenByToken(ReferenceCase c, boolean fusedExpected) {
        return TokenByToken.lastLogits(c, CONTEXT, (ran, labels) -> {
            if (!fusedExpected) return;
            assertTrue(labels.stream().anyMatch(l -> l.endsWith("rope + attention + quantize")), ran + ": " + labels);
            // the SwiGLU models' dense FFN (Gemma 3's GELU and gpt-oss's experts keep their own paths)
            boolean swiglu = ran.name().startsWith("llama") || ran.name().startsWith("phi3");
            assertEquals(swiglu, labels.stream().anyMatch(l -> l.contains("gate+up + quantize glu")), ran + ": " + labels);
        });
    }
}
