package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
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
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.api.SplitMode;
import tandem.engine.tensor.GgmlType;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * Tensor split at ratios the KV heads do not divide, over 2, 3 and 4 logical devices on Vulkan
 * device 0, against the same model on one device (prompt logits, then greedy decode steps): 3:1 on
 * 2 KV heads (each device one KV head, the FFN and vocabulary 3:1), 2 KV heads over 3 and 4
 * devices and 1 KV head over 2, 3 and 4 (KV heads copied onto every device whose query heads read
 * them, the query heads split). qwen2's biases and qwen3's q/k norms ride along with their heads.
 *
 * <p>The models are {@code tandem synth} files with the stories260K tokenizer and 8 query heads;
 * Q8_0 blocks are one 32-wide head of attn_output, so every head boundary is a valid cut. Each case
 * first checks that the plan really copies a KV head where it must, so a planner that quietly
 * refused or reshaped the split could not pass.
 *
 * <p>Runs without the validation layer (see {@link WithoutValidationLayer}).
 */
@ExtendWith(WithoutValidationLayer.class)
class AnyRatioSplitLogitsTest {
    private static final int CTX = 64;
    private static final int DECODE_STEPS = 6;
    private static final String PROMPT = "Once upon a time there was a little girl who loved to play in the park with her dog";

    /** A model: its architecture, KV heads, head width and weight type. */
    private record Model(String arch, int kvHeads, int headDim, GgmlType type) {
        SynthPreset preset() {
            return new SynthPreset("ratio-test", "Ratio test", 2, 256, 8, kvHeads, 512, 0, 2048, 10000f, 1e-5f, headDim);
        }

        String file() { return arch + "-" + kvHeads + "kv-" + type.name().toLowerCase() + ".gguf"; }
    }

    private static final Model LLAMA_2KV = new Model("llama", 2, 32, GgmlType.Q8_0);
    private static final Model LLAMA_1KV = new Model("llama", 1, 32, GgmlType.F16);
    private static final Model QWEN2_1KV = new Model("qwen2", 1, 32, GgmlType.Q8_0);
    /** Heads twice as wide as dim / heads, as Qwen3's are. */
    private static final Model QWEN3_1KV = new Model("qwen3", 1, 64, GgmlType.F16);

    @TempDir
    static Path dir;
    private static final Map<Model, Reference> references = new HashMap<>();

    private record Reference(Path model, GreedyLogits oneDevice) {}

    static Stream<Arguments> splits() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of(LLAMA_2KV, 2, List.of(3.0, 1.0), false));
        cases.add(Arguments.of(LLAMA_2KV, 3, List.of(), true));
        cases.add(Arguments.of(LLAMA_2KV, 4, List.of(), true));
        cases.add(Arguments.of(LLAMA_1KV, 2, List.of(), true));
        cases.add(Arguments.of(LLAMA_1KV, 2, List.of(3.0, 1.0), true));
        cases.add(Arguments.of(LLAMA_1KV, 3, List.of(), true));
        cases.add(Arguments.of(LLAMA_1KV, 4, List.of(1.0, 2.0, 1.0, 1.0), true));
        cases.add(Arguments.of(QWEN2_1KV, 2, List.of(1.0, 3.0), true));
        cases.add(Arguments.of(QWEN2_1KV, 3, List.of(1.0, 2.0, 1.0), true));
        cases.add(Arguments.of(QWEN3_1KV, 2, List.of(), true));
        cases.add(Arguments.of(QWEN3_1KV, 3, List.of(2.0, 1.0, 1.0), true));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} over {1} devices shares {2}")
    @MethodSource("splits")
    void splitLogitsMatchOneDevice(Model model, int devices, List<Double> split, boolean copiesKvHeads) {
        Reference r = references.computeIfAbsent(model, AnyRatioSplitLogitsTest::reference);
        EngineOptions options = GreedyLogits.vulkan(java.util.Collections.nCopies(devices, 0), split, SplitMode.TENSOR, CTX);
        LoadPlan plan = Engine.plan(r.model(), options);
        assertEquals(copiesKvHeads, plan.notes().stream().anyMatch(n -> n.contains("each keep a copy")), plan.notes().toString());
        r.oneDevice().assertMatchedBy(model + " " + devices + " " + split, r.oneDevice().replay(r.model(), options));
    }

    /** Writes the model and runs it on one device, checking that device against the CPU engine. */
    private static Reference reference(Model m) {
        Path model = dir.resolve(m.file());
        try (GgufFile vocab = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            LlamaSynth.plan(Architecture.forName(m.arch()), m.preset(), m.type(), vocab.metadata(), 7).write(model);
        }
        GreedyLogits one = GreedyLogits.oneDevice(model, PROMPT, DECODE_STEPS, CTX);
        try (LoadedModel loaded = Engine.load(model, new EngineOptions(Backend.CPU, List.of(), List.of(), SplitMode.NONE, CTX),
                LoadProgress.NONE, () -> false); Session s = loaded.newSession()) {
            double cosine = ReferenceCase.cosine(s.evaluate(one.prompt()), one.logits().getFirst());
            assertTrue(cosine >= GreedyLogits.MIN_COSINE, m + " one Vulkan device against the CPU: cosine " + cosine);
        }
        return new Reference(model, one);
    }
}
