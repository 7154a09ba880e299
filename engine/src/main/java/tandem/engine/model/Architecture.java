package tandem.engine.model;

import java.util.List;
import tandem.engine.api.TandemException;

/**
 * What distinguishes one supported architecture from another in the shared transformer forward
 * pass. Adding an architecture means adding a description here, not another forward pass.
 *
 * @param name       the {@code general.architecture} value, also the prefix of its metadata keys
 * @param ropeStyle  how RoPE pairs head elements
 * @param qkvBias    Q, K and V projections have bias vectors ({@code blk.N.attn_q.bias}, ...)
 * @param qkNorm     Q and K get a per-head RMS norm before RoPE ({@code blk.N.attn_q_norm.weight})
 * @param block      the rest of what differs in the block (activation, post-norms, fused tensors, sliding window)
 * @param experts    how the feed-forward block routes to experts; {@link ExpertStyle#DENSE} for one FFN
 * @param sinks      gpt-oss attention: a learned sink logit per head ({@code attn_sinks}), a bias on
 *                   {@code attn_output}, and the FFN norm named {@code post_attention_norm}
 */
public record Architecture(String name, RopeStyle ropeStyle, boolean qkvBias, boolean qkNorm, BlockStyle block,
                           ExpertStyle experts, boolean sinks) {
    /** An architecture with Llama's block. */
    public Architecture(String name, RopeStyle ropeStyle, boolean qkvBias, boolean qkNorm) {
        this(name, ropeStyle, qkvBias, qkNorm, BlockStyle.PLAIN);
    }

    /** A dense architecture with its own block. */
    public Architecture(String name, RopeStyle ropeStyle, boolean qkvBias, boolean qkNorm, BlockStyle block) {
        this(name, ropeStyle, qkvBias, qkNorm, block, ExpertStyle.DENSE, false);
    }

    /** Llama 1/2/3, Mistral, TinyLlama and llama2.c's stories models. */
    public static final Architecture LLAMA = new Architecture("llama", RopeStyle.NORMAL, false, false);
    public static final Architecture QWEN2 = new Architecture("qwen2", RopeStyle.NEOX, true, false);
    public static final Architecture QWEN3 = new Architecture("qwen3", RopeStyle.NEOX, false, true);

    /** Gemma 3: GeGLU, post-norms, scaled embeddings, sliding-window layers with their own RoPE base. */
    public static final Architecture GEMMA3 = new Architecture("gemma3", RopeStyle.NEOX, false, true,
            new BlockStyle(Activation.GELU_TANH, true, false, true, true));
    /** Phi-3, Phi-3.5 and Phi-4-mini: fused QKV and gate+up, partial rotary, LongRoPE factors. */
    public static final Architecture PHI3 = new Architecture("phi3", RopeStyle.NEOX, false, false,
            new BlockStyle(Activation.SILU, false, true, false, false));
    /** Qwen3 attention with a mixture-of-experts FFN (Qwen3-30B-A3B, Qwen3-235B-A22B). */
    public static final Architecture QWEN3MOE = new Architecture("qwen3moe", RopeStyle.NEOX, false, true,
            BlockStyle.PLAIN, ExpertStyle.SILU, false);
    /** OpenAI's gpt-oss-20b/120b: sinks, and a sliding window on every other layer. */
    public static final Architecture GPT_OSS = new Architecture("gpt-oss", RopeStyle.NEOX, true, false,
            new BlockStyle(Activation.SILU, false, false, false, true), ExpertStyle.OAI, true);

    public static final List<Architecture> SUPPORTED = List.of(LLAMA, QWEN2, QWEN3, GEMMA3, PHI3, QWEN3MOE, GPT_OSS);

    /** The description for a {@code general.architecture} value; a clear error for anything else. */
    public static Architecture forName(String name) {
        for (Architecture a : SUPPORTED) {
            if (a.name.equals(name)) return a;
        }
        throw new TandemException("unsupported architecture '" + name + "' (general.architecture); Tandem runs "
                + String.join(", ", SUPPORTED.stream().map(Architecture::name).toList()));
    }

    /** A metadata key of this architecture, e.g. {@code llama.block_count}. */
    public String key(String suffix) {
        return name + "." + suffix;
    }
}
