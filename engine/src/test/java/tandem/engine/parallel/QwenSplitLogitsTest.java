package tandem.engine.parallel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.tools.synth.LlamaSynth;
import tandem.engine.tools.synth.SynthPreset;
import tandem.engine.model.Architecture;
import tandem.engine.api.SplitMode;
import tandem.engine.tensor.GgmlType;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * qwen2 (Q/K/V biases, cut with their heads) and qwen3 (per-head q/k norms, whole on every device)
 * under tensor and layer split over 2, 3 and 4 logical devices on Vulkan device 0, against the same
 * model on one device: the logits of a prompt long enough for the batched kernels, then of greedy
 * decode steps, each fed the token the one device chose (equal argmax at every step = the same
 * greedy continuation).
 *
 * <p>The models are {@code tandem synth} files with the stories260K tokenizer: 4 layers (a layer
 * split over 3 devices), 8 query and 4 KV heads (a tensor split over 4), random biases and norm
 * scales large enough that a bias or norm on the wrong heads changes the logits plainly; the qwen3
 * one has heads wider than dim / heads.
 *
 * <p>Runs without the validation layer (see {@link WithoutValidationLayer}).
 */
@ExtendWith(WithoutValidationLayer.class)
class QwenSplitLogitsTest {
    private static final int CTX = 64;
    private static final int DECODE_STEPS = 8;
    private static final SynthPreset QWEN2 = new SynthPreset("split-test", "Split test", 4, 256, 8, 4, 512, 0, 2048,
            1_000_000f, 1e-6f);
    /** Heads twice as wide as dim / heads, as Qwen3's 0.6B, 1.7B, 4B and 32B have (attn_q 256 -> 512). */
    private static final SynthPreset QWEN3 = new SynthPreset("split-test", "Split test", 4, 256, 8, 4, 512, 0, 2048,
            1_000_000f, 1e-6f, 64);

    @TempDir
    static Path dir;
    private static final SynthSplitModels models = new SynthSplitModels(QwenSplitLogitsTest::write, DECODE_STEPS, CTX);

    static Stream<Arguments> splits() {
        SplitMode t = SplitMode.TENSOR;
        List<Arguments> cases = new ArrayList<>(GreedyLogits.standardSplits(List.of("qwen2", "qwen3")));
        cases.add(Arguments.of("qwen2", t, List.of(0, 0, 0, 0), List.of()));
        cases.add(Arguments.of("qwen3", t, List.of(0, 0, 0, 0), List.of()));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} split on devices {2} shares {3}")
    @MethodSource("splits")
    void splitLogitsMatchOneDevice(String arch, SplitMode mode, List<Integer> devices, List<Double> split) {
        models.assertSplitMatchesOneDevice(arch, mode, devices, split);
    }

    /** The model of an architecture (its one-device run is checked against the CPU engine, wide qwen3 heads included). */
    private static Path write(String arch) {
        Path model = dir.resolve(arch + ".gguf");
        // different types, so both the block-rounded (Q8_0) and the plain-float (F16) cuts run
        GgmlType type = arch.equals("qwen2") ? GgmlType.Q8_0 : GgmlType.F16;
        try (GgufFile vocab = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            SynthPreset shape = arch.equals("qwen2") ? QWEN2 : QWEN3;
            LlamaSynth.plan(Architecture.forName(arch), shape, type, vocab.metadata(), 11).write(model);
        }
        return model;
    }
}
