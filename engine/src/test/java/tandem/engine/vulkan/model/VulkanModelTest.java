package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tandem.engine.cli.TandemCli;
import tandem.engine.cpu.CpuRunner;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.ModelTensors;
import tandem.engine.api.Backend;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.runtime.ModelRunner;
import tandem.engine.api.TandemException;

/** Whole-model behaviour of the Vulkan backend on lavapipe. */
class VulkanModelTest {
    record StoryCase(String prompt, String continuation) {
        @Override
        public String toString() { return prompt; }
    }

    static List<StoryCase> stories() throws IOException {
        JsonNode root = new ObjectMapper().readTree(SharedData.data("models/stories260K.expected.json").toFile());
        List<StoryCase> cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) cases.add(new StoryCase(c.get("prompt").asText(), c.get("continuation").asText()));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stories")
    void greedyStoriesMatchLlamaCppExactly(StoryCase c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TandemCli.run(new String[] {"run", "--model", SharedData.data("models/stories260K.gguf").toString(),
                "--backend", "vulkan", "--temperature", "0", "--tokens", "60", "--prompt", c.prompt()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertEquals(c.continuation() + "\n", out.toString(StandardCharsets.UTF_8));
    }

    /**
     * Decode (the recorded one-token step replayed), prompt batches (last logits only) and
     * all-position batches agree with each other and with the CPU reference at every position.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"models/stories260K.gguf", "models/reference/llama-q4_k.gguf", "models/reference/llama-q6_k.gguf"})
    void prefillDecodeAndCpuAgreeAtEveryPosition(String model) {
        try (GgufFile file = GgufFile.open(SharedData.data(model))) {
            ModelConfig config = ModelConfigReader.read(file);
            ModelTensors tensors = ModelTensors.bind(file, config);
            int n = VulkanRunner.MAX_LOGIT_ROWS + 9;
            int[] tokens = new int[n];
            tokens[0] = 1;
            for (int i = 1; i < n; i++) tokens[i] = (i * 37 + 11) % config.vocab();
            int vocab = config.vocab();
            float[] cpu;
            CpuRunner cpuRunner = CpuRunner.load(file, config, tensors, LoadProgress.NONE, () -> false);
            try (ModelRunner.State s = cpuRunner.newState(n)) {
                cpu = s.forward(tokens, 0, true);
            }
            try (VulkanRunner gpu = VulkanRunner.load(file, config, tensors, 0, n, LoadProgress.NONE, () -> false);
                 ModelRunner.State prefill = gpu.newState(n); ModelRunner.State decode = gpu.newState(n);
                 ModelRunner.State batch = gpu.newState(n)) {
                // Decode (matrix-vector with the norm fused) and prompts (norm kernel, tiled product)
                // sum in different orders: they agree to float rounding, not bit for bit.
                float[] all = prefill.forward(tokens, 0, true);
                float[] last = batch.forward(tokens, 0, false);
                for (int p = 0; p < n; p++) {
                    float[] step = decode.forward(new int[] {tokens[p]}, p, false);
                    assertClose(all, p * vocab, step, 0, vocab, 5e-4, model + " decode vs prefill at " + p);
                    assertClose(cpu, p * vocab, step, 0, vocab, 2e-3, model + " vulkan vs cpu at " + p);
                }
                assertClose(all, (n - 1) * vocab, last, 0, vocab, 5e-4, model + " last-logits batch");
            }
        }
    }

    /** A long cache divides decode attention over several workgroups; the logits stay the same. */
    @org.junit.jupiter.api.Test
    void longContextDecodeWithSplitAttentionMatchesAShortOne() {
        assertTrue(SequenceBuffers.attentionSplits(1100, false) > 1);
        try (GgufFile file = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            ModelConfig config = ModelConfigReader.read(file);
            try (VulkanRunner gpu = VulkanRunner.load(file, config, ModelTensors.bind(file, config), 0, 1100,
                    LoadProgress.NONE, () -> false);
                 ModelRunner.State split = gpu.newState(1100); ModelRunner.State whole = gpu.newState(64)) {
                for (int p = 0; p < 20; p++) {
                    int[] token = {p == 0 ? 1 : (p * 37 + 11) % config.vocab()};
                    float[] a = split.forward(token, p, false);
                    float[] b = whole.forward(token, p, false);
                    assertClose(b, 0, a, 0, config.vocab(), 1e-5, "split attention at " + p);
                }
            }
        }
    }

    private static void assertClose(float[] a, int aOff, float[] b, int bOff, int n, double rel, String what) {
        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < n; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[aOff + i] - b[bOff + i]));
            maxAbs = Math.max(maxAbs, Math.abs(a[aOff + i]));
        }
        assertTrue(maxDiff <= rel * maxAbs, what + ": max diff " + maxDiff + " of " + maxAbs);
    }

    @Test
    void modelThatDoesNotFitFailsBeforeLoadingNamingDeviceAndSizes() {
        Path model = SharedData.data("models/stories260K.gguf");
        EngineOptions huge = EngineOptions.defaults().withBackend(Backend.VULKAN).withContextLength(50_000_000);
        var e = assertThrows(TandemException.class, () -> Engine.load(model, huge, LoadProgress.NONE, () -> false));
        String name = Engine.devices().getFirst().name();
        assertTrue(e.getMessage().matches(".*device 0 \\(\\Q" + name + "\\E\\).*needs [0-9.]+ GiB.* [0-9.]+ GiB (are )?free.*"),
                e.getMessage());
    }
}
