package tandem.engine.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tandem.engine.gguf.GgufFile;
import tandem.engine.api.TandemException;

/**
 * The distinctive facts of a model's architecture in words, for the app's Model screen and
 * {@code tandem inspect}: sliding-window layers, fused tensors, partial or scaled RoPE, post-norms.
 * Empty for a plain Llama-style model, and for a file the engine cannot run (inspect says why elsewhere).
 */
public final class ArchitectureFacts {
    private ArchitectureFacts() {}

    public static List<String> describe(GgufFile file) {
        ModelConfig c;
        try {
            c = ModelConfigReader.read(file);
        } catch (TandemException | IllegalArgumentException e) {
            return List.of();
        }
        List<String> facts = new ArrayList<>();
        ModelExtras x = c.extras();
        BlockStyle block = c.block();
        if (x.slidingWindow() > 0) {
            facts.add(String.format(Locale.ROOT, "sliding window of %d positions on %d of %d layers (their RoPE base %.0f)",
                    x.slidingWindow(), x.slidingLayerCount(), c.layers(), x.slidingRopeTheta()));
        }
        if (block.fusedTensors()) facts.add("fused tensors: Q/K/V in attn_qkv, gate and up in ffn_up");
        if (block.postNorms()) facts.add("norms after attention and FFN as well as before");
        if (block.activation() == Activation.GELU_TANH) facts.add("GeGLU feed-forward (GELU, tanh form)");
        if (block.scaledEmbedding()) facts.add(String.format(Locale.ROOT, "embeddings scaled by sqrt(%d)", c.dim()));
        if (c.ropeDim() < c.headDim()) facts.add("RoPE on " + c.ropeDim() + " of " + c.headDim() + " head elements");
        if (x.ropeScale() != 1f) {
            facts.add(String.format(Locale.ROOT, "linear RoPE scaling x%.4g%s", 1 / x.ropeScale(),
                    x.slidingWindow() > 0 ? " on the full-attention layers" : ""));
        }
        if (file.tensor(TensorNames.ROPE_FACTORS_LONG).isPresent()) {
            facts.add(String.format(Locale.ROOT, "LongRoPE factors (long ones for contexts beyond %d), attn_factor %.4g",
                    x.ropeOriginalContext() > 0 ? x.ropeOriginalContext() : c.contextLength(), x.ropeAttnFactor()));
        }
        if (x.finalLogitSoftcap() > 0) facts.add(String.format(Locale.ROOT, "final logits soft-capped at %.4g", x.finalLogitSoftcap()));
        return List.copyOf(facts);
    }
}
