package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufWriter;
import tandem.engine.gguf.SharedData;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.tools.synth.LlamaSynth;
import tandem.engine.tools.synth.SynthPreset;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.tensor.Dequantizer;
import tandem.engine.tensor.GgmlType;

class SynthCommandTest {

    static GgufFile vocab() {
        return GgufFile.open(SharedData.data("vocab/ggml-vocab-llama-bpe.gguf"));
    }

    @Test
    void kvHeadsOptionWritesTheTinyPresetWithOneKvHead(@TempDir Path dir) {
        Path out = dir.resolve("one-kv.gguf");
        InspectCommandTest.Result r = InspectCommandTest.cli("synth", "--preset", "tiny", "--type", "q8_0", "--kv-heads", "1",
                "--out", out.toString(), "--vocab", SharedData.data("models/stories260K.gguf").toString());
        assertEquals(0, r.status(), r.err());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(1, f.metadata().getInt("llama.attention.head_count_kv"));
            assertEquals(4, f.metadata().getInt("llama.attention.head_count"));
            assertTensor(f, "blk.1.attn_k.weight", GgmlType.Q8_0, 256, 64);
        }
    }

    @Test
    void tinyPresetWritesAModelTheReaderOpens(@TempDir Path dir) {
        Path out = dir.resolve("tiny.gguf");
        Path stories = SharedData.data("models/stories260K.gguf");
        InspectCommandTest.Result r = InspectCommandTest.cli("synth", "--arch", "llama", "--preset", "tiny", "--type", "q4_k",
                "--out", out.toString(), "--vocab", stories.toString(), "--seed", "7");
        assertEquals(0, r.status(), r.err());
        assertEquals(out.toString(), r.out().strip());
        try (GgufFile f = GgufFile.open(out); GgufFile s = GgufFile.open(stories)) {
            assertEquals("llama", f.metadata().getString("general.architecture"));
            assertEquals(2, f.metadata().getInt("llama.block_count"));
            assertEquals(512, f.metadata().getInt("llama.vocab_size"));
            assertEquals(14, f.metadata().getInt("general.file_type")); // LLAMA_FTYPE_MOSTLY_Q4_K_S
            assertEquals(s.metadata().getStringArray("tokenizer.ggml.tokens"), f.metadata().getStringArray("tokenizer.ggml.tokens"));
            assertEquals(2 + 2 * 9 + 1, f.tensors().size());
            assertTensor(f, "token_embd.weight", GgmlType.Q4_K, 256, 512);
            assertTensor(f, "blk.1.attn_q.weight", GgmlType.Q4_K, 256, 256);
            assertTensor(f, "blk.1.attn_k.weight", GgmlType.Q4_K, 256, 128);
            assertTensor(f, "blk.1.attn_v.weight", GgmlType.Q4_K, 256, 128);
            assertTensor(f, "blk.0.ffn_gate.weight", GgmlType.Q4_K, 256, 768);
            assertTensor(f, "blk.0.ffn_down.weight", GgmlType.Q4_K, 768, 256);
            assertTensor(f, "blk.0.attn_norm.weight", GgmlType.F32, 256);
            assertTensor(f, "output_norm.weight", GgmlType.F32, 256);
            assertTensor(f, "output.weight", GgmlType.Q6_K, 256, 512);
            ModelConfig c = ModelConfigReader.read(f); // the engine's own, strict reading of the same file
            assertEquals(256, c.dim());
            assertEquals(2, c.layers());
            assertEquals(4, c.heads());
            assertEquals(2, c.kvHeads());
            assertEquals(64, c.headDim());
            assertEquals(768, c.ffn());
            assertEquals(512, c.vocab());
            assertEquals(false, c.tiedOutput());
            float[] norm = Dequantizer.dequantizeAll(GgmlType.F32, f.data(f.requireTensor("output_norm.weight")), 256);
            for (float x : norm) assertEquals(1f, x);
            for (TensorInfo t : f.tensors()) {
                float[] w = Dequantizer.dequantizeAll(t.type(), f.data(t), t.elementCount());
                for (float x : w) assertTrue(Float.isFinite(x) && Math.abs(x) < 1.5f, t.name() + ": " + x);
            }
        }
    }

    /**
     * qwen2 and qwen3 files: the keys under the architecture's prefix, the extra F32 tensors in
     * every layer with the shapes the engine binds, biases spread around 0 and norm scales around 1.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"qwen2, 3", "qwen3, 2"})
    void qwenArchitecturesAddTheirTensors(String arch, int extraPerLayer, @TempDir Path dir) {
        Path out = dir.resolve(arch + ".gguf");
        InspectCommandTest.Result r = InspectCommandTest.cli("synth", "--arch", arch, "--preset", "tiny", "--type", "q8_0",
                "--out", out.toString(), "--vocab", SharedData.data("models/stories260K.gguf").toString());
        assertEquals(0, r.status(), r.err());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(arch, f.metadata().getString("general.architecture"));
            assertEquals(2, f.metadata().getInt(arch + ".block_count"));
            assertEquals(2 + 2 * (9 + extraPerLayer) + 1, f.tensors().size());
            ModelConfig c = ModelConfigReader.read(f);
            assertEquals(arch, c.architecture().name());
            tandem.engine.model.ModelTensors.bind(f, c); // the engine's shape checks accept every tensor
            for (int l = 0; l < 2; l++) {
                String p = "blk." + l + ".";
                if (arch.equals("qwen2")) {
                    assertSpread(f, p + "attn_q.bias", 256, 0f);
                    assertSpread(f, p + "attn_k.bias", 128, 0f);
                    assertSpread(f, p + "attn_v.bias", 128, 0f);
                } else {
                    assertSpread(f, p + "attn_q_norm.weight", 64, 1f);
                    assertSpread(f, p + "attn_k_norm.weight", 64, 1f);
                }
            }
        }
    }

    /** An F32 vector of {@code length} values around {@code mean}, not all alike. */
    private static void assertSpread(GgufFile f, String name, int length, float mean) {
        assertTensor(f, name, GgmlType.F32, length);
        float[] v = Dequantizer.dequantizeAll(GgmlType.F32, f.data(f.requireTensor(name)), length);
        double sum = 0, squares = 0;
        for (float x : v) {
            sum += x - mean;
            squares += (x - mean) * (x - mean);
        }
        double deviation = Math.sqrt(squares / length);
        assertTrue(Math.abs(sum / length) < 0.15 && deviation > 0.1 && deviation < 1, name + ": mean offset "
                + sum / length + ", deviation " + deviation);
    }

    static void assertTensor(GgufFile f, String name, GgmlType type, long... dims) {
        TensorInfo t = f.requireTensor(name);
        assertEquals(type, t.type(), name);
        assertArrayEquals(dims, t.dims(), name);
    }

    /**
     * Llama-3-8B Q4_0 as llama.cpp's quantizer makes it: every matrix Q4_0 except output.weight
     * (Q6_K), norms F32. Sizes computed here from the published shapes, independently of the planner.
     */
    @Test
    void llama3_8bQ4_0HasTheRealModelsSize() {
        long dim = 4096, kv = 1024, ffn = 14336, vocab = 128256, layers = 32;
        long q40 = 18, q6k = 210;
        long perLayer = (dim * dim * 2 + dim * kv * 2 + dim * ffn * 3) / 32 * q40 + 2 * dim * 4;
        long expected = dim * vocab / 32 * q40 + layers * perLayer + dim * 4 + dim * vocab / 256 * q6k;
        long params = 2 * dim * vocab + layers * (2 * dim * dim + 2 * dim * kv + 3 * dim * ffn + 2 * dim) + dim;
        try (GgufFile v = vocab()) {
            GgufWriter w = LlamaSynth.plan(SynthPreset.LLAMA3_8B, GgmlType.Q4_0, v.metadata(), 1);
            List<TensorInfo> tensors = w.plannedTensors();
            long dataStart = tensors.getFirst().offset();
            assertEquals(expected, w.fileSize() - dataStart);
            assertEquals(4_653_375_488L, expected); // 4.33 GiB, llama.cpp's reported size for Llama-3-8B Q4_0
            assertEquals("4.33", String.format(Locale.ROOT, "%.2f", expected / (double) (1L << 30)));
            assertEquals(8_030_261_248L, params);
            assertEquals(params, tensors.stream().mapToLong(TensorInfo::elementCount).sum());
            assertEquals(2 + 32 * 9 + 1, tensors.size());
            assertEquals(GgmlType.Q6_K, tensors.getLast().type());
            assertEquals("output.weight", tensors.getLast().name());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"8b, f16, 8030261248", "70b, q4_k, 70553706496", "70b, q8_0, 70553706496"})
    void presetsHaveThePublishedParameterCounts(String preset, String type, long params) {
        try (GgufFile v = vocab()) {
            GgufWriter w = LlamaSynth.plan(SynthPreset.byName(preset), GgmlType.parse(type), v.metadata(), 1);
            assertEquals(params, w.plannedTensors().stream().mapToLong(TensorInfo::elementCount).sum());
            GgmlType out = w.plannedTensors().getLast().type();
            assertEquals(type.equals("q4_k") ? GgmlType.Q6_K : GgmlType.parse(type), out);
        }
    }

    /**
     * The Qwen presets with their architecture's extra tensors have the published parameter counts
     * (Qwen2.5-7B 7.62B, Qwen3-8B 8.19B, Qwen3-32B 32.8B) once the embedding and output rows are
     * counted for the published vocabulary instead of the tokenizer's 151669 tokens. Qwen3-32B's
     * heads are wider than dim / heads, so its attn_q has 8192 rows.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"qwen2.5-7b, qwen2, 7615616512", "qwen3-8b, qwen3, 8190735360", "qwen3-32b, qwen3, 32762123264"})
    void qwenPresetsHaveThePublishedParameterCounts(String preset, String arch, long published) {
        SynthPreset p = SynthPreset.byName(preset);
        try (GgufFile v = GgufFile.open(SharedData.data("vocab/ggml-vocab-qwen2.gguf"))) {
            int tokens = v.metadata().getStringArray("tokenizer.ggml.tokens").size();
            GgufWriter w = LlamaSynth.plan(tandem.engine.model.Architecture.forName(arch), p, GgmlType.Q4_0, v.metadata(), 1);
            long params = w.plannedTensors().stream().mapToLong(TensorInfo::elementCount).sum();
            assertEquals(published - 2L * (p.vocab() - tokens) * p.dim(), params);
            TensorInfo q = w.plannedTensors().stream().filter(t -> t.name().equals("blk.0.attn_q.weight")).findFirst().orElseThrow();
            assertArrayEquals(new long[] {p.dim(), (long) p.heads() * p.headDim()}, q.dims());
        }
    }

    @Test
    void bytesDoNotDependOnTheNumberOfThreads(@TempDir Path dir) throws Exception {
        try (GgufFile v = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            byte[] single = LlamaSynth.plan(SynthPreset.TINY, GgmlType.Q6_K, v.metadata(), 3).toByteArray();
            Path file = dir.resolve("t.gguf");
            LlamaSynth.plan(SynthPreset.TINY, GgmlType.Q6_K, v.metadata(), 3).threads(4).write(file);
            assertArrayEquals(single, Files.readAllBytes(file));
            byte[] other = LlamaSynth.plan(SynthPreset.TINY, GgmlType.Q6_K, v.metadata(), 4).toByteArray();
            assertEquals(single.length, other.length);
            assertTrue(!java.util.Arrays.equals(single, other), "another seed, other weights");
            GgufFile.parse(MemorySegment.ofArray(single), "t").close();
        }
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "--preset huge --out x.gguf | unknown preset 'huge'",
            "--preset tiny --type iq2_xxs --out x.gguf | synth writes f16, q8_0, q4_0, q4_k, q6_k, iq4_nl, iq4_xs, q4_k_m, q5_k_m or mxfp4_moe, not iq2_xxs",
            "--preset tiny --type q9 --out x.gguf | synth writes f16, q8_0, q4_0, q4_k, q6_k, iq4_nl, iq4_xs, q4_k_m, q5_k_m or mxfp4_moe, not q9",
            "--preset tiny | no --out given",
            "--arch gpt2 --preset tiny --out x.gguf | synth writes --arch llama, qwen2, qwen3, ",
            "--arch qwen3moe --preset tiny --out x.gguf | preset tiny has no experts for --arch qwen3moe",
            "--preset qwen3-30b-a3b --out x.gguf | preset qwen3-30b-a3b is a mixture of experts, not --arch llama",
            "--preset tiny --out x.gguf --seed abc | --seed needs an integer",
            "--preset tiny --out x.gguf --vocab /nonexistent.gguf | /nonexistent.gguf: no such file",
            "--preset | missing value for '--preset'",
            "--preset tiny --out x.gguf --kv-heads 3 | --kv-heads 3 does not divide the 4 query heads of preset tiny",
            "--preset tiny --out x.gguf --kv-heads 0 | --kv-heads needs a positive integer, not '0'"})
    void badArgumentsAreOneLineErrors(String args, String expected) {
        InspectCommandTest.Result r = InspectCommandTest.cli(("synth " + args).split(" "));
        assertEquals(1, r.status());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    /**
     * The tiny preset has the shapes of llama.cpp's reference model, so its files must have the types
     * llama-quantize gave that model, tensor by tensor: the Q4_K_M and Q5_K_M mixes (attn_v and
     * ffn_down of the last of 2 layers Q6_K), and the IQ4 files (made with --pure, which keeps
     * output.weight in the file's type where synth, like llama-quantize without --pure, makes it Q6_K).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"q4_k_m, 15", "q5_k_m, 17", "iq4_xs, 30", "iq4_nl, 25"})
    void tinyFilesHaveTheTypesLlamaQuantizeGaveTheReferenceModel(String type, int fileType, @TempDir Path dir) {
        Path out = dir.resolve(type + ".gguf");
        InspectCommandTest.Result r = InspectCommandTest.cli("synth", "--preset", "tiny", "--type", type, "--out", out.toString(),
                "--vocab", SharedData.data("models/stories260K.gguf").toString());
        assertEquals(0, r.status(), r.err());
        try (GgufFile f = GgufFile.open(out); GgufFile ref = GgufFile.open(SharedData.data("models/reference/llama-" + type + ".gguf"))) {
            assertEquals(fileType, f.metadata().getInt("general.file_type"));
            assertEquals(fileType, ref.metadata().getInt("general.file_type"));
            assertEquals(ref.tensors().size(), f.tensors().size());
            for (TensorInfo t : ref.tensors()) {
                boolean pureOutput = type.startsWith("iq4") && t.name().equals("output.weight");
                assertTensor(f, t.name(), pureOutput ? GgmlType.Q6_K : t.type(), t.dims());
            }
        }
    }

    /**
     * Llama-3-8B Q4_K_M: attn_v and ffn_down Q6_K on the layers llama-quantize's use_more_bits picks
     * (the first and last 4 of 32 and every third between), Q4_K elsewhere; on the 70B (80 layers,
     * 8 query heads per KV head) the other attn_v are Q5_K.
     */
    @Test
    void q4KMMixesQ6KIntoAboutHalfTheLayers() {
        java.util.Set<Integer> more = java.util.Set.of(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31);
        try (GgufFile v = vocab()) {
            List<TensorInfo> tensors = LlamaSynth.plan(tandem.engine.model.Architecture.LLAMA, SynthPreset.LLAMA3_8B,
                    tandem.engine.tools.synth.SynthQuant.parse("q4_k_m"), v.metadata(), 1).plannedTensors();
            for (TensorInfo t : tensors) {
                String name = t.name();
                GgmlType expected = name.endsWith("_norm.weight") ? GgmlType.F32 : name.equals("output.weight") ? GgmlType.Q6_K
                        : (name.endsWith("attn_v.weight") || name.endsWith("ffn_down.weight"))
                          && more.contains(Integer.parseInt(name.split("\\.")[1])) ? GgmlType.Q6_K : GgmlType.Q4_K;
                assertEquals(expected, t.type(), name);
            }
            List<TensorInfo> big = LlamaSynth.plan(tandem.engine.model.Architecture.LLAMA, SynthPreset.LLAMA3_70B,
                    tandem.engine.tools.synth.SynthQuant.parse("q4_k_m"), v.metadata(), 1).plannedTensors();
            assertEquals(40, big.stream().filter(t -> t.name().endsWith("attn_v.weight") && t.type() == GgmlType.Q6_K).count());
            assertEquals(40, big.stream().filter(t -> t.name().endsWith("attn_v.weight") && t.type() == GgmlType.Q5_K).count());
            assertEquals(GgmlType.Q4_K, big.stream().filter(t -> t.name().equals("blk.40.attn_q.weight")).findFirst().orElseThrow().type());
        }
    }

    @Test
    void defaultVocabIsTheSharedLlama3Tokenizer() {
        assertEquals(SharedData.data("vocab/ggml-vocab-llama-bpe.gguf").normalize(), SynthCommand.findDefaultVocab().toAbsolutePath().normalize());
    }
}
