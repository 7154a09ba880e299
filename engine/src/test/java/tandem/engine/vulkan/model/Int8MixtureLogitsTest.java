package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.KernelTime;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.vulkan.WithInt8Decode;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * The mixtures whose experts have int8 kernels (qwen3moe Q4_K with Q5_0 down experts and Q8_0;
 * gpt-oss Q8_0, with expert biases and the clamped SwiGLU) on Vulkan with
 * {@code -Dtandem.decode.int8=true} (lavapipe) against llama.cpp: every prompt in one step (p0 and
 * p1 take the decode experts; p2 the grouped ones) and p1 one token at a time (single-token decode
 * steps throughout), at the bar MixtureVulkanTest holds the float kernels to (models/arch's bar
 * for quantized files). The profile's labels show the int8 experts ran.
 */
@ExtendWith({WithInt8Decode.class, WithoutValidationLayer.class})
class Int8MixtureLogitsTest {
    private static final List<String> MODELS = List.of("qwen3moe-q4_k", "qwen3moe-q8_0", "gpt-oss-q8_0");

    @AfterEach
    void clearProfile() {
        System.clearProperty("tandem.profile");
    }

    /** The model files, each with its prompts (one load serves them all). */
    static List<List<ReferenceCase>> models() {
        List<ReferenceCase> cases = java.util.stream.Stream.concat(ReferenceCase.arch("qwen3moe-").stream(),
                ReferenceCase.arch("gpt-oss-").stream()).toList();
        return List.copyOf(cases.stream().filter(c -> MODELS.contains(c.name().replaceAll("\\.p\\d+$", "")))
                .collect(Collectors.groupingBy(ReferenceCase::model, java.util.LinkedHashMap::new, Collectors.toList())).values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void int8ExpertsMatchLlamaCppWholeAndTokenByToken(List<ReferenceCase> prompts) {
        assertEquals(3, prompts.size(), prompts.toString());
        System.setProperty("tandem.profile", "true");
        EngineOptions options = EngineOptions.defaults().withBackend(Backend.VULKAN).withContextLength(128);
        try (LoadedModel model = Engine.load(prompts.getFirst().model(), options, LoadProgress.NONE, () -> false)) {
            assertEquals(Backend.VULKAN, model.backend());
            for (ReferenceCase c : prompts) c.assertMatches(model, "vulkan int8 experts", c.archMinCosine());
            ReferenceCase c = prompts.stream().filter(p -> p.name().endsWith(".p1")).findFirst().orElseThrow();
            try (Session session = model.newSession()) {
                float[] logits = null;
                for (int token : c.tokens()) logits = session.evaluate(new int[] {token});
                assertArrayEquals(c.tokens(), session.tokens());
                double cosine = ReferenceCase.cosine(logits, c.lastLogits());
                System.out.printf("%s vulkan int8 experts token by token cosine %.6f%n", c, cosine);
                assertTrue(cosine >= c.archMinCosine(), c + " token by token: cosine " + cosine + " < " + c.archMinCosine());
            }
            Set<String> labels = model.kernelTimes().stream().map(KernelTime::kernel).collect(Collectors.toSet());
            assertTrue(labels.stream().anyMatch(l -> l.startsWith("int8 experts gate+up ")), labels.toString());
            assertTrue(labels.contains("quantize q8_1 glu"), labels.toString());
        }
    }
}
