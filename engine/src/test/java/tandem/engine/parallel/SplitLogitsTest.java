package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tandem.engine.cpu.ReferenceCase;
import tandem.engine.gguf.SharedData;
import tandem.engine.runtime.Backend;
import tandem.engine.runtime.Engine;
import tandem.engine.runtime.EngineOptions;
import tandem.engine.runtime.LoadProgress;
import tandem.engine.runtime.LoadedModel;
import tandem.engine.runtime.SamplingParams;
import tandem.engine.runtime.Session;
import tandem.engine.runtime.SplitMode;
import tandem.engine.runtime.TandemException;
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
                Arguments.of("reference q6_k", reference("q6_k"), l, List.of(0, 0), List.of(1.0, 3.0)));
    }

    private static EngineOptions options(List<Integer> devices, List<Double> split, SplitMode mode) {
        return new EngineOptions(Backend.VULKAN, devices, split, mode, CTX);
    }

    /** Logits of the prompt, then of each greedy token fed back one at a time (the decode path). */
    private static List<float[]> logits(Path model, EngineOptions options, int[] prompt, int[] continuation) {
        List<float[]> out = new ArrayList<>();
        try (LoadedModel m = Engine.load(model, options, LoadProgress.NONE, () -> false); Session s = m.newSession()) {
            out.add(s.evaluate(prompt));
            for (int t : continuation) out.add(s.evaluate(new int[] {t}));
        }
        return out;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    @ParameterizedTest(name = "{0} {2} split on devices {3} shares {4}")
    @MethodSource("splits")
    void splitLogitsMatchOneDevice(String name, Path model, SplitMode mode, List<Integer> devices, List<Double> split) {
        int[] prompt;
        int[] continuation = new int[DECODE_STEPS];
        List<float[]> single = new ArrayList<>();
        try (LoadedModel m = Engine.load(model, options(List.of(0), List.of(), SplitMode.NONE), LoadProgress.NONE, () -> false);
             Session s = m.newSession()) {
            prompt = m.tokenizer().encode("Once upon a time", true, false);
            single.add(s.evaluate(prompt));
            for (int i = 0; i < DECODE_STEPS; i++) {
                continuation[i] = argmax(single.getLast());
                single.add(s.evaluate(new int[] {continuation[i]}));
            }
        }
        List<float[]> parallel = logits(model, options(devices, split, mode), prompt, continuation);
        for (int step = 0; step < single.size(); step++) {
            double cosine = ReferenceCase.cosine(single.get(step), parallel.get(step));
            assertTrue(cosine >= 0.9999, name + " step " + step + ": cosine " + cosine);
            assertEquals(argmax(single.get(step)), argmax(parallel.get(step)), name + " step " + step + ": argmax");
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

    @Test
    void quantBlocksThatLeaveADeviceNoHeadsAreRefusedWithAClearMessage() {
        // Q4_K blocks hold 256 attn_output columns = both KV-head groups of the reference model
        TandemException e = assertThrows(TandemException.class, () -> Engine.load(reference("q4_k"),
                options(List.of(0, 0), List.of(), SplitMode.TENSOR), LoadProgress.NONE, () -> false).close());
        assertTrue(e.getMessage().contains("tensor split leaves device 1"), e.getMessage());
    }
}
