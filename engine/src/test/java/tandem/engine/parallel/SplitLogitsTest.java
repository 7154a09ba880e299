package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import tandem.engine.gguf.SharedData;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.api.SplitMode;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * Tensor and layer split over 2, 3 and 4 logical devices on Vulkan device 0 (lavapipe in CI)
 * against the same model on one device: the logits of a prompt and of greedy decode steps after it.
 *
 * <p>Runs without the validation layer: the installed one (1.3.239) mis-tracks timeline
 * semaphores the host relay signals while other devices wait on them (see VulkanAllReduceTest).
 */
@ExtendWith(WithoutValidationLayer.class)
class SplitLogitsTest {
    private static final int CTX = 64;
    private static final int DECODE_STEPS = 4;

    private static Path stories() { return SharedData.data("models/stories260K.gguf"); }

    private static Path reference(String type) { return SharedData.data("models/reference/llama-" + type + ".gguf"); }

    static Stream<Arguments> splits() {
        SplitMode t = SplitMode.TENSOR, l = SplitMode.LAYER;
        return Stream.of(
                Arguments.of("stories260K", stories(), t, List.of(0, 0), List.of()),
                Arguments.of("stories260K", stories(), t, List.of(0, 0), List.of(3.0, 1.0)),
                Arguments.of("stories260K", stories(), t, List.of(0, 0, 0), List.of(1.0, 2.0, 1.0)),
                Arguments.of("stories260K", stories(), t, List.of(0, 0, 0, 0), List.of()),
                Arguments.of("reference q8_0", reference("q8_0"), t, List.of(0, 0), List.of()),
                Arguments.of("reference q4_0", reference("q4_0"), t, List.of(0, 0), List.of(1.0, 3.0)),
                Arguments.of("reference f16", reference("f16"), t, List.of(0, 0), List.of(2.0, 1.0)),
                Arguments.of("stories260K", stories(), l, List.of(0, 0), List.of()),
                Arguments.of("stories260K", stories(), l, List.of(0, 0, 0), List.of(1.0, 2.0, 1.0)),
                Arguments.of("stories260K", stories(), l, List.of(0, 0, 0, 0), List.of()),
                Arguments.of("reference q4_k", reference("q4_k"), l, List.of(0, 0), List.of()),
                Arguments.of("reference q6_k", reference("q6_k"), l, List.of(0, 0), List.of(1.0, 3.0)),
                // IQ4_NL blocks are 32 wide: a tensor split like Q4_0's; IQ4_XS and the K-quants have
                // 256-wide blocks, which leave this model's attn_output one block per row: the devices
                // hold their columns of it as F16 (QuantSplitLogitsTest splits wider models of these
                // types over 3 devices in whole blocks)
                Arguments.of("reference q4_k", reference("q4_k"), t, List.of(0, 0), List.of()),
                Arguments.of("reference q6_k", reference("q6_k"), t, List.of(0, 0, 0), List.of()),
                Arguments.of("reference iq4_xs", reference("iq4_xs"), t, List.of(0, 0), List.of(1.0, 3.0)),
                Arguments.of("reference q4_k_m", reference("q4_k_m"), t, List.of(0, 0, 0), List.of(1.0, 2.0, 1.0)),
                Arguments.of("reference q5_k_m", reference("q5_k_m"), t, List.of(0, 0), List.of(2.0, 1.0)),
                Arguments.of("reference iq4_nl", reference("iq4_nl"), t, List.of(0, 0), List.of()),
                Arguments.of("reference iq4_nl", reference("iq4_nl"), t, List.of(0, 0), List.of(2.0, 3.0)),
                Arguments.of("reference iq4_nl", reference("iq4_nl"), l, List.of(0, 0), List.of(1.0, 2.0)),
                Arguments.of("reference iq4_xs", reference("iq4_xs"), l, List.of(0, 0), List.of()),
                Arguments.of("reference q4_k_m", reference("q4_k_m"), l, List.of(0, 0), List.of(1.0, 3.0)),
                Arguments.of("reference q5_k_m", reference("q5_k_m"), l, List.of(0, 0), List.of()));
    }

    private static EngineOptions options(List<Integer> devices, List<Double> split, SplitMode mode) {
        return GreedyLogits.vulkan(devices, split, mode, CTX);
    }

    @ParameterizedTest(name = "{0} {2} split on devices {3} shares {4}")
    @MethodSource("splits")
    void splitLogitsMatchOneDevice(String name, Path model, SplitMode mode, List<Integer> devices, List<Double> split) {
        GreedyLogits one = GreedyLogits.oneDevice(model, "Once upon a time", DECODE_STEPS, CTX);
        one.assertMatchedBy(name, one.replay(model, options(devices, split, mode)));
    }

    /**
     * A step's segments submitted a few per vkQueueSubmit (several groups per device, each awaited
     * through its last segment's fence, with waits on peers' groups not yet submitted) or one per
     * call: the default of 16 holds a whole step of these small models in one group.
     */
    @ParameterizedTest(name = "{0} segments per submit")
    @ValueSource(ints = {1, 3})
    void smallerSubmitGroupsGiveTheSameLogits(int group) {
        GreedyLogits one = GreedyLogits.oneDevice(stories(), "Once upon a time", DECODE_STEPS, CTX);
        System.setProperty("tandem.split.submitGroup", Integer.toString(group));
        try {
            one.assertMatchedBy("groups of " + group,
                    one.replay(stories(), options(List.of(0, 0, 0), List.of(1.0, 2.0, 1.0), SplitMode.TENSOR)));
        } finally {
            System.clearProperty("tandem.split.submitGroup");
        }
    }

    @Test
    void storiesGreedyContinuationOverThreeUnevenDevicesIsLlamaCpps() throws java.io.IOException {
        com.fasterxml.jackson.databind.JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(SharedData.data("models/stories260K.expected.json").toFile()).get("cases").get(0);
        try (LoadedModel m = Engine.load(stories(), options(List.of(0, 0, 0), List.of(1.0, 1.0, 2.0), SplitMode.TENSOR),
                LoadProgress.NONE, () -> false); Session s = m.newSession()) {
            String text = s.generate(first.get("prompt").asText(), SamplingParams.greedy(60), event -> { }).text();
            assertEquals(first.get("continuation").asText(), text);
        }
    }
}
