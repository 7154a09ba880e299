package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.vulkan.Int8Decode;
import tandem.engine.vulkan.WithInt8Decode;

/**
 * The Vulkan backend with {@code -Dtandem.decode.int8=true} (lavapipe) against llama.cpp on the
 * reference models whose products have int8 kernels (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K, IQ4_NL, IQ4_XS; their other tensors keep
 * the float kernels): the prompt in one step (p0 and p1 are under 8 tokens: the few-token decode
 * products; p2 takes the prompt kernels but its last position's output head is a decode product)
 * and one token at a time (single-token decode steps). Bar 0.999, models/arch's bar for
 * quantized files: llama.cpp rounds its activations to 8 bits before these products too, so the
 * int8 path sits as close to it as the float one, whose bar is 0.9995.
 */
@ExtendWith(WithInt8Decode.class)
class Int8DecodeLogitsTest {
    static final double MIN_COSINE = 0.999;

    static List<ReferenceCase> cases() {
        return ReferenceCase.all().stream()
                .filter(c -> List.of("llama-q8_0", "llama-q4_0", "llama-q4_1", "llama-q5_0", "llama-q5_1", "llama-q4_k", "llama-q5_k", "llama-q6_k", "llama-iq4_nl", "llama-iq4_xs").contains(c.name().replaceAll("\\.p\\d+$", "")))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lastLogitsMatchLlamaCppWholeAndTokenByToken(ReferenceCase c) {
        EngineOptions options = EngineOptions.defaults().withBackend(Backend.VULKAN).withContextLength(64);
        float[] int8;
        try (LoadedModel model = Engine.load(c.model(), options, LoadProgress.NONE, () -> false)) {
            assertEquals(Backend.VULKAN, model.backend());
            c.assertMatches(model, "vulkan int8", MIN_COSINE);
            int8 = tokenByToken(model, c);
            double cosine = ReferenceCase.cosine(int8, c.lastLogits());
            System.out.printf("%s vulkan int8 token by token cosine %.6f%n", c, cosine);
            assertTrue(cosine >= MIN_COSINE, c + " token by token: cosine " + cosine + " < " + MIN_COSINE);
        }
        // The same model with the property cleared runs the float kernels: different logits show the int8 ones ran.
        System.clearProperty(Int8Decode.PROPERTY);
        try (LoadedModel model = Engine.load(c.model(), options, LoadProgress.NONE, () -> false)) {
            float[] floats = tokenByToken(model, c);
            System.out.printf("%s vulkan float token by token cosine %.6f%n", c, ReferenceCase.cosine(floats, c.lastLogits()));
            assertFalse(Arrays.equals(int8, floats), c + ": the int8 products did not run");
        }
    }

    /** The last logits of the prompt fed one token per step (single-token decode steps throughout). */
    private static float[] tokenByToken(LoadedModel model, ReferenceCase c) {
        try (Session session = model.newSession()) {
            float[] logits = null;
            for (int token : c.tokens()) logits = session.evaluate(new int[] {token});
            assertArrayEquals(c.tokens(), session.tokens());
            return logits;
        }
    }
}
