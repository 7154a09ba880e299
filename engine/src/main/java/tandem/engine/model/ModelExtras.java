package tandem.engine.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * The hyper-parameters only some architectures set, with values that leave a Llama-style model
 * unchanged where a file has none ({@link #plain}).
 *
 * @param embeddingScale      factor on every token embedding (Gemma: sqrt(dim))
 * @param attentionScale      factor on Q·K (1 / sqrt(head dim) unless the architecture says otherwise)
 * @param ropeScale           linear RoPE scaling: positions are multiplied by this ({@code 1 / rope.scaling.factor})
 *                            on the full-attention layers
 * @param ropeAttnFactor      factor on RoPE's cos and sin ({@code rope.scaling.attn_factor}, Phi-3 LongRoPE)
 * @param ropeOriginalContext {@code rope.scaling.original_context_length}: a context longer than this uses
 *                            the long LongRoPE factors, else the short ones (0 when absent)
 * @param slidingWindow       positions a sliding-window layer sees, itself included (0: no such layers)
 * @param slidingLayers       per layer, whether it attends through the window
 * @param slidingRopeTheta    the RoPE base of the sliding-window layers (their scale is 1)
 * @param finalLogitSoftcap   logits become cap * tanh(logits / cap) when positive
 * @param yarn                YaRN context extension on every layer ({@code rope.scaling.type = yarn}), or null
 */
public record ModelExtras(float embeddingScale, float attentionScale, float ropeScale, float ropeAttnFactor,
                          int ropeOriginalContext, int slidingWindow, boolean[] slidingLayers, float slidingRopeTheta,
                          float finalLogitSoftcap, RopeScaling yarn) {
    public ModelExtras {
        slidingLayers = slidingLayers.clone();
        if (slidingWindow < 0) throw new IllegalArgumentException("sliding window " + slidingWindow + " must be >= 0");
    }

    /** A model with none of these features. */
    public static ModelExtras plain(int layers, int headDim) {
        return new ModelExtras(1f, (float) (1.0 / Math.sqrt(headDim)), 1f, 1f, 0, 0, new boolean[layers], 0f, 0f, null);
    }

    @Override
    public boolean[] slidingLayers() { return slidingLayers.clone(); }

    /** Whether layer {@code layer} (model numbering) attends through the sliding window. */
    public boolean sliding(int layer) {
        return slidingWindow > 0 && slidingLayers[layer];
    }

    /** Whether some layer attends through the sliding window. */
    public boolean anySliding() {
        for (int l = 0; l < slidingLayers.length; l++) if (sliding(l)) return true;
        return false;
    }

    /** Layers that attend through the window. */
    public int slidingLayerCount() {
        int n = 0;
        for (int l = 0; l < slidingLayers.length; l++) if (sliding(l)) n++;
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelExtras e && embeddingScale == e.embeddingScale && attentionScale == e.attentionScale
                && ropeScale == e.ropeScale && ropeAttnFactor == e.ropeAttnFactor && ropeOriginalContext == e.ropeOriginalContext
                && slidingWindow == e.slidingWindow && Arrays.equals(slidingLayers, e.slidingLayers)
                && slidingRopeTheta == e.slidingRopeTheta && finalLogitSoftcap == e.finalLogitSoftcap
                && Objects.equals(yarn, e.yarn);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(slidingLayers) * 31 + Float.hashCode(attentionScale); }

    @Override
    public String toString() {
        return "ModelExtras[embeddingScale=" + embeddingScale + ", attentionScale=" + attentionScale + ", ropeScale=" + ropeScale
                + ", ropeAttnFactor=" + ropeAttnFactor + ", ropeOriginalContext=" + ropeOriginalContext + ", slidingWindow="
                + slidingWindow + ", slidingLayers=" + Arrays.toString(slidingLayers) + ", slidingRopeTheta=" + slidingRopeTheta
                + ", finalLogitSoftcap=" + finalLogitSoftcap + ", yarn=" + yarn + "]";
    }
}
