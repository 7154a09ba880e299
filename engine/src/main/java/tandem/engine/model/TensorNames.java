package tandem.engine.model;

/**
 * llama.cpp's GGUF tensor names, shared by every backend. Names of one layer come from
 * {@link #layer(int)}.
 */
public final class TensorNames {
    private TensorNames() {}

    public static final String TOKEN_EMBEDDING = "token_embd.weight";
    public static final String OUTPUT_NORM = "output_norm.weight";
    /** Absent when the output projection is tied to the token embedding. */
    public static final String OUTPUT = "output.weight";
    /** Llama 3.1-style per-frequency RoPE divisors; optional. */
    public static final String ROPE_FREQS = "rope_freqs.weight";

    /** Phi-3's LongRoPE frequency divisors: long for contexts beyond the original one, else short; optional. */
    public static final String ROPE_FACTORS_LONG = "rope_factors_long.weight";
    public static final String ROPE_FACTORS_SHORT = "rope_factors_short.weight";

    /** Gemma's norm of the attention output before its residual add. */
    public static String postAttentionNorm(int layer) { return "blk." + layer + ".post_attention_norm.weight"; }

    /** Gemma's norm of the FFN output before its residual add. */
    public static String postFfnNorm(int layer) { return "blk." + layer + ".post_ffw_norm.weight"; }

    /** Phi-3's fused Q/K/V projection (rows q | k | v). */
    public static String attnQkv(int layer) { return "blk." + layer + ".attn_qkv.weight"; }

    /** The names of layer {@code index}'s tensors. */
    public static Layer layer(int index) {
        String p = "blk." + index + ".";
        return new Layer(p + "attn_norm.weight",
                p + "attn_q.weight", p + "attn_k.weight", p + "attn_v.weight",
                p + "attn_q.bias", p + "attn_k.bias", p + "attn_v.bias",
                p + "attn_q_norm.weight", p + "attn_k_norm.weight",
                p + "attn_output.weight",
                p + "ffn_norm.weight", p + "ffn_gate.weight", p + "ffn_up.weight", p + "ffn_down.weight");
    }

    /** The names of layer {@code index}'s mixture-of-experts and gpt-oss tensors. */
    public static Experts experts(int index) {
        String p = "blk." + index + ".";
        return new Experts(p + "ffn_gate_inp.weight", p + "ffn_gate_inp.bias",
                p + "ffn_gate_exps.weight", p + "ffn_up_exps.weight", p + "ffn_down_exps.weight",
                p + "ffn_gate_exps.bias", p + "ffn_up_exps.bias", p + "ffn_down_exps.bias",
                p + "attn_sinks.weight", p + "attn_output.bias");
    }

    /**
     * A layer's expert tensors (3-D: [input, output, expert]), router, and gpt-oss's attention
     * sinks and attention-output bias (its FFN norm is named {@link #postAttentionNorm}).
     */
    public record Experts(String router, String routerBias, String gate, String up, String down,
                          String gateBias, String upBias, String downBias,
                          String sinks, String attnOutputBias) {}

    /** One layer's tensor names; the bias and q/k-norm names exist only for architectures that have them. */
    public record Layer(String attnNorm, String attnQ, String attnK, String attnV,
                        String attnQBias, String attnKBias, String attnVBias,
                        String attnQNorm, String attnKNorm, String attnOutput,
                        String ffnNorm, String ffnGate, String ffnUp, String ffnDown) {}
}
