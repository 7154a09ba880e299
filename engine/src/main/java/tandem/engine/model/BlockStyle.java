package tandem.engine.model;

/**
 * How an architecture's blocks differ from Llama's beyond RoPE, biases and q/k norms.
 *
 * @param activation      the feed-forward gate's activation
 * @param postNorms       an RMS norm on the attention output and on the FFN output before each residual
 *                        add ({@code post_attention_norm}, {@code post_ffw_norm}: Gemma 2/3)
 * @param fusedTensors    Q/K/V live in one {@code attn_qkv} tensor (rows q | k | v) and gate/up in one
 *                        {@code ffn_up} of twice the FFN rows (gate first): Phi-3
 * @param scaledEmbedding token embeddings are multiplied by sqrt(dim) (Gemma)
 * @param slidingWindow   the architecture reads {@code attention.sliding_window} and its layer pattern
 *                        (llama.cpp ignores the key for Phi-3, so must we)
 */
public record BlockStyle(Activation activation, boolean postNorms, boolean fusedTensors, boolean scaledEmbedding,
                         boolean slidingWindow) {
    /** Llama's block: SwiGLU, pre-norms only, separate tensors. */
    public static final BlockStyle PLAIN = new BlockStyle(Activation.SILU, false, false, false, false);
}
