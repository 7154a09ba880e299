package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tandem.engine.api.Backend;
import tandem.engine.api.CacheType;
import tandem.engine.api.SplitMode;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.vulkan.WithoutValidationLayer;
import tandem.engine.vulkan.model.VulkanCacheTypeTest;

/**
 * Tensor and layer splits run the same cache kernels as one device (each device's caches hold its
 * KV heads or its layers): a prompt through the tiled kernels and greedy decode steps match one
 * device for every cache type (the bar of GreedyLogits: summation order differs, nothing else).
 * Without the validation layer, which mis-tracks the host relay's semaphores (WithoutValidationLayer).
 */
@ExtendWith(WithoutValidationLayer.class)
class CacheTypeSplitTest {
    @ParameterizedTest
    @EnumSource(CacheType.class)
    void splitsMatchOneDevice(CacheType type) {
        int[] prompt = promptTokens();
        int[] continuation = {1, 2, 3};   // fixed tokens: the same inputs for every run
        List<float[]> one = VulkanCacheTypeTest.run(VulkanCacheTypeTest.MODEL, VulkanCacheTypeTest.options(Backend.VULKAN, List.of(0), SplitMode.NONE, type),
                prompt, continuation);
        for (SplitMode mode : List.of(SplitMode.TENSOR, SplitMode.LAYER)) {
            List<float[]> split = VulkanCacheTypeTest.run(VulkanCacheTypeTest.MODEL, VulkanCacheTypeTest.options(Backend.VULKAN, List.of(0, 0), mode, type),
                    prompt, continuation);
            for (int i = 0; i < one.size(); i++) {
                double cosine = ReferenceCase.cosine(split.get(i), one.get(i));
                assertTrue(cosine >= GreedyLogits.MIN_COSINE, type + " " + mode + " split, step " + i + ": cosine " + cosine);
            }
        }
    }

    private static int[] promptTokens() {
        try (var m = tandem.engine.Engine.load(VulkanCacheTypeTest.MODEL, tandem.engine.api.EngineOptions.cpu(),
                tandem.engine.api.LoadProgress.NONE, () -> false)) {
            return m.tokenizer().encode(VulkanCacheTypeTest.PROMPT, true, false);
        }
    }
}
