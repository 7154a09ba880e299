package tandem.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.Engine;
import tandem.engine.api.CacheType;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;

/**
 * The CPU's KV cache types against llama.cpp's logits, which it made with its default F16 cache.
 * On the F32 model file, where llama.cpp rounds nothing else (on the other files its 8-bit or
 * float16 activations outweigh the cache), an F16 cache brings every prompt at least as close as
 * a float32 cache (measured: 1 - cosine 8.1e-8, 3.5e-8, 6.1e-8 against 8.3e-8, 5.7e-8, 6.4e-8). A
 * Q8_0 cache loses little: cosine >= 0.999 on every file and prompt.
 */
class CacheTypeReferenceTest {
    private static final double Q8_0_MIN_COSINE = 0.999;

    @Test
    void f16CacheIsAtLeastAsCloseToLlamaCppAsF32OnTheF32Model() {
        for (ReferenceCase c : ReferenceCase.all().stream().filter(c -> c.name().startsWith("llama-f32.")).toList()) {
            double f16 = ReferenceCase.cosine(lastLogits(c, CacheType.F16), c.lastLogits());
            double f32 = ReferenceCase.cosine(lastLogits(c, CacheType.F32), c.lastLogits());
            System.out.printf("%s 1 - cosine: f16 cache %.3g, f32 cache %.3g%n", c, 1 - f16, 1 - f32);
            assertTrue(f16 >= f32, c + ": f16 cache cosine " + f16 + " < f32 cache cosine " + f32);
        }
    }

    @Test
    void q8_0CacheStaysWithinCosine0_999OfLlamaCpp() {
        for (ReferenceCase c : ReferenceCase.all()) {
            double cosine = ReferenceCase.cosine(lastLogits(c, CacheType.Q8_0), c.lastLogits());
            assertTrue(cosine >= Q8_0_MIN_COSINE, c + " q8_0 cache: cosine " + cosine + " < " + Q8_0_MIN_COSINE);
        }
    }

    private static float[] lastLogits(ReferenceCase c, CacheType type) {
        EngineOptions options = EngineOptions.cpu().withContextLength(64).withCacheType(type);
        try (LoadedModel model = Engine.load(c.model(), options, LoadProgress.NONE, () -> false);
             Session session = model.newSession()) {
            return session.evaluate(c.tokens());
        }
    }
}
