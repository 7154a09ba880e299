package tandem.engine.tools.synth;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import tandem.engine.gguf.GgufMetadata;
import tandem.engine.gguf.GgufValue;
import tandem.engine.gguf.GgufWriter;
import tandem.engine.gguf.TensorSource;
import tandem.engine.model.Architecture;
import tandem.engine.model.LayerTensors;
import tandem.engine.model.TensorNames;
import tandem.engine.api.TandemException;
import tandem.engine.tensor.GgmlType;
import tandem.engine.tools.RandomBlocks;

/**
 * Plans a random-weight llama-family GGUF: llama.cpp's metadata keys and tensor names, the
 * tokenizer copied from a vocab GGUF, and tensor types as llama.cpp's quantizer chooses them for
 * a "pure" file of one type or a medium k-quant mix ({@link SynthQuant}): norms stay F32, token_embd
 * takes the chosen type, output.weight becomes Q6_K (Q8_0 when its rows are not whole 256-blocks)
 * unless the type is F16, BF16 or Q8_0.
 * Weights come from {@link RandomBlocks}, seeded per tensor and chunk, so the bytes do not depend on
 * how many threads write them. Architectures other than llama add their extra tensors, F32 as
 * llama.cpp's converter writes them: qwen2 random Q/K/V biases, qwen3 random per-head q/k norm
 * scales around 1, so the kernels that apply them change the output.
 */
public final class LlamaSynth {
    private LlamaSynth() {}

    /** The types {@code tandem synth --type} offers. */
    public static final java.util.List<GgmlType> TYPES = java.util.List.of(GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K,
            GgmlType.IQ4_NL, GgmlType.IQ4_XS);

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Type of output.weight for a file of {@code type}, as llama.cpp's quantizer picks it. */
    public static GgmlType outputType(GgmlType type, int dim) {
        if (type == GgmlType.F16 || type == GgmlType.BF16 || type == GgmlType.F32 || type == GgmlType.Q8_0) return type;
        return dim % 256 == 0 ? GgmlType.Q6_K : GgmlType.Q8_0;
    }

    /** A llama model; see {@link #plan(Architecture, SynthPreset, GgmlType, GgufMetadata, long)}. */
    public static GgufWriter plan(SynthPreset p, GgmlType type, GgufMetadata tokenizer, long seed) {
        return plan(Architecture.LLAMA, p, type, tokenizer, seed);
    }

    /**
     * The writer for a synthetic model; nothing is generated until it writes.
     *
     * @param arch      whose metadata keys and extra tensors to write
     * @param tokenizer metadata holding {@code tokenizer.*} keys (a vocab GGUF); they are copied
     */
    public static GgufWriter plan(Architecture arch, SynthPreset p, GgmlType type, GgufMetadata tokenizer, long seed) {
        if (!TYPES.contains(type)) throw new TandemException("synth writes " + SynthQuant.choices() + ", not " + type.name().toLowerCase());
        return plan(arch, p, SynthQuant.pure(type), tokenizer, seed);
    }

