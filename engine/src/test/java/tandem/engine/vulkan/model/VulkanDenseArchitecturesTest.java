package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufValue;
import tandem.engine.gguf.GgufWriter;
import tandem.engine.gguf.SharedData;
import tandem.engine.tools.synth.LlamaSynth;
import tandem.engine.tools.synth.SynthPreset;
import tandem.engine.model.Architecture;
import tandem.engine.api.Backend;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.tensor.GgmlType;

/**
 * gemma3 and phi3 on the Vulkan backend (lavapipe in CI) against llama.cpp: every type and prompt
 * (the 5-token one through the small-batch kernels, the 30- and 92-token ones through the prompt
 * kernels, both longer than gemma3's sliding window), at the models' own context as llama-debug
 * ran them; and the long prompt fed one token at a time through the decode kernels, which rope
 * inside attention and read the window from a cache longer than it.
 */
class VulkanDenseArchitecturesTest {
    static Stream<ReferenceCase> cases() {
        return Stream.of("gemma3", "phi3").flatMap(a -> ReferenceCase.arch(a).stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lastLogitsMatchLlamaCpp(ReferenceCase c) {
        EngineOptions options = EngineOptions.defaults().withBackend(Backend.VULKAN);
        try (LoadedModel model = Engine.load(c.model(), options, LoadProgress.NONE, () -> false)) {
            assertEquals(Backend.VULKAN, model.backend());
            c.assertMatches(model, "vulkan", c.archMinCosine());
        }
    }

    /**
     * A sequence longer than gemma3's Vulkan ring (window + 512 rows): prompt steps that wrap it and
     * decode steps after, against the CPU (whose ring of window + 32 rows wraps differently); then a
     * rewind further back than the ring reaches, which must give a fresh session's logits.
     */
    @Test
    void gemma3RingWrapsAndRewindsLikeTheCpu() {
        Path model = SharedData.data("models/arch/gemma3-f16.gguf");
        int[] tokens = new int[700];
        for (int i = 0; i < tokens.length; i++) tokens[i] = i == 0 ? 1 : 3 + (i * 131 + 7) % 500;
        int[] prompt = Arrays.copyOf(tokens, 690);
        float[] cpu;
        try (LoadedModel m = Engine.load(model, EngineOptions.cpu(), LoadProgress.NONE, () -> false); Session s = m.newSession()) {
            s.evaluate(prompt);
            for (int i = prompt.length; i < tokens.length - 1; i++) s.evaluate(new int[] {tokens[i]});
            cpu = s.evaluate(new int[] {tokens[tokens.length - 1]});
        }
        EngineOptions options = EngineOptions.defaults().withBackend(Backend.VULKAN);
        try (LoadedModel m = Engine.load(model, options, LoadProgress.NONE, () -> false);
             Session s = m.newSession(); Session fresh = m.newSession()) {
            s.evaluate(prompt);
            float[] gpu = null;
            for (int i = prompt.length; i < tokens.length; i++) gpu = s.evaluate(new int[] {tokens[i]});
            double cosine = ReferenceCase.cosine(gpu, cpu);
            assertTrue(cosine > 0.9999, "700 positions through the ring: cosine to the CPU " + cosine);
            s.truncate(100);
            float[] rewound = s.evaluate(Arrays.copyOfRange(tokens, 300, 310));
            fresh.evaluate(Arrays.copyOf(tokens, 100));
            float[] expected = fresh.evaluate(Arrays.copyOfRange(tokens, 300, 310));
            assertTrue(ReferenceCase.cosine(rewound, expected) > 0.99999, "rewind past the ring");
        }
    }

    @TempDir
    Path dir;

    /**
     * Gemma 3 1B-12B have heads of 256 (the reference files 128): a synth gemma3 with such heads, a
     * window of 8 and a ring, and final logit soft-capping set, through the prompt and decode kernels
     * against the CPU.
     */
    @Test
    void gemma3WithWideHeadsAndSoftcapMatchesTheCpu() {
        Path file = dir.resolve("gemma3-hd256.gguf");
        SynthPreset shape = new SynthPreset("hd256", "Head 256", 2, 256, 4, 2,
                512, 0, 2048, 1_000_000f, 1e-6f, 256, 256, 8);
        try (GgufFile vocab = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            GgufWriter w = LlamaSynth.plan(Architecture.GEMMA3, shape,
                    GgmlType.F16, vocab.metadata(), 5);
            w.put("gemma3.final_logit_softcapping", GgufValue.float32(3f));
            w.write(file);
        }
        int[] tokens = new int[40];
        for (int i = 0; i < tokens.length; i++) tokens[i] = i == 0 ? 1 : 3 + (i * 37 + 11) % 500;
        float[] cpu;
        try (LoadedModel m = Engine.load(file, EngineOptions.cpu(), LoadProgress.NONE, () -> false); Session s = m.newSession()) {
            cpu = s.evaluate(tokens);
        }
        for (float v : cpu) assertTrue(Math.abs(v) <= 3f, "soft-capped logits stay within the cap: " + v);
        EngineOptions options = EngineOptions.defaults().withBackend(Backend.VULKAN);
        try (LoadedModel m = Engine.load(file, options, LoadProgress.NONE, () -> false);
             Session prompt = m.newSession(); Session decode = m.newSession()) {
            double promptCosine = ReferenceCase.cosine(prompt.evaluate(tokens), cpu);
            float[] last = null;
            for (int t : tokens) last = decode.evaluate(new int[] {t});
            double decodeCosine = ReferenceCase.cosine(last, cpu);
            assertTrue(promptCosine > 0.9999 && decodeCosine > 0.9999, "prompt " + promptCosine + ", decode " + decodeCosine);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gemma3-f16.p2", "phi3-q8_0.p2"})
    void decodeStepsMatchLlamaCpp(String name) {
        String arch = name.substring(0, name.indexOf('-'));
        ReferenceCase c = ReferenceCase.arch(arch).stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
        EngineOptions options = EngineOptions.defaults().withBackend(Backend.VULKAN);
        try (LoadedModel model = Engine.load(c.model(), options, LoadProgress.NONE, () -> false);
             Session session = model.newSession()) {
            float[] last = null;
            for (int token : c.tokens()) last = session.evaluate(new int[] {token});
            double cosine = ReferenceCase.cosine(last, c.lastLogits());
            System.out.printf("%s vulkan decode cosine %.6f%n", name, cosine);
            assertTrue(cosine >= c.archMinCosine(), name + " decoded token by token: cosine " + cosine);
        }
    }
}
