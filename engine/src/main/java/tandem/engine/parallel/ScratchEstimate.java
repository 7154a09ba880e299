package tandem.engine.parallel;

import tandem.engine.api.SplitMode;
import tandem.engine.vulkan.model.SequenceBuffers;

/**
 * Working memory a device needs besides weights and KV cache, so the plan can say "fits" before
 * loading: the activation buffers the runner allocates for its widths (one implementation, in
 * {@link SequenceBuffers}), for prompt batches of {@link SplitRunner#MAX_BATCH} tokens.
 */
final class ScratchEstimate {
    private ScratchEstimate() {}

    static long bytes(ModelShape model, SplitMode mode, DeviceSlices slices) {
        if (slices.layers().isEmpty()) return 0;
        int qDim = Math.toIntExact((long) slices.queryHeads().size() * model.headDim());
        int kvDim = Math.toIntExact((long) slices.kvGroups().size() * model.headDim());
        // under layer split every device allocates full-width logits; only the last one fills them
        int vocab = mode == SplitMode.TENSOR ? slices.vocabRows().size() : model.vocab();
        return SequenceBuffers.scratchBytes(model.embedding(), qDim, kvDim, slices.ffnColumns().size(), vocab,
                SplitRunner.MAX_BATCH, SplitRunner.MAX_LOGIT_ROWS);
    }
}
