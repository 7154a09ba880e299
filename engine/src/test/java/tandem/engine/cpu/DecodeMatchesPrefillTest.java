package tandem.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.ModelTensors;
import tandem.engine.api.LoadProgress;
import tandem.engine.runtime.ModelRunner;

/**
 * One token at a time through the KV cache gives the same logits as a batched prefill of the same
 * tokens, at every position (the sequence crosses a prefill batch boundary).
 */
class DecodeMatchesPrefillTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"models/stories260K.gguf", "models/reference/llama-q4_k.gguf", "models/reference/llama-q8_0.gguf"})
    void decodeEqualsPrefillAtEveryPosition(String model) {
        try (GgufFile file = GgufFile.open(SharedData.data(model))) {
            ModelConfig config = ModelConfigReader.read(file);
            CpuRunner runner = CpuRunner.load(file, config, ModelTensors.bind(file, config), LoadProgress.NONE, () -> false);
            int n = CpuRunner.BATCH + 9;
            int[] tokens = new int[n];
            tokens[0] = 1;
            for (int i = 1; i < n; i++) tokens[i] = (i * 37 + 11) % config.vocab();
            int vocab = config.vocab();
            try (ModelRunner.State prefill = runner.newState(n); ModelRunner.State decode = runner.newState(n)) {
                float[] all = prefill.forward(tokens, 0, true);
                for (int p = 0; p < n; p++) {
                    float[] step = decode.forward(new int[] {tokens[p]}, p, false);
                    double maxDiff = 0;
                    double maxAbs = 0;
                    for (int v = 0; v < vocab; v++) {
                        maxDiff = Math.max(maxDiff, Math.abs(step[v] - all[p * vocab + v]));
                        maxAbs = Math.max(maxAbs, Math.abs(all[p * vocab + v]));
                    }
                    assertTrue(maxDiff <= 1e-4 * maxAbs, model + " position " + p + ": max diff " + maxDiff + " of " + maxAbs);
                }
            }
        }
    }
}
