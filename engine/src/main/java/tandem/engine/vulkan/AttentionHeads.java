package tandem.engine.vulkan;

/**
 * The heads of one attention: query heads, the KV heads they share (grouped-query attention), the
 * head size, and the factor on Q·K (1/√headDim unless the model says otherwise).
 */
public record AttentionHeads(int heads, int kvHeads, int headDim, float scale) {
    public AttentionHeads {
        if (heads < 1 || kvHeads < 1 || heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " query heads cannot share " + kvHeads + " KV heads");
        }
    }

    /** With the usual scale 1/√headDim. */
    public static AttentionHeads of(int heads, int kvHeads, int headDim) {
        return new AttentionHeads(heads, kvHeads, headDim, (float) (1.0 / Math.sqrt(headDim)));
    }

    /** The kernels' first push constants: heads, KV heads, head size and the scale's bits. */
    int[] pushConstants(int fifth, int window, int ring) {
        return new int[] {heads, kvHeads, headDim, Float.floatToRawIntBits(scale), fifth, window, ring};
    }
}
