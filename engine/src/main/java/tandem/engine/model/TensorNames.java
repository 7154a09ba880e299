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

    /** Phi-3's fused Q/K/V projection (rows q | k | v). */
    public static String attnQkv(int layer) { return "blk." + layer + ".attn_qkv.weight"; }

    /**
     * The names of layer {@code index}'s tensors, every one an architecture may have; which of them
     * a model has is {@link ModelTensors#bind}'s to say.
     */
    public static LayerTensors<String> layer(int index) {
        String p = "blk." + index + ".";
        return new LayerTensors<>(p + "attn_norm.weight",
                p + "attn_q.weight", p + "attn_k.weight", p + "attn_v.weight",
                p + "attn_q.bias", p + "attn_k.bias", p + "attn_v.bias",
                p + "attn_q_norm.weight", p + "attn_k_norm.weight",
                p + "attn_output.weight",
                p + "ffn_norm.weight", p + "ffn_gate.weight", p + "ffn_up.weight", p + "ffn_down.weight",
                p + "post_attention_norm.weight", p + "post_ffw_norm.weight",
                p + "attn_sinks.weight", p + "attn_output.bias",
                new ExpertTensors<>(p + "ffn_gate_inp.weight", p + "ffn_gate_inp.bias",
                        p + "ffn_gate_exps.weight", p + "ffn_up_exps.weight", p + "ffn_down_exps.weight",
                        p + "ffn_gate_exps.bias", p + "ffn_up_exps.bias", p + "ffn_down_exps.bias"));
    }
}
