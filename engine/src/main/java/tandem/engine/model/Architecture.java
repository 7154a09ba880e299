package tandem.engine.model;

import java.util.List;
import tandem.engine.runtime.TandemException;

/**
 * What distinguishes one supported architecture from another in the shared transformer forward
 * pass. Adding an architecture means adding a description here, not another forward pass.
 *
 * @param name       the {@code general.architecture} value, also the prefix of its metadata keys
 * @param ropeStyle  how RoPE pairs head elements
 * @param qkvBias    Q, K and V projections have bias vectors ({@code blk.N.attn_q.bias}, ...)
 * @param qkNorm     Q and K get a per-head RMS norm before RoPE ({@code blk.N.attn_q_norm.weight})
 * @param experts    how the feed-forward block routes to experts; {@link ExpertStyle#DENSE} for one FFN
 * @param sinks      gpt-oss attention: a learned sink logit per head ({@code attn_sinks}), a bias on
 *                   {@code attn_output}, sliding-window attention on every other layer, and the FFN
 *                   norm named {@code post_attention_norm}
 */
public record Architecture(String name, RopeStyle ropeStyle, boolean qkvBias, boolean qkNorm, ExpertStyle experts,
                           boolean sinks) {
    public Architecture(String name, RopeStyle ropeStyle, boolean qkvBias, boolean qkNorm) {
        this(name, ropeStyle, qkvBias, qkNorm, ExpertStyle.DENSE, false);
    }

    /** Llama 1/2/3, Mistral, TinyLlama and llama2.c's stories models. */
    public static final Architecture LLAMA = new Architecture("llama", RopeStyle.NORMAL, false, false);
    public static final Architecture QWEN2 = new Architecture("qwen2", RopeStyle.NEOX, true, false);
    public static final Architecture QWEN3 = new Architecture("qwen3", RopeStyle.NEOX, false, true);

    /** Qwen3 attention with a mixture-of-experts FFN (Qwen3-30B-A3B, Qwen3-235B-A22B). */
    public static final Architecture QWEN3MOE = new Architecture("qwen3moe", RopeStyle.NEOX, false, true, ExpertStyle.SILU, false);
    /** OpenAI's gpt-oss-20b/120b. */
    public static final Architecture GPT_OSS = new Architecture("gpt-oss", RopeStyle.NEOX, true, false, ExpertStyle.OAI, true);

    public static final List<Architecture> SUPPORTED = List.of(LLAMA, QWEN2, QWEN3, QWEN3MOE, GPT_OSS);

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
