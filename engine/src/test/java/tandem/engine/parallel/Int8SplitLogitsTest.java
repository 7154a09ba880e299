package tandem.engine.parallel;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tandem.engine.api.SplitMode;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.model.Architecture;
import tandem.engine.tools.synth.LlamaSynth;
import tandem.engine.tools.synth.SynthPreset;
import tandem.engine.tools.synth.SynthQuant;
import tandem.engine.vulkan.WithInt8Decode;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * The int8 decode products (-Dtandem.decode.int8=true) under tensor and layer split match the same
 * on one device: a tensor split's column slices of attn_output and ffn_down start on 256-wide
 * block boundaries, so each device quantizes the same input blocks as one device does, and only
 * the summation order differs. A Q4_K_M mix (Q4_K products on int8, its Q6_K ones on float) and
 * Q8_0, {@code tandem synth} files with 768-wide rows (QuantSplitLogitsTest says why); the prompt's
 * last position and the greedy decode steps take the int8 products.
 *
 * <p>Runs without the validation layer (see {@link WithoutValidationLayer}).
 */
@ExtendWith({WithoutValidationLayer.class, WithInt8Decode.class})
class Int8SplitLogitsTest {
    private static final int CTX = 64;
    private static final int DECODE_STEPS = 4;
    private static final SynthPreset SHAPE = QuantSplitLogitsTest.SHAPE;

    @TempDir
    static Path dir;

    static Stream<Arguments> splits() {
        return Stream.of("q4_k_m", "q8_0").flatMap(type -> Stream.of(
                Arguments.of(type, SplitMode.TENSOR, List.of(0, 0), List.of(3.0, 1.0)),
                Arguments.of(type, SplitMode.LAYER, List.of(0, 0), List.of(1.0, 2.0))));
    }

    @ParameterizedTest(name = "{0} {1} split on devices {2} shares {3}")
    @MethodSource("splits")
    void int8SplitLogitsMatchInt8OnOneDevice(String type, SplitMode mode, List<Integer> devices, List<Double> split) {
        Path model = dir.resolve(type + ".gguf");
        if (!model.toFile().exists()) {
            try (GgufFile vocab = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
                LlamaSynth.plan(Architecture.LLAMA, SHAPE, SynthQuant.parse(type), vocab.metadata(), 5).write(model);
            }
        }
        GreedyLogits one = GreedyLogits.oneDevice(model, SynthSplitModels.PROMPT, DECODE_STEPS, CTX);
        one.assertMatchedBy(type + " int8 " + mode + " " + devices + " " + split,
                one.replay(model, GreedyLogits.vulkan(devices, split, mode, CTX)));
    }
}
