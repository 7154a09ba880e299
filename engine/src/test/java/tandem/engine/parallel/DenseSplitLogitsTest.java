package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tandem.engine.cpu.ReferenceCase;
import tandem.engine.gguf.GgufFile;
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
import tandem.engine.api.SplitMode;
import tandem.engine.tensor.GgmlType;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * gemma3 and phi3 under tensor and layer split on logical devices of Vulkan device 0.
 *
 * <p>Against llama.cpp: the reference files' long prompt (beyond gemma3's window) split as far as
 * their 2 layers allow: phi3 tensor split over 2 devices, even and 2:1 (fused QKV cut by heads, fused
 * gate+up by FFN columns); gemma3's single KV head copied onto both devices, even and 3:1; both layer split over 2.
 *
 * <p>Against one device: {@code tandem synth} files with more layers and heads, over 2 and 3
 * devices, even and uneven, for a prompt and greedy decode steps (GreedyLogits). The gemma3 one has
 * a sliding window of 8 (prompt and decode run past it) and 6 layers (five local, one global); the
 * phi3 one 48 of 64 head elements rotated and LongRoPE, run at a context beyond its original one
 * so the long factors and attn_factor apply.
 *
 * <p>Runs without the validation layer (see {@link WithoutValidationLayer}).
 */
@ExtendWith(WithoutValidationLayer.class)
class DenseSplitLogitsTest {
    private static final int DECODE_STEPS = 6;
    private static final String PROMPT = "Once upon a time there was a little girl who loved to play in the park with her dog";
    /** 6 layers: the layer pattern's five sliding-window layers and one global; a window of 8 positions. */
    private static final SynthPreset GEMMA3 = new SynthPreset("split-test", "Split test", 6, 256, 8, 4, 512, 0, 2048,
            1_000_000f, 1e-6f, 64, 64, 8);
    /** Partial rotary (48 of 64) and a trained context beyond 4096, so the file carries LongRoPE factors. */
    private static final SynthPreset PHI3 = new SynthPreset("split-test", "Split test", 4, 256, 8, 4, 512, 0, 8192,
            10000f, 1e-5f, 64, 48, 0);

    @TempDir
    static Path dir;
    private static final Map<String, Reference> references = new HashMap<>();

    private record Reference(Path model, int ctx, GreedyLogits oneDevice) {}

    static Stream<Arguments> referenceSplits() {
        SplitMode t = SplitMode.TENSOR, l = SplitMode.LAYER;
        return Stream.of(
                Arguments.of("phi3-q8_0.p2", t, List.of()),
                Arguments.of("phi3-f16.p2", t, List.of(2.0, 1.0)),
                Arguments.of("phi3-f16.p2", l, List.of()),
                Arguments.of("gemma3-f16.p2", l, List.of()),
                // one KV head: each device keeps a copy of it and takes its share of the query heads
                Arguments.of("gemma3-f32.p2", t, List.of()),
                Arguments.of("gemma3-q8_0.p2", t, List.of(3.0, 1.0)),
                Arguments.of("gemma3-q4_k.p2", l, List.of(1.0, 3.0)),
                // Q4_K blocks as wide as attn_output's and ffn_down's rows: the devices hold their
                // columns of those as F16
                Arguments.of("gemma3-q4_k.p2", t, List.of()),
                Arguments.of("phi3-q4_k.p2", t, List.of(1.0, 2.0)),
                Arguments.of("phi3-q4_k.p2", t, List.of(1.0, 1.0, 1.0)));
    }

    @ParameterizedTest(name = "{0} {1} split shares {2}")
    @MethodSource("referenceSplits")
    void referenceFilesSplitMatchLlamaCpp(String name, SplitMode mode, List<Double> split) {
        ReferenceCase c = referenceCase(name);
        List<Integer> devices = java.util.Collections.nCopies(Math.max(2, split.size()), 0);
        EngineOptions options = new EngineOptions(Backend.VULKAN, devices, split, mode, 0);
        try (LoadedModel m = Engine.load(c.model(), options, LoadProgress.NONE, () -> false); Session s = m.newSession()) {
            double cosine = ReferenceCase.cosine(s.evaluate(c.tokens()), c.lastLogits());
            System.out.printf("%s %s split %s cosine %.6f%n", name, mode, split, cosine);
            assertTrue(cosine >= c.archMinCosine(), name + " " + mode + " " + split + ": cosine " + cosine);
        }
    }

    static Stream<Arguments> synthSplits() {
        return GreedyLogits.standardSplits(List.of("gemma3", "phi3")).stream();
    }

    @ParameterizedTest(name = "{0} {1} split on devices {2} shares {3}")
    @MethodSource("synthSplits")
    void synthSplitsMatchOneDevice(String arch, SplitMode mode, List<Integer> devices, List<Double> split) {
        Reference r = references.computeIfAbsent(arch, DenseSplitLogitsTest::reference);
        r.oneDevice().assertMatchedBy(arch + " " + mode + " " + devices + " " + split,
                r.oneDevice().replay(r.model(), GreedyLogits.vulkan(devices, split, mode, r.ctx())));
    }

    /** Writes the model and runs it on one device, checking that device against the CPU engine. */
    private static Reference reference(String arch) {
        Path model = dir.resolve(arch + ".gguf");
        boolean gemma = arch.equals("gemma3");
        // gemma3: a context whose decode attention is divided in cache ranges, each clipped to the window
        int ctx = gemma ? 2048 : 8192;
        try (GgufFile vocab = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            LlamaSynth.plan(Architecture.forName(arch), gemma ? GEMMA3 : PHI3, gemma ? GgmlType.F16 : GgmlType.Q8_0,
                    vocab.metadata(), 13).write(model);
        }
        GreedyLogits one = GreedyLogits.oneDevice(model, PROMPT, DECODE_STEPS, ctx);
        assertTrue(one.prompt().length > GEMMA3.slidingWindow() + 8, "the prompt must run past the window");
        try (LoadedModel m = Engine.load(model, new EngineOptions(Backend.CPU, List.of(), List.of(), SplitMode.NONE, ctx),
                LoadProgress.NONE, () -> false); Session s = m.newSession()) {
            double cosine = ReferenceCase.cosine(s.evaluate(one.prompt()), one.logits().getFirst());
            assertTrue(cosine >= GreedyLogits.MIN_COSINE, arch + " one Vulkan device against the CPU: cosine " + cosine);
            for (int i = 0; i < DECODE_STEPS; i++) {
                cosine = ReferenceCase.cosine(s.evaluate(new int[] {one.continuation()[i]}), one.logits().get(i + 1));
                assertTrue(cosine >= GreedyLogits.MIN_COSINE, arch + " decode step " + i + " against the CPU: cosine " + cosine);
            }
        }
        return new Reference(model, ctx, one);
    }

    private static ReferenceCase referenceCase(String name) {
        String arch = name.substring(0, name.indexOf('-'));
        return ReferenceCase.arch(arch).stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
