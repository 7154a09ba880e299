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
 * @param block      the rest of what differs (activation, post-norms, fused tensors, ...)
 */
public record Architecture(String name, RopeStyle ropeStyle, boolean qkvBias, boolean qkNorm, BlockStyle block) {
    /** An architecture with Llama's block. */
    public Architecture(String name, RopeStyle ropeStyle, boolean qkvBias, boolean qkNorm) {
        this(name, ropeStyle, qkvBias, qkNorm, BlockStyle.PLAIN);
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

    public static final List<Architecture> SUPPORTED = List.of(LLAMA, QWEN2, QWEN3, GEMMA3, PHI3);

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
