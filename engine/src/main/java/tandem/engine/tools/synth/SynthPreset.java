package tandem.engine.tools.synth;

import java.util.List;
import java.util.Locale;
import tandem.engine.model.ExpertConfig;
import tandem.engine.api.TandemException;

/**
 * The shape of a synthetic llama-family model. Real presets copy published configurations, so
 * a synthetic file has exactly the real model's tensor names, shapes and byte size.
 *
 * @param vocab   expected vocabulary size; 0 means "whatever the tokenizer has"
 * @param headDim elements per head; Qwen3 models may have {@code heads * headDim != dim}
 * @param ropeDim leading elements of each head that RoPE rotates (Phi-4-mini: 96 of 128)
 * @param slidingWindow positions a sliding-window layer sees (gemma3 and gpt-oss files only; 0 for none)
 * @param experts the mixture-of-experts shape (write with {@code --arch qwen3moe} or {@code gpt-oss}), or null
 */
public record SynthPreset(String name, String displayName, int layers, int dim, int heads, int kvHeads, int ffn,
                          int vocab, int contextLength, float ropeTheta, float rmsEps, int headDim, int ropeDim,
                          int slidingWindow, ExpertConfig experts) {
    /** A dense preset whose RoPE rotates whole heads, without a sliding window. */
    public SynthPreset(String name, String displayName, int layers, int dim, int heads, int kvHeads, int ffn,
                       int vocab, int contextLength, float ropeTheta, float rmsEps, int headDim) {
        this(name, displayName, layers, dim, heads, kvHeads, ffn, vocab, contextLength, ropeTheta, rmsEps, headDim, headDim, 0, null);
    }

    /** A dense preset. */
    public SynthPreset(String name, String displayName, int layers, int dim, int heads, int kvHeads, int ffn,
                       int vocab, int contextLength, float ropeTheta, float rmsEps, int headDim, int ropeDim,
                       int slidingWindow) {
        this(name, displayName, layers, dim, heads, kvHeads, ffn, vocab, contextLength, ropeTheta, rmsEps, headDim, ropeDim,
                slidingWindow, null);
    }

    /** A preset whose heads split the model width: headDim = dim / heads. */
    public SynthPreset(String name, String displayName, int layers, int dim, int heads, int kvHeads, int ffn,
                       int vocab, int contextLength, float ropeTheta, float rmsEps) {
        this(name, displayName, layers, dim, heads, kvHeads, ffn, vocab, contextLength, ropeTheta, rmsEps, dim / heads);
    }

    /** Small enough for unit tests; head dim 64, every width a multiple of 256 so k-quants apply. */
    public static final SynthPreset TINY = new SynthPreset("tiny", "Tiny Llama", 2, 256, 4, 2, 768, 0, 2048, 10000f, 1e-5f);
    /** Meta Llama 3 8B (config.json of Meta-Llama-3-8B). */
    public static final SynthPreset LLAMA3_8B = new SynthPreset("8b", "Llama-3-8B", 32, 4096, 32, 8, 14336, 128256, 8192, 500000f, 1e-5f);
    /** Meta Llama 3 70B. */
    public static final SynthPreset LLAMA3_70B = new SynthPreset("70b", "Llama-3-70B", 80, 8192, 64, 8, 28672, 128256, 8192, 500000f, 1e-5f);

    /** Qwen2.5-7B (config.json): write it with {@code --arch qwen2} for its Q/K/V biases. */
    public static final SynthPreset QWEN25_7B = new SynthPreset("qwen2.5-7b", "Qwen2.5-7B", 28, 3584, 28, 4, 18944, 152064, 131072, 1_000_000f, 1e-6f);
    /** Qwen3-8B (config.json): write it with {@code --arch qwen3} for its q/k norms. */
    public static final SynthPreset QWEN3_8B = new SynthPreset("qwen3-8b", "Qwen3-8B", 36, 4096, 32, 8, 12288, 151936, 40960, 1_000_000f, 1e-6f);
    /** Qwen3-32B: 64 heads of 128 = 8192 query features on a 5120-wide residual stream. */
    public static final SynthPreset QWEN3_32B = new SynthPreset("qwen3-32b", "Qwen3-32B", 64, 5120, 64, 8, 25600, 151936, 40960, 1_000_000f, 1e-6f, 128);

    /**
     * Gemma 3 27B (text_config of google/gemma-3-27b-it): 32 heads of 128 on a 5376-wide stream,
     * five 1024-position sliding-window layers per global one; write it with {@code --arch gemma3}.
     */
    public static final SynthPreset GEMMA3_27B = new SynthPreset("gemma-3-27b", "Gemma-3-27B", 62, 5376, 32, 16, 21504,
            262144, 131072, 1_000_000f, 1e-6f, 128, 128, 1024);
    /**
     * Phi-4-mini (config.json of microsoft/Phi-4-mini-instruct): RoPE on 96 of 128 head elements,
     * LongRoPE to 131072 positions from 4096; write it with {@code --arch phi3}.
     */
    public static final SynthPreset PHI4_MINI = new SynthPreset("phi-4-mini", "Phi-4-mini", 32, 3072, 24, 8, 8192,
            200064, 131072, 10000f, 1e-5f, 128, 96, 0);

    /** Qwen3-30B-A3B (config.json): 128 experts of width 768, 8 per token; write it with {@code --arch qwen3moe}. */
    public static final SynthPreset QWEN3_30B_A3B = new SynthPreset("qwen3-30b-a3b", "Qwen3-30B-A3B", 48, 2048, 32, 4, 6144,
            151936, 40960, 1_000_000f, 1e-6f, 128, 128, 0,
            new ExpertConfig(128, 8, 768));
    /** gpt-oss-20b (config.json): 32 experts of width 2880, 4 per token, a 128-position window on every other layer; write it with {@code --arch gpt-oss}. */
    public static final SynthPreset GPT_OSS_20B = new SynthPreset("gpt-oss-20b", "gpt-oss-20b", 24, 2880, 64, 8, 2880,
            201088, 131072, 150000f, 1e-5f, 64, 64, 128,
            new ExpertConfig(32, 4, 2880));
    /** gpt-oss-120b: as the 20b with 36 layers and 128 experts. */
    public static final SynthPreset GPT_OSS_120B = new SynthPreset("gpt-oss-120b", "gpt-oss-120b", 36, 2880, 64, 8, 2880,
            201088, 131072, 150000f, 1e-5f, 64, 64, 128,
            new ExpertConfig(128, 4, 2880));


    public static final List<SynthPreset> ALL = List.of(TINY, LLAMA3_8B, LLAMA3_70B, QWEN25_7B, QWEN3_8B, QWEN3_32B,
            GEMMA3_27B, PHI4_MINI, QWEN3_30B_A3B, GPT_OSS_20B, GPT_OSS_120B);

    /** Width of all query heads together (attn_q's rows, attn_output's row length). */
    public int qDim() { return heads * headDim; }

    public int kvDim() { return kvHeads * headDim; }

    /** This shape with {@code kv} KV heads (e.g. 1 or 2, as small models have, for tensor-split tests). */
    public SynthPreset withKvHeads(int kv) {
        if (kv <= 0 || heads % kv != 0) {
            throw new TandemException("--kv-heads " + kv + " does not divide the " + heads + " query heads of preset "
                    + name + "; choose a divisor of " + heads);
        }
        return new SynthPreset(name, displayName, layers, dim, heads, kv, ffn, vocab, contextLength, ropeTheta, rmsEps, headDim,
                ropeDim, slidingWindow, experts);
    }

    public static SynthPreset byName(String name) {
        for (SynthPreset p : ALL) {
            if (p.name.equals(name.toLowerCase(Locale.ROOT))) return p;
        }
        throw new TandemException("unknown preset '" + name + "'; choose one of "
                + String.join(", ", ALL.stream().map(SynthPreset::name).toList()));
    }
}
