package tandem.engine.parallel;

import tandem.engine.model.ModelConfig;
import tandem.engine.model.RopeStyle;
import tandem.engine.vulkan.BufferRange;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.WeightTensor;
import tandem.engine.vulkan.model.LayerWeights;
import tandem.engine.vulkan.model.SequenceBuffers;

/**
 * Records the kernels of transformer blocks and of the output head on one device, for either split:
 * the two places where a block adds to the residual stream are handed to a {@link ResidualAdd}
 * (a plain accumulating product under layer split, a product into the all-reduce under tensor split).
 */
final class BlockRecorder {
    /**
     * Adds W·in to the residual stream, in = silu(in) * up where {@code up} is given (SwiGLU fused
     * into the down projection); returns the recorder to go on with (a new segment after an all-reduce).
     */
    interface ResidualAdd {
        CommandRecorder add(CommandRecorder rec, WeightTensor w, BufferRange in, BufferRange up, int inWidth);
    }

    private final ModelConfig c;
    private final ShardWeights m;
    private final SequenceBuffers b;

    /** @param local the model as this device sees it (its heads, FFN columns, vocabulary and layers) */
    BlockRecorder(ModelConfig local, ShardWeights weights, SequenceBuffers buffers) {
        this.c = local;
        this.m = weights;
        this.b = buffers;
    }

    /** Block {@code layer} (model numbering), its KV cache at {@code cacheIndex} of this device's buffers. */
    CommandRecorder block(CommandRecorder rec, int layer, int cacheIndex, int tokens, ResidualAdd add) {
        int dim = c.dim(), qDim = c.qDim(), kvDim = c.kvDim(), ffn = c.ffn();
        BufferRange step = b.step.range();
        boolean neox = c.ropeStyle() == RopeStyle.NEOX;
        LayerWeights w = m.layer(layer);
        GpuOps.rmsNorm(rec, b.x.all(), 0, w.attnNorm().all(), b.normed.all(), dim, c.rmsEps(), tokens);
        rec.barrier();
        GpuOps.matVec(rec, w.q(), b.normed.all(), null, 0, dim, b.q.all(), qDim, tokens, false);
        GpuOps.matVec(rec, w.k(), b.normed.all(), null, 0, dim, b.k.all(), kvDim, tokens, false);
        GpuOps.matVec(rec, w.v(), b.normed.all(), null, 0, dim, b.v.all(), kvDim, tokens, false);
        rec.barrier();
        GpuOps.ropeStore(rec, b.q.all(), b.k.all(), b.v.all(), b.keys.get(cacheIndex).all(), b.values.get(cacheIndex).all(),
                m.ropeTable.all(), step, c.heads(), c.kvHeads(), c.headDim(), c.ropeDim(), neox, tokens);
        rec.barrier();
        GpuOps.attention(rec, b.q.all(), b.keys.get(cacheIndex).all(), b.values.get(cacheIndex).all(), b.attended.all(),
                step, c.heads(), c.kvHeads(), c.headDim(), tokens);
        rec.barrier();
        rec = add.add(rec, w.attnOutput(), b.attended.all(), null, qDim);
        GpuOps.rmsNorm(rec, b.x.all(), 0, w.ffnNorm().all(), b.normed.all(), dim, c.rmsEps(), tokens);
        rec.barrier();
        GpuOps.matVec(rec, w.gate(), b.normed.all(), null, 0, dim, b.gate.all(), ffn, tokens, false);
        GpuOps.matVec(rec, w.up(), b.normed.all(), null, 0, dim, b.up.all(), ffn, tokens, false);
        rec.barrier();
        return add.add(rec, w.down(), b.gate.all(), b.up.all(), ffn);
    }

    /** A residual add on this device alone: the product accumulates into the residual stream. */
    CommandRecorder addLocally(CommandRecorder rec, WeightTensor w, BufferRange in, BufferRange up, int inWidth, int tokens) {
        GpuOps.matVec(rec, w, in, up, 0, inWidth, b.x.all(), c.dim(), tokens, true);
        rec.barrier();
        return rec;
    }

    /** The token embedding lookup into the residual stream. */
    void embedding(CommandRecorder rec, int tokens) {
        GpuOps.getRows(rec, m.embedding, b.step.range(), 0, b.x.all(), tokens);
        rec.barrier();
    }

    /** Final norm and this device's logits (its vocabulary rows) of the last or every position, copied to the host. */
    void output(CommandRecorder rec, int tokens, boolean allLogits) {
        int dim = c.dim();
        int first = allLogits ? 0 : tokens - 1;
        int rows = tokens - first;
        GpuOps.rmsNorm(rec, b.x.all(), first * dim, m.outputNorm.all(), b.normed.all(), dim, c.rmsEps(), rows);
        rec.barrier();
        GpuOps.matVec(rec, m.output, b.normed.all(), null, 0, dim, b.logits.all(), c.vocab(), rows, false);
        rec.barrier();
        long bytes = 4L * rows * c.vocab();
        rec.copy(b.logits.range(0, bytes), b.logitsHost.range(0, bytes));
        rec.barrier();
    }
}
