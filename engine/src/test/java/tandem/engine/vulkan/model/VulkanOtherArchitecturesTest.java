package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tandem.engine.cpu.CpuRunner;
import tandem.engine.cpu.ReferenceCase;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufValue;
import tandem.engine.gguf.SharedData;
import tandem.engine.model.GgufRewrite;
import tandem.engine.model.LayerTensors;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.ModelTensors;
import tandem.engine.model.TensorNames;
import tandem.engine.api.LoadProgress;
import tandem.engine.runtime.ModelRunner;

/**
 * qwen2 (Q/K/V biases, NeoX RoPE) and qwen3 (per-head q/k RMS norms) on the Vulkan backend against
 * the CPU reference: the F32 reference model renamed to each architecture, with random non-zero
 * biases and norm scales so that the extra kernels are exercised.
 */
class VulkanOtherArchitecturesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qwen2", "qwen3"})
    void lastLogitsMatchTheCpuReference(String arch) {
        Path model = rewriteAs(arch);
        // Long enough for the prompt kernels (multi-token) as well as the decode ones.
        int[] tokens = new int[12];
        for (int i = 0; i < tokens.length; i++) tokens[i] = i == 0 ? 1 : (i * 37 + 11) % 256;
        try (GgufFile file = GgufFile.open(model)) {
            ModelConfig config = ModelConfigReader.read(file);
            ModelTensors tensors = ModelTensors.bind(file, config);
            float[] cpu;
            try (ModelRunner.State s = CpuRunner.load(file, config, tensors, LoadProgress.NONE, () -> false).newState(tokens.length)) {
                cpu = s.forward(tokens, 0, false);
            }
            try (VulkanRunner gpu = VulkanRunner.load(file, config, tensors, 0, tokens.length, LoadProgress.NONE, () -> false);
                 ModelRunner.State prompt = gpu.newState(tokens.length); ModelRunner.State decode = gpu.newState(tokens.length)) {
                double promptCosine = ReferenceCase.cosine(prompt.forward(tokens, 0, false), cpu);
                float[] last = null;
                for (int p = 0; p < tokens.length; p++) last = decode.forward(new int[] {tokens[p]}, p, false);
                double decodeCosine = ReferenceCase.cosine(last, cpu);
                assertTrue(promptCosine > 0.99999 && decodeCosine > 0.99999,
                        arch + ": cosine prompt " + promptCosine + ", decode " + decodeCosine);
            }
        }
    }

    private Path rewriteAs(String arch) {
        Random random = new Random(arch.hashCode());
        try (GgufFile llama = GgufFile.open(SharedData.data("models/reference/llama-f32.gguf"))) {
            ModelConfig c = ModelConfigReader.read(llama);
            GgufRewrite r = new GgufRewrite(llama).renamePrefix("llama.", arch + ".")
                    .put("general.architecture", GgufValue.string(arch));
            for (int l = 0; l < c.layers(); l++) {
                LayerTensors<String> n = TensorNames.layer(l);
                if (arch.equals("qwen2")) {
                    r.add(n.attnQBias(), new long[] {c.qDim()}, values(random, c.qDim(), 0f, 0.5f));
                    r.add(n.attnKBias(), new long[] {c.kvDim()}, values(random, c.kvDim(), 0f, 0.5f));
                    r.add(n.attnVBias(), new long[] {c.kvDim()}, values(random, c.kvDim(), 0f, 0.5f));
                } else {
                    r.add(n.attnQNorm(), new long[] {c.headDim()}, values(random, c.headDim(), 1f, 0.3f));
                    r.add(n.attnKNorm(), new long[] {c.headDim()}, values(random, c.headDim(), 1f, 0.3f));
                }
            }
            return r.write(dir.resolve(arch + ".gguf"));
        }
    }

    private static float[] values(Random random, int n, float mean, float spread) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = mean + spread * (float) random.nextGaussian();
        return v;
    }
}