    /** The writer for a synthetic model whose tensor types follow {@code quant} (a pure type or a mix). */
    public static GgufWriter plan(Architecture arch, SynthPreset p, SynthQuant quant, GgufMetadata tokenizer, long seed) {
        GgmlType type = quant.base();
        if (arch.experts().isMixture() != (p.experts() != null)) {
            throw new TandemException("preset " + p.name() + (p.experts() == null ? " has no experts for --arch " : " is a mixture of experts, not --arch ")
                    + arch.name() + "; mixtures: --arch qwen3moe or gpt-oss with a preset that has experts");
        }
        if (quant.experts() != type && p.experts() == null) {
            throw new TandemException("--type " + quant.name() + " types a mixture's experts; preset " + p.name() + " has none");
        }
        int vocab = tokenizer.getStringArray("tokenizer.ggml.tokens").size();
        checkWidths(p, type);
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", arch.name())
                .putString("general.name", "Synthetic " + p.displayName() + (arch == Architecture.LLAMA ? "" : " as " + arch.name())
                        + " " + quant.label() + " (random weights, seed " + seed + ")")
                .put("general.file_type", GgufValue.uint32(quant.fileType().id()))
                .put("general.quantization_version", GgufValue.uint32(2))
                .put(arch.key("block_count"), GgufValue.uint32(p.layers()))
                .put(arch.key("context_length"), GgufValue.uint32(p.contextLength()))
                .put(arch.key("embedding_length"), GgufValue.uint32(p.dim()))
                .put(arch.key("feed_forward_length"), GgufValue.uint32(p.ffn()))
                .put(arch.key("attention.head_count"), GgufValue.uint32(p.heads()))
                .put(arch.key("attention.head_count_kv"), GgufValue.uint32(p.kvHeads()))
                .put(arch.key("rope.freq_base"), GgufValue.float32(p.ropeTheta()))
                .put(arch.key("attention.layer_norm_rms_epsilon"), GgufValue.float32(p.rmsEps()))
                .put(arch.key("vocab_size"), GgufValue.uint32(vocab))
                .put(arch.key("rope.dimension_count"), GgufValue.uint32(p.ropeDim()));
        if (p.qDim() != p.dim()) {
            // heads wider or narrower than dim / heads: the readers need the head width itself
            w.put(arch.key("attention.key_length"), GgufValue.uint32(p.headDim()));
            w.put(arch.key("attention.value_length"), GgufValue.uint32(p.headDim()));
        }
        if (p.experts() != null) ExpertSynth.putMetadata(w, arch, p);
        tokenizer.asMap().forEach((k, v) -> {
            if (k.startsWith("tokenizer.")) w.put(k, v);
        });
        boolean longRope = arch.block().fusedTensors() && p.contextLength() > PHI3_ORIGINAL_CONTEXT;
        writeArchitectureKeys(w, arch, p, longRope);

        long[] seq = {0};
        add(w, TensorNames.TOKEN_EMBEDDING, type, new long[] {p.dim(), vocab}, seed, seq);
        if (longRope) addRopeFactors(w, p.ropeDim() / 2);
        for (int i = 0; i < p.layers(); i++) {
            LayerTensors<String> l = TensorNames.layer(i);
            addNorm(w, l.attnNorm(), p.dim());
            if (arch.block().fusedTensors()) {
                add(w, TensorNames.attnQkv(i), type, new long[] {p.dim(), p.qDim() + 2L * p.kvDim()}, seed, seq);
            } else {
                add(w, l.attnQ(), type, new long[] {p.dim(), p.qDim()}, seed, seq);
                add(w, l.attnK(), type, new long[] {p.dim(), p.kvDim()}, seed, seq);
                add(w, l.attnV(), quant.attnV(i, p), new long[] {p.dim(), p.kvDim()}, seed, seq);
            }
            if (arch.qkvBias()) {
                addFloats(w, l.attnQBias(), p.qDim(), 0f, BIAS_SPREAD, seed, seq);
                addFloats(w, l.attnKBias(), p.kvDim(), 0f, BIAS_SPREAD, seed, seq);
                addFloats(w, l.attnVBias(), p.kvDim(), 0f, BIAS_SPREAD, seed, seq);
            }
            if (arch.qkNorm()) {
                addFloats(w, l.attnQNorm(), p.headDim(), 1f, NORM_SPREAD, seed, seq);
                addFloats(w, l.attnKNorm(), p.headDim(), 1f, NORM_SPREAD, seed, seq);
            }
            add(w, l.attnOutput(), type, new long[] {p.qDim(), p.dim()}, seed, seq);
            if (arch.block().postNorms()) addFloats(w, l.postAttnNorm(), p.dim(), 1f, NORM_SPREAD, seed, seq);
            if (p.experts() != null) {
                ExpertSynth.addLayer(w, arch, p, i, quant.experts(), seed, seq);
                continue;
            }
            addNorm(w, l.ffnNorm(), p.dim());
            if (arch.block().fusedTensors()) {
                add(w, l.ffnUp(), type, new long[] {p.dim(), 2L * p.ffn()}, seed, seq);   // gate rows, then up rows
            } else {
                add(w, l.ffnGate(), type, new long[] {p.dim(), p.ffn()}, seed, seq);
                add(w, l.ffnUp(), type, new long[] {p.dim(), p.ffn()}, seed, seq);
            }
            add(w, l.ffnDown(), quant.ffnDown(i, p.layers()), new long[] {p.ffn(), p.dim()}, seed, seq);
            if (arch.block().postNorms()) addFloats(w, l.postFfnNorm(), p.dim(), 1f, NORM_SPREAD, seed, seq);
        }
        addNorm(w, TensorNames.OUTPUT_NORM, p.dim());
        // Gemma 3 and Phi-4-mini tie their output to the embedding, and their GGUFs have no output.weight
        if (!arch.block().postNorms() && !arch.block().fusedTensors()) {
            add(w, TensorNames.OUTPUT, outputType(type, p.dim()), new long[] {p.dim(), vocab}, seed, seq);
        }
        return w;
    }

    /** Phi-3.5 and Phi-4-mini were trained at 4096 positions and extended with LongRoPE. */
    private static final int PHI3_ORIGINAL_CONTEXT = 4096;
    /** Gemma 3: five sliding-window layers per global one, local RoPE base 10000, global positions scaled by 1/8 (4B-27B). */
    private static final int GEMMA3_PATTERN = 6;
    private static final float GEMMA3_LOCAL_THETA = 10000f;
    private static final float GEMMA3_ROPE_FACTOR = 8f;

