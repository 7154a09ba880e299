package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.api.Backend;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * qwen3moe and gpt-oss on one Vulkan device (lavapipe in CI): the prompt's last logits against
 * llama.cpp's (shared/data/models/arch, the bar of its PROVENANCE.md), and greedy decode steps
 * (one-token steps: the recorded decode graph with the routing on the GPU, the roped attention with
 * sinks and the sliding window past its 8 positions) against the CPU engine step by step.
 */
@ExtendWith(WithoutValidationLayer.class)
class MixtureVulkanTest {
    private static final int CTX = 128;
    private static final int DECODE_STEPS = 12;

    static List<ReferenceCase> cases() {
        return Stream.concat(ReferenceCase.arch("qwen3moe-").stream(), ReferenceCase.arch("gpt-oss-").stream()).toList();
    }

    /** The model files, each with its prompts (one load serves them all). */
    static List<List<ReferenceCase>> models() {
        return List.copyOf(cases().stream().collect(java.util.stream.Collectors.groupingBy(ReferenceCase::model,
                java.util.LinkedHashMap::new, java.util.stream.Collectors.toList())).values());
    }

    /** One prompt per model file: the 30-token one (longer than gpt-oss's window of 8). */
    static List<ReferenceCase> decodeCases() {
        return cases().stream().filter(c -> c.name().endsWith(".p1")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void lastLogitsMatchLlamaCpp(List<ReferenceCase> prompts) {
        EngineOptions options = EngineOptions.defaults().withBackend(Backend.VULKAN).withContextLength(CTX);
        try (LoadedModel model = Engine.load(prompts.getFirst().model(), options, LoadProgress.NONE, () -> false)) {
            assertEquals(Backend.VULKAN, model.backend());
            for (ReferenceCase c : prompts) c.assertMatches(model, "vulkan", c.archMinCosine());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodeCases")
    void decodeStepsMatchTheCpu(ReferenceCase c) {
        assertDecodeMatchesTheCpu(c, CTX);
    }

    /**
     * A context of 1100 positions divides decode attention among two workgroups per head
     * (SequenceBuffers.attentionSplits): the window is cut among them and split 0 adds the sink.
     */
    @org.junit.jupiter.api.Test
    void gptOssDecodeWithTheCacheSplitMatchesTheCpu() {
        assertDecodeMatchesTheCpu(decodeCases().stream().filter(c -> c.name().startsWith("gpt-oss-f32")).findFirst().orElseThrow(), 1100);
    }

    private static void assertDecodeMatchesTheCpu(ReferenceCase c, int ctx) {
        EngineOptions gpu = EngineOptions.defaults().withBackend(Backend.VULKAN).withContextLength(ctx);
        try (LoadedModel vulkan = Engine.load(c.model(), gpu, LoadProgress.NONE, () -> false);
             LoadedModel cpu = Engine.load(c.model(), EngineOptions.cpu().withContextLength(ctx), LoadProgress.NONE, () -> false);
             Session v = vulkan.newSession(); Session r = cpu.newSession()) {
            float[] expected = r.evaluate(c.tokens());
            float[] actual = v.evaluate(c.tokens());
            for (int step = 0; step <= DECODE_STEPS; step++) {
                double cosine = ReferenceCase.cosine(actual, expected);
                assertTrue(cosine >= 0.9999, c.name() + " step " + step + ": cosine " + cosine + " to the CPU");
                int next = argmax(expected);
                expected = r.evaluate(new int[] {next});
                actual = v.evaluate(new int[] {next});
            }
        }
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}
