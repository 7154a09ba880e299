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
import tandem.engine.tools.synth.SynthQuant;
import tandem.engine.model.Architecture;
import tandem.engine.api.SplitMode;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * IQ4_NL, IQ4_XS and a Q4_K_M mix under tensor and layer split over 2 and 3 logical devices, even
 * and uneven, against the same model on one device (itself checked against the CPU engine): the
 * logits of a prompt long enough for the batched kernels, then of greedy decode steps.
 *
 * <p>llama.cpp's reference files of these types (SplitLogitsTest) are too small for 3 devices: 2
 * layers, 2 KV heads, and 256-wide rows that IQ4_XS and the k-quants keep in one block. These
 * {@code tandem synth} files have 3 layers and 768-wide rows (3 blocks of 256, 6 KV-head groups);
 * the Q4_K_M mix makes the last layer's attn_v and ffn_down Q6_K, so one model holds three types.
 *
 * <p>Runs without the validation layer (see {@link WithoutValidationLayer}).
 */
@ExtendWith(WithoutValidationLayer.class)
class QuantSplitLogitsTest {
    private static final int CTX = 64;
    private static final int DECODE_STEPS = 4;
    /** Three layers of 768-wide rows: whole K-quant blocks for every device of a 2- or 3-way split. */
    static final SynthPreset SHAPE = new SynthPreset("split-test", "Split test", 3, 768, 12, 6, 768, 0, 2048,
            10_000f, 1e-5f);

    @TempDir
    static Path dir;
    private static final SynthSplitModels models = new SynthSplitModels(QuantSplitLogitsTest::write, DECODE_STEPS, CTX);

    static Stream<Arguments> splits() {
        SplitMode t = SplitMode.TENSOR, l = SplitMode.LAYER;
        List<Arguments> cases = new ArrayList<>();
        for (String type : List.of("iq4_nl", "iq4_xs", "q4_k_m")) {
            cases.add(Arguments.of(type, t, List.of(0, 0), List.of(3.0, 1.0)));
            cases.add(Arguments.of(type, t, List.of(0, 0, 0), List.of()));
            cases.add(Arguments.of(type, l, List.of(0, 0), List.of(1.0, 2.0)));
            cases.add(Arguments.of(type, l, List.of(0, 0, 0), List.of()));
        }
        // 32-wide blocks cut finer than the 256-wide ones: an uneven 3-way tensor split
        cases.add(Arguments.of("iq4_nl", t, List.of(0, 0, 0), List.of(1.0, 2.0, 1.0)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} split on devices {2} shares {3}")
    @MethodSource("splits")
    void splitLogitsMatchOneDevice(String type, SplitMode mode, List<Integer> devices, List<Double> split) {
        models.assertSplitMatchesOneDevice(type, mode, devices, split);
    }

    private static Path write(String type) {
        Path model = dir.resolve(type + ".gguf");
        try (GgufFile vocab = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            LlamaSynth.plan(Architecture.LLAMA, SHAPE, SynthQuant.parse(type), vocab.metadata(), 5).write(model);
        }
        return model;
    }
}
