package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.CacheType;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.api.SplitMode;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.gguf.SharedData;
import tandem.engine.gguf.GgufFile;
import tandem.engine.model.Architecture;
import tandem.engine.tensor.GgmlType;
import tandem.engine.tools.synth.LlamaSynth;
import tandem.engine.tools.synth.SynthPreset;
import tandem.engine.vulkan.GpuOps;

/**
 * Each KV cache type on Vulkan (lavapipe in CI) against the CPU engine with the same cache type, an
 * independent implementation of the same rounding (CacheRounding): a prompt long enough for the
 * tiled prompt kernels (rope_store + attention_prompt), then greedy decode steps (attention with
 * the fused RoPE and append), at a context of 1024 whose decode attention is split in two ranges
 * (attention_combine); measured: cosine >= 0.99999995 at every step for every type. The Q8_0 cache
 * stays within llama.cpp's reach (cosine >= 0.999 to its F16-cache logits). Splits: CacheTypeSplitTest.
 */
public class VulkanCacheTypeTest {
    public static final Path MODEL = SharedData.data("models/reference/llama-f32.gguf");
    public static final String PROMPT = "Once upon a time there was a little girl who loved to play in the park";
    private static final int CTX = 1024;
    private static final int STEPS = 4;
    /** Vulkan against the CPU, per step (a Q8_0 quant that rounds apart moves more: see below). */
    private static double minCosine(CacheType t) {
        return t == CacheType.Q8_0 ? 0.99999 : 0.999999;
    }

    /**
     * And the largest logit difference, relative to the largest logit. The keys and values reach the
     * cache computed in another summation order on each side, so where one lies at a rounding
     * boundary of the cache type the two round it apart: float16 by one unit in 2048 (F16 measured
     * up to 3.2e-5), a Q8_0 quant by one step of its block's amax / 127 (measured up to 3.5e-4 with
     * heads of 96, elsewhere 1.2e-6 as F32). KvCacheLayoutTest checks the Q8_0 kernels on identical
     * inputs: GGML's bytes exactly, attention within 1e-5.
     */
    private static double maxRelativeDifference(CacheType t) {
        return switch (t) {
            case F32 -> 1e-5;
            case F16 -> 1e-4;
            case Q8_0 -> 1e-3;
        };
    }

    @TempDir
    static Path dir;

    /**
     * The reference Llama at every type; Gemma 3 (sliding-window layers: their caches are rings of
     * the window and a step, which the prompt outgrows) and gpt-oss (sinks, windows, the per-token
     * kernel for prompts too) at F32 and Q8_0; and at Q8_0 a synthetic Llama with heads of 96 (three
     * blocks: neighbouring KV heads, written by different workgroups, share a 32-bit word of the
     * cache, as do consecutive rows of 3 KV heads).
     */
    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of("llama-f32", CacheType.F16), Arguments.of("llama-f32", CacheType.F32),
                Arguments.of("llama-f32", CacheType.Q8_0), Arguments.of("gemma3-f32", CacheType.F32),
                Arguments.of("gemma3-f32", CacheType.Q8_0), Arguments.of("gpt-oss-f32", CacheType.F32),
                Arguments.of("gpt-oss-f32", CacheType.Q8_0), Arguments.of("heads-of-96", CacheType.Q8_0), Arguments.of("heads-of-96", CacheType.F32), Arguments.of("heads-of-96", CacheType.F16));
    }

    private static Path model(String name) {
        return switch (name) {
            case "llama-f32" -> MODEL;
            case "heads-of-96" -> {
                Path file = dir.resolve(name + ".gguf");
                if (!java.nio.file.Files.exists(file)) {
                    SynthPreset preset = new SynthPreset(name, name, 2, 576, 6, 3, 768, 0, 2048, 10000f, 1e-5f, 96);
                    try (GgufFile vocab = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
                        LlamaSynth.plan(Architecture.forName("llama"), preset, GgmlType.F16, vocab.metadata(), 7).write(file);
                    }
                }
                yield file;
            }
            default -> SharedData.data("models/arch/" + name + ".gguf");
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void vulkanMatchesTheCpuWithTheSameCacheType(String name, CacheType type) {
        Path model = model(name);
        List<float[]> cpu = new ArrayList<>();
        int[] prompt;
        int[] continuation = new int[STEPS];
        try (LoadedModel m = Engine.load(model, options(Backend.CPU, List.of(), SplitMode.NONE, type), LoadProgress.NONE, () -> false);
             Session s = m.newSession()) {
            prompt = m.tokenizer().encode(PROMPT, true, false);
            assertTrue(prompt.length >= GpuOps.MATMUL_MIN_TOKENS, "the prompt must take the tiled kernels: " + prompt.length);
            cpu.add(s.evaluate(prompt));
            for (int i = 0; i < STEPS; i++) {
                continuation[i] = argmax(cpu.getLast());
                cpu.add(s.evaluate(new int[] {continuation[i]}));
            }
        }
        List<float[]> gpu = run(model, options(Backend.VULKAN, List.of(0), SplitMode.NONE, type), prompt, continuation);
        for (int i = 0; i < cpu.size(); i++) {
            double cosine = ReferenceCase.cosine(gpu.get(i), cpu.get(i));
            double diff = maxAbsDiff(gpu.get(i), cpu.get(i)), scale = maxAbs(cpu.get(i));
            System.out.printf("%s %s cache step %d: vulkan against cpu cosine %.9f, max |difference| %.3g of max |logit| %.3g%n",
                    model.getFileName(), type, i, cosine, diff, scale);
            assertTrue(cosine >= minCosine(type), type + " step " + i + ": cosine " + cosine + " < " + minCosine(type));
            assertTrue(diff <= maxRelativeDifference(type) * scale, type + " step " + i + ": max |difference| " + diff);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CacheType.class, names = "Q8_0")
    void q8_0CacheStaysWithinCosine0_999OfLlamaCpp(CacheType type) {
        for (ReferenceCase c : ReferenceCase.all().stream().filter(c -> c.name().startsWith("llama-f32.")).toList()) {
            float[] logits = run(MODEL, options(Backend.VULKAN, List.of(0), SplitMode.NONE, type), c.tokens(), new int[0]).getFirst();
            double cosine = ReferenceCase.cosine(logits, c.lastLogits());
            assertTrue(cosine >= 0.999, c + " vulkan q8_0 cache: cosine " + cosine);
        }
    }

    public static EngineOptions options(Backend backend, List<Integer> devices, SplitMode mode, CacheType type) {
        return new EngineOptions(backend, devices, List.of(), mode, CTX, type);
    }

    /** The prompt's last logits, then those of each continuation token fed in turn. */
    public static List<float[]> run(Path model, EngineOptions options, int[] prompt, int[] continuation) {
        List<float[]> logits = new ArrayList<>();
        try (LoadedModel m = Engine.load(model, options, LoadProgress.NONE, () -> false); Session s = m.newSession()) {
            assertArrayEquals(new Backend[] {Backend.VULKAN}, new Backend[] {m.backend()});
            logits.add(s.evaluate(prompt));
            for (int token : continuation) logits.add(s.evaluate(new int[] {token}));
        }
        return logits;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}
