package tandem.engine.model;

/**
 * How an architecture's feed-forward block uses experts, as llama.cpp's graph builds it. Both
 * mixtures route the same way: top-k of the router logits, then a softmax over the k chosen (for
 * qwen3moe llama.cpp takes the softmax over all experts and renormalises the chosen weights to sum
 * 1, which is the same number).
 */
public enum ExpertStyle {
    /** One feed-forward network per layer (ffn_gate, ffn_up, ffn_down). */
    DENSE,
    /** qwen3moe: experts down(silu(gate x) * up x), no biases. */
    SILU,
    /**
     * gpt-oss: a bias on the router and on every expert projection, and the clamped SwiGLU
     * g = min(gate, 7), u = clamp(up, -7, 7), out = g * sigmoid(1.702 g) * (u + 1).
     */
    OAI;

    /** gpt-oss's SwiGLU limit and sigmoid slope. */
    public static final float OAI_LIMIT = 7f;
    public static final float OAI_ALPHA = 1.702f;

    public boolean isMixture() { return this != DENSE; }

    /** The router and every expert projection carry biases. */
    public boolean hasBiases() { return this == OAI; }
}