    /** The keys only some architectures have, with the values their converters write for the real models. */
    private static void writeArchitectureKeys(GgufWriter w, Architecture arch, SynthPreset p, boolean longRope) {
        if (arch.block().slidingWindow() && p.slidingWindow() > 0) {
            w.put(arch.key("attention.sliding_window"), GgufValue.uint32(p.slidingWindow()));
        }
        if (arch == Architecture.GEMMA3 && p.slidingWindow() > 0) {
            w.put(arch.key("attention.sliding_window_pattern"), GgufValue.uint32(GEMMA3_PATTERN));
            w.put(arch.key("rope.freq_base_swa"), GgufValue.float32(GEMMA3_LOCAL_THETA));
            w.putString(arch.key("rope.scaling.type"), "linear");
            w.put(arch.key("rope.scaling.factor"), GgufValue.float32(GEMMA3_ROPE_FACTOR));
        }
        if (longRope) {
            // what convert_hf_to_gguf.py writes for LongRoPE: sqrt(1 + ln(scale) / ln(original))
            double scale = (double) p.contextLength() / PHI3_ORIGINAL_CONTEXT;
            w.put(arch.key("rope.scaling.original_context_length"), GgufValue.uint32(PHI3_ORIGINAL_CONTEXT));
            w.put(arch.key("rope.scaling.attn_factor"),
                    GgufValue.float32((float) Math.sqrt(1 + Math.log(scale) / Math.log(PHI3_ORIGINAL_CONTEXT))));
        }
    }

    /**
     * LongRoPE divisors shaped like Phi-4-mini's: long ones growing geometrically from 1 to about 48,
     * short ones all 1.
     */
    private static void addRopeFactors(GgufWriter w, int count) {
        w.addTensor(TensorNames.ROPE_FACTORS_LONG, GgmlType.F32, new long[] {count}, (MemorySegment chunk, long offset) -> {
            for (long i = 0; i < chunk.byteSize(); i += 4) {
                chunk.set(F32, i, (float) Math.pow(48.0, (double) ((offset + i) / 4) / Math.max(1, count - 1)));
            }
        });
        w.addTensor(TensorNames.ROPE_FACTORS_SHORT, GgmlType.F32, new long[] {count}, (MemorySegment chunk, long offset) -> {
            for (long i = 0; i < chunk.byteSize(); i += 4) chunk.set(F32, i, 1f);
        });
    }

    private static void checkWidths(SynthPreset p, GgmlType type) {
        int ffn = p.experts() != null ? p.experts().ffn() : p.ffn();
        for (int width : new int[] {p.dim(), p.qDim(), ffn}) {
            if (width % type.blockSize() != 0) {
                throw new TandemException("preset " + p.name() + ": width " + width + " is not a multiple of " + type + "'s block size " + type.blockSize());
            }
        }
    }

    static void add(GgufWriter w, String name, GgmlType type, long[] dims, long seed, long[] seq) {
        long tensorSeed = mix(seed + 0x9E37_79B9_7F4A_7C15L * ++seq[0]);
        TensorSource random = (chunk, offset) -> RandomBlocks.fill(type, chunk, mix(tensorSeed ^ offset));
        w.addTensor(name, type, dims, random);
    }

    /**
     * Biases as large as a projection's outputs (about 1 for unit inputs and weights of 0.1), so a
     * bias applied to the wrong heads changes the logits plainly; norm scales 1 +- 0.3 likewise.
     */
    static final float BIAS_SPREAD = 0.5f;
    static final float NORM_SPREAD = 0.3f;

    /** An F32 vector of Gaussian values {@code mean +- spread}, seeded like the matrices. */
    static void addFloats(GgufWriter w, String name, int length, float mean, float spread, long seed, long[] seq) {
        addFloats(w, name, new long[] {length}, mean, spread, seed, seq);
    }

    /** {@link #addFloats(GgufWriter, String, int, float, float, long, long[])} of any shape. */
    static void addFloats(GgufWriter w, String name, long[] dims, float mean, float spread, long seed, long[] seq) {
        long tensorSeed = mix(seed + 0x9E37_79B9_7F4A_7C15L * ++seq[0]);
        w.addTensor(name, GgmlType.F32, dims, (MemorySegment chunk, long offset) -> {
            SplittableRandom r = new SplittableRandom(mix(tensorSeed ^ offset));
            for (long i = 0; i < chunk.byteSize(); i += 4) chunk.set(F32, i, mean + spread * (float) r.nextGaussian());
        });
    }

    /** RMS-norm weights of 1: the random model then scales like a freshly initialised one. */
    static void addNorm(GgufWriter w, String name, int dim) {
        w.addTensor(name, GgmlType.F32, new long[] {dim}, (MemorySegment chunk, long offset) -> {
            for (long i = 0; i < chunk.byteSize(); i += 4) chunk.set(F32, i, 1f);
        });
    }

    /** A 64-bit finaliser (MurmurHash3's fmix64): decorrelates nearby seeds. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51_AFD7_ED55_8CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CE_B9FE_1A85_EC53L;
        return z ^ (z >>> 33);
    }
}
