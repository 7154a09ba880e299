package tandem.engine.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tandem.engine.cpu.ReferenceCase;
import tandem.engine.Engine;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SplitMode;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * qwen3moe and gpt-oss from shared/data/models/arch under tensor and layer split over 2 logical
 * devices (the files have 2 KV heads and 2 layers) against llama.cpp's logits at the bar of
 * PROVENANCE.md: every expert's gate/up rows and down columns cut, the router whole, gpt-oss's
 * sinks with their heads and its output biases on one device. The longest prompt (92 tokens) takes
 * the prompt kernels, the 5-token one the matrix-vector kernels. qwen3moe-q4_k's attn_output has one
 * Q4_K block per row, spanning both KV groups: each device holds its columns as F16. Three devices:
 * {@link MixtureSynthSplitTest}.
 */
@ExtendWith(WithoutValidationLayer.class)
class MixtureSplitTest {
    private static final int CTX = 128;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String model : List.of("qwen3moe-q8_0", "qwen3moe-f16", "qwen3moe-q4_k", "gpt-oss-f32", "gpt-oss-q8_0", "gpt-oss-mxfp4_moe")) {
            List<ReferenceCase> prompts = ReferenceCase.arch(model + ".").stream().filter(c -> !c.name().endsWith(".p1")).toList();
            out.add(Arguments.of(model, SplitMode.TENSOR, prompts));
            out.add(Arguments.of(model, SplitMode.LAYER, prompts));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void splitLogitsMatchLlamaCpp(String model, SplitMode mode, List<ReferenceCase> prompts) {
        try (LoadedModel m = Engine.load(prompts.getFirst().model(), GreedyLogits.vulkan(List.of(0, 0), List.of(1.0, 1.0), mode, CTX),
                LoadProgress.NONE, () -> false)) {
            for (ReferenceCase c : prompts) c.assertMatches(m, "vulkan " + mode, c.archMinCosine());
        }
    }
}
