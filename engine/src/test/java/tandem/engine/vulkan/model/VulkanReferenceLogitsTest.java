package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.api.Backend;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;

/**
 * The Vulkan backend (lavapipe in CI) against llama.cpp for every quant type and prompt: cosine
 * similarity of the last position's logits at least 0.9995.
 */
class VulkanReferenceLogitsTest {
    static List<ReferenceCase> cases() {
        return ReferenceCase.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lastLogitsMatchLlamaCpp(ReferenceCase c) {
        EngineOptions options = EngineOptions.defaults().withBackend(Backend.VULKAN).withContextLength(64);
        try (LoadedModel model = Engine.load(c.model(), options, LoadProgress.NONE, () -> false)) {
            assertEquals(Backend.VULKAN, model.backend());
            c.assertMatches(model, "vulkan");
        }
    }
}
