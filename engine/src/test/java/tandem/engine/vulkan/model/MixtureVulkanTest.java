package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.vulkan.ExpertKernel;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * qwen3moe and gpt-oss on one Vulkan device (lavapipe in CI): the prompt's last logits against
 * llama.cpp's (shared/data/models/arch, the bar of its PROVENANCE.md), and greedy decode steps
 * (one-token steps: the recorded decode graph with the routing on the GPU, the roped attention with
 * sinks and the sliding window past its 8 positions) against the CPU engine step by step; prompts of 300
 * tokens through the experts grouped by expert against the CPU.
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

    /**
     * qwen3moe in F32 and Q4_K (Q5_0 down experts) and gpt-oss with MXFP4 experts on the scalar tiles
     * (lavapipe's default; every file's llama.cpp prompts above also group), the quantized two with the
     * matrix units' kernel emulated.
     */
    static Stream<Arguments> longPrompts() {
        Stream<Arguments> matmul = decodeCases().stream().filter(c -> c.name().startsWith("qwen3moe-f32")
                || c.name().startsWith("qwen3moe-q4_k") || c.name().startsWith("gpt-oss-mxfp4"))
                .map(c -> Arguments.of(c, ExpertKernel.MATMUL));
        Stream<Arguments> emulated = decodeCases().stream()
                .filter(c -> c.name().startsWith("qwen3moe-q4_k") || c.name().startsWith("gpt-oss-mxfp4"))
                .map(c -> Arguments.of(c, ExpertKernel.EMULATED));
        return Stream.concat(matmul, emulated);
    }

    /**
     * A prompt of 300 tokens (the reference prompt repeated) runs the experts grouped by expert with
     * several tiles per expert (qwen3moe: 600 pairs over 8 experts, gpt-oss 1200 over 16, against tiles of
     * 64 or 32 pairs): its last logits against the CPU's, and a decode step after it.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("longPrompts")
    void longPromptsGroupedByExpertMatchTheCpu(ReferenceCase c, ExpertKernel kernel) {
        int[] tokens = new int[300];
        for (int i = 0; i < tokens.length; i++) tokens[i] = c.tokens()[i % c.tokens().length];
        System.setProperty("tandem.moe.kernel", kernel.label());
        EngineOptions gpu = EngineOptions.defaults().withBackend(Backend.VULKAN).withContextLength(512);
        try (LoadedModel vulkan = Engine.load(c.model(), gpu, LoadProgress.NONE, () -> false);
             LoadedModel cpu = Engine.load(c.model(), EngineOptions.cpu().withContextLength(512), LoadProgress.NONE, () -> false);
             Session v = vulkan.newSession(); Session r = cpu.newSession()) {
            float[] expected = r.evaluate(tokens);
            double min = kernel.onHalves() ? 0.999 : 0.9999;   // float16 operands on the matrix units
            double cosine = ReferenceCase.cosine(v.evaluate(tokens), expected);
            assertTrue(cosine >= min, c.name() + " " + kernel.label() + ": cosine " + cosine + " to the CPU");
            int next = argmax(expected);
            cosine = ReferenceCase.cosine(v.evaluate(new int[] {next}), r.evaluate(new int[] {next}));
            assertTrue(cosine >= min, c.name() + " " + kernel.label() + " decode after it: cosine " + cosine + " to the CPU");
        } finally {
            System.clearProperty("tandem.moe.kernel");
        }
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
