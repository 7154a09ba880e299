package tandem.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
 * qwen2 and qwen3 checked through the llama reference model. llama.cpp's converter permutes
 * Llama's Q/K rows so that NORMAL RoPE applies; undoing the permutation gives the original
 * (Hugging Face) order, in which NEOX RoPE is the same rotation. So the reference model rewritten
 * as qwen2 (original order, zero biases) must reproduce llama.cpp's logits; and qwen3's per-head
 * q/k RMS norm must make the output independent of how large each head's Q and K rows are. A model
 * without output.weight must compute exactly as one whose output.weight is a copy of token_embd.
 */
class OtherArchitecturesTest {
    @TempDir
    Path dir;

    private static final Path LLAMA = SharedData.data("models/reference/llama-f32.gguf");

    @Test
    void qwen2RewriteOfTheReferenceReproducesLlamaCppsLogits() {
        Path qwen2 = rewriteAs("qwen2", 1f, 1f);
        for (ReferenceCase c : ReferenceCase.all().stream().filter(c -> c.name().startsWith("llama-f32.")).toList()) {
            double cosine = ReferenceCase.cosine(lastLogits(qwen2, c.tokens()), c.lastLogits());
            assertTrue(cosine >= 0.9995, c.name() + " as qwen2: cosine " + cosine);
        }
    }

    @Test
    void qwen3QkNormMakesTheOutputIndependentOfQAndKScale() {
        int[] tokens = ReferenceCase.all().getFirst().tokens();
        float[] plain = lastLogits(rewriteAs("qwen3", 1f, 1f), tokens);
        float[] scaled = lastLogits(rewriteAs("qwen3", 7f, 0.25f), tokens);
        double cosine = ReferenceCase.cosine(plain, scaled);
        assertTrue(cosine > 0.99999, "scaling Q and K changed qwen3's output: cosine " + cosine);
        float[] llama = lastLogits(LLAMA, tokens);
        assertTrue(ReferenceCase.cosine(plain, llama) < 0.999, "the q/k norm had no effect");
    }

    @Test
    void tiedOutputComputesWithTheTokenEmbedding() {
        int[] tokens = ReferenceCase.all().getFirst().tokens();
        Path tied;
        Path copied;
        try (GgufFile llama = GgufFile.open(LLAMA)) {
            tandem.engine.gguf.TensorInfo embedding = llama.requireTensor(TensorNames.TOKEN_EMBEDDING);
            float[] values = new GgufRewrite(llama).values(embedding);
            tied = new GgufRewrite(llama).drop(TensorNames.OUTPUT).write(dir.resolve("tied.gguf"));
            copied = new GgufRewrite(llama).replace(TensorNames.OUTPUT, embedding.dims(), values).write(dir.resolve("copied.gguf"));
        }
        try (GgufFile file = GgufFile.open(tied)) {
            assertTrue(ModelConfigReader.read(file).tiedOutput());
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(lastLogits(copied, tokens), lastLogits(tied, tokens));
    }

    /** The reference model in the architecture's naming and Q/K order; Q and K rows scaled as given. */
    private Path rewriteAs(String arch, float qScale, float kScale) {
        try (GgufFile llama = GgufFile.open(LLAMA)) {
            ModelConfig c = ModelConfigReader.read(llama);
            GgufRewrite r = new GgufRewrite(llama).renamePrefix("llama.", arch + ".")
                    .put("general.architecture", GgufValue.string(arch));
            for (int l = 0; l < c.layers(); l++) {
                LayerTensors<String> n = TensorNames.layer(l);
                r.transform(n.attnQ(), w -> scale(unpermute(w, c.heads(), c.headDim(), c.dim()), qScale));
                r.transform(n.attnK(), w -> scale(unpermute(w, c.kvHeads(), c.headDim(), c.dim()), kScale));
                if (arch.equals("qwen2")) {
                    r.add(n.attnQBias(), new long[] {c.qDim()}, new float[c.qDim()]);
                    r.add(n.attnKBias(), new long[] {c.kvDim()}, new float[c.kvDim()]);
                    r.add(n.attnVBias(), new long[] {c.kvDim()}, new float[c.kvDim()]);
                } else {
                    r.add(n.attnQNorm(), new long[] {c.headDim()}, ones(c.headDim()));
                    r.add(n.attnKNorm(), new long[] {c.headDim()}, ones(c.headDim()));
                }
            }
            return r.write(dir.resolve(arch + "-" + qScale + ".gguf"));
        }
    }

    /** GGUF row (head, 2i + s) holds original row (head, s * headDim/2 + i). */
    private static float[] unpermute(float[] w, int heads, int headDim, int cols) {
        float[] out = new float[w.length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int s = 0; s < 2; s++) {
                    int from = (h * headDim + 2 * i + s) * cols;
                    int to = (h * headDim + s * half + i) * cols;
                    System.arraycopy(w, from, out, to, cols);
                }
            }
        }
        return out;
    }

    private static float[] scale(float[] w, float factor) {
        for (int i = 0; i < w.length; i++) w[i] *= factor;
        return w;
    }

    private static float[] ones(int n) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, 1f);
        return x;
    }

    private static float[] lastLogits(Path model, int[] tokens) {
        try (GgufFile file = GgufFile.open(model)) {
            ModelConfig config = ModelConfigReader.read(file);
            CpuRunner runner = CpuRunner.load(file, config, ModelTensors.bind(file, config), LoadProgress.NONE, () -> false);
            try (ModelRunner.State state = runner.newState(tokens.length)) {
                return state.forward(tokens, 0, false);
            }
        }
    }
}
