package tandem.engine.parallel;

/**
 * Working memory a device needs besides weights and KV cache, estimated from the shapes so the
 * plan can say "fits" before loading. It assumes prefill in batches of {@link #BATCH} tokens with
 * F32 activations, and attention scores kept for {@link #SCORE_ROWS} queries at a time over the
 * whole context (a tiled attention kernel); backends that need more must raise these.
 */
public final class ScratchEstimate {
    public static final int BATCH = 512;
    public static final int SCORE_ROWS = 32;
    private static final int F32 = 4;

    private ScratchEstimate() {}

    public static long bytes(ModelShape model, DeviceSlices slices, int contextLength) {
        if (slices.layers().isEmpty() && slices.vocabRows().isEmpty()) return 0;
        long groups = slices.kvGroups().size();
        long queryWidth = groups * model.queryHeadsPerGroup() * model.headDim();
        long kvWidth = groups * model.headDim();
        // residual stream, normed input and the all-reduce's received sum are full width on every device
        long perToken = 3L * model.embedding() + queryWidth + 2 * kvWidth + 2L * slices.ffnColumns().size();
        long activations = BATCH * perToken * F32;
        long scores = groups * model.queryHeadsPerGroup() * (long) contextLength * SCORE_ROWS * F32;
        long logits = (long) slices.vocabRows().size() * F32;
        return activations + scores + logits;
    }
}
