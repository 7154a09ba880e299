package tandem.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufValue;
import tandem.engine.gguf.GgufValueType;
import tandem.engine.gguf.SharedData;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;

/**
 * How gemma3 and phi3 metadata become a configuration, as llama.cpp's loader reads it: the
 * sliding-window pattern as a period or per-layer flags (default period 6), no window without the
 * key, the fused tensors bound as row views of the file's bytes, and the facts the Model screen shows.
 */
class DenseArchitectureConfigTest {
    @TempDir
    Path dir;

    private static final Path GEMMA3 = SharedData.data("models/arch/gemma3-f32.gguf");
    private static final Path PHI3 = SharedData.data("models/arch/phi3-f32.gguf");

    @Test
    void gemma3ReadsItsSlidingWindowPatternAndRopeKeys() {
        ModelConfig c = read(GEMMA3, r -> r);
        assertEquals(8, c.window(0));
        assertEquals(0, c.window(1), "pattern 2: the last of every two layers is global");
        assertEquals(10000f, c.ropeTheta(0));
        assertEquals(1_000_000f, c.ropeTheta(1));
        assertEquals(1f, c.ropeScale(0), "the local layers are not scaled");
        assertEquals(0.125f, c.ropeScale(1));
        assertEquals(16f, c.extras().embeddingScale());
        assertEquals((float) (1 / Math.sqrt(128)), c.extras().attentionScale());
    }

    @Test
    void gemma3SlidingPatternAsPeriodFlagsOrDefault() {
        assertArrayEquals(new boolean[] {true, true}, slidingOf(r -> r.remove("gemma3.attention.sliding_window_pattern")),
                "llama.cpp's default period 6 makes layers 0-4 local");
        assertArrayEquals(new boolean[] {true, true}, slidingOf(r -> r.put("gemma3.attention.sliding_window_pattern",
                GgufValue.uint32(0))), "period 0: every layer slides");
        assertArrayEquals(new boolean[] {false, true}, slidingOf(r -> r.put("gemma3.attention.sliding_window_pattern",
                GgufValue.array(GgufValueType.BOOL, new boolean[] {false, true}))));
        assertArrayEquals(new boolean[] {false, false}, slidingOf(r -> r.remove("gemma3.attention.sliding_window")),
                "no window key: no sliding layers");
    }

    @Test
    void phi3FusedTensorsAreRowViewsOfTheFile() {
        try (GgufFile file = GgufFile.open(PHI3)) {
            ModelConfig c = ModelConfigReader.read(file);
            ModelTensors t = ModelTensors.bind(file, c);
            TensorInfo qkv = file.requireTensor(TensorNames.attnQkv(0));
            LayerTensors<TensorInfo> l = t.layers().getFirst();
            assertEquals(qkv.offset(), l.attnQ().offset());
            assertEquals(qkv.offset() + (long) c.qDim() * qkv.rowBytes(), l.attnK().offset());
            assertEquals(qkv.offset() + qkv.byteSize() - l.attnV().byteSize(), l.attnV().offset());
            TensorInfo gateUp = file.requireTensor(TensorNames.layer(0).ffnUp());
            assertEquals(gateUp.offset(), l.ffnGate().offset(), "the gate rows come first");
            assertEquals(gateUp.offset() + gateUp.byteSize() / 2, l.ffnUp().offset());
            assertEquals(file.tensors().stream().mapToLong(TensorInfo::byteSize).sum(), t.totalBytes());
            assertEquals(48, c.ropeDim());
            assertEquals(0, c.window(0), "llama.cpp ignores phi3's sliding_window");
            assertEquals(t.ropeFactorsLong(), t.ropeFactors(c, 4096));
            assertEquals(t.ropeFactorsShort(), t.ropeFactors(c, 1024));
        }
    }

    /** A phi3 file with separate attn_q/k/v (llama.cpp accepts both) computes exactly as the fused one. */
    @Test
    void phi3WithSeparateQkvComputesAsTheFusedFile() {
        Path separate;
        try (GgufFile f = GgufFile.open(PHI3)) {
            ModelConfig c = ModelConfigReader.read(f);
            GgufRewrite r = new GgufRewrite(f);
            for (int l = 0; l < c.layers(); l++) {
                TensorInfo qkv = f.requireTensor(TensorNames.attnQkv(l));
                float[] all = r.values(qkv);
                LayerTensors<String> n = TensorNames.layer(l);
                int q = c.qDim() * c.dim(), kv = c.kvDim() * c.dim();
                r.drop(qkv.name())
                        .add(n.attnQ(), new long[] {c.dim(), c.qDim()}, Arrays.copyOfRange(all, 0, q))
                        .add(n.attnK(), new long[] {c.dim(), c.kvDim()}, Arrays.copyOfRange(all, q, q + kv))
                        .add(n.attnV(), new long[] {c.dim(), c.kvDim()}, Arrays.copyOfRange(all, q + kv, q + 2 * kv));
            }
            separate = r.write(dir.resolve("phi3-separate.gguf"));
        }
        int[] tokens = {1, 400, 20, 77, 301, 5, 9};
        assertArrayEquals(lastLogits(PHI3, tokens), lastLogits(separate, tokens));
    }

    private static float[] lastLogits(Path model, int[] tokens) {
        try (LoadedModel m = Engine.load(model,
                EngineOptions.cpu(), LoadProgress.NONE, () -> false);
             Session s = m.newSession()) {
            return s.evaluate(tokens);
        }
    }

    @Test
    void theFactsNameWhatIsDistinctive() {
        try (GgufFile gemma = GgufFile.open(GEMMA3); GgufFile phi = GgufFile.open(PHI3);
             GgufFile llama = GgufFile.open(SharedData.data("models/reference/llama-f32.gguf"))) {
            List<String> g = ArchitectureFacts.describe(gemma);
            assertTrue(g.contains("sliding window of 8 positions on 1 of 2 layers (their RoPE base 10000)"), g.toString());
            List<String> p = ArchitectureFacts.describe(phi);
            assertTrue(p.contains("fused tensors: Q/K/V in attn_qkv, gate and up in ffn_up"), p.toString());
            assertTrue(p.contains("RoPE on 48 of 64 head elements"), p.toString());
            assertEquals(List.of(), ArchitectureFacts.describe(llama));
        }
    }

    private boolean[] slidingOf(UnaryOperator<GgufRewrite> change) {
        ModelConfig c = read(GEMMA3, change);
        return new boolean[] {c.sliding(0), c.sliding(1)};
    }

    private ModelConfig read(Path model, UnaryOperator<GgufRewrite> change) {
        Path out;
        try (GgufFile f = GgufFile.open(model)) {
            out = change.apply(new GgufRewrite(f)).write(dir.resolve("changed-" + System.nanoTime() + ".gguf"));
        }
        try (GgufFile f = GgufFile.open(out)) {
            return ModelConfigReader.read(f);
        }
    }
}
