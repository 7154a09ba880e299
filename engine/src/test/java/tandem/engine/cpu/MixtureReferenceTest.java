package tandem.engine.cpu;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;

/**
 * The mixtures of experts qwen3moe and gpt-oss on the CPU against llama.cpp (shared/data/models/arch,
 * every type and prompt): llama.cpp's prompt tokens exactly, and the last logits at cosine 0.9999
 * (f32/f16) or 0.999 (quantized). The files route tokens to every expert and exercise q/k norms,
 * attention sinks, the sliding window, YaRN and the clamped SwiGLU (PROVENANCE.md there).
 */
class MixtureReferenceTest {
    static List<ReferenceCase> cases() {
        return Stream.concat(ReferenceCase.arch("qwen3moe-").stream(), ReferenceCase.arch("gpt-oss-").stream())
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tokensAndLastLogitsMatchLlamaCpp(ReferenceCase c) {
        try (LoadedModel model = Engine.load(c.model(), EngineOptions.cpu().withContextLength(128), LoadProgress.NONE, () -> false)) {
            c.assertMatches(model, "cpu", c.archMinCosine());
        }
    }
}
