package tandem.engine.cpu;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;

/**
 * The CPU engine against llama.cpp for every quant type and prompt: the prompt's tokens (BOS as the
 * metadata says) are llama.cpp's exactly, and the last position's logits reach a cosine similarity
 * of at least 0.9995 (an exact float64 pass reaches 0.9997; a layout or math error lands far below).
 */
class ReferenceLogitsTest {
    static List<ReferenceCase> cases() {
        return ReferenceCase.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tokensAndLastLogitsMatchLlamaCpp(ReferenceCase c) {
        try (LoadedModel model = Engine.load(c.model(), EngineOptions.cpu().withContextLength(64), LoadProgress.NONE, () -> false)) {
            c.assertMatches(model, "cpu");
        }
    }
}
