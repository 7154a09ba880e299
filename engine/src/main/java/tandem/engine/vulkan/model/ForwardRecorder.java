package tandem.engine.vulkan.model;

import tandem.engine.model.ModelConfig;
import tandem.engine.model.RopeStyle;
import tandem.engine.vulkan.BufferRange;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.GpuTimeline;
import tandem.engine.vulkan.WeightTensor;

/**
 * Records one forward step of {@code tokens} tokens into a command buffer: embedding, every block,
 * final norm and logits, with a barrier between dependent kernels and no host round trip. The
 * positions and ids come from the step buffer, so a recorded step can be replayed at any
 * position. Segments (embedding, layer i, output) are always timestamped; every kernel is when
 * profiling.
 */
final class ForwardRecorder {
    private final DeviceModel m;
    private final SequenceBuffers b;
    private final GpuTimeline timeline;
    private final boolean profile;

    ForwardRecorder(DeviceModel model, SequenceBuffers buffers, GpuTimeline timeline, boolean profile) {
        this.m = model;
        this.b = buffers;
        this.timeline = timeline;
        this.profile = profile;
    }

    /**
     * @param allLogits logits of every token (tokens <= logitRows) instead of the last one only
     */
    void record(CommandRecorder rec, int tokens, boolean allLogits) {
        ModelConfig c = m.config;
        int dim = c.dim(), qDim = c.qDim(), kvDim = c.kvDim(), ffn = c.ffn();
        BufferRange step = b.step.range();
        rec.begin();
        timeline.begin(rec);
        GpuOps.getRows(rec, m.embedding, step, 0, b.x.all(), tokens);
        rec.barrier();
        timeline.mark("embedding");
        boolean neox = c.ropeStyle() == RopeStyle.NEOX;
        for (int l = 0; l < m.layers.size(); l++) {
            LayerWeights w = m.layers.get(l);
            GpuOps.rmsNorm(rec, b.x.all(), 0, w.attnNorm().all(), b.normed.all(), dim, c.rmsEps(), tokens);
            step(rec, "rms_norm");
            matVec(rec, w.q(), b.normed.all(), null, dim, b.q.all(), qDim, tokens, false);
            matVec(rec, w.k(), b.normed.all(), null, dim, b.k.all(), kvDim, tokens, false);
            matVec(rec, w.v(), b.normed.all(), null, dim, b.v.all(), kvDim, tokens, false);
            step(rec, kind(tokens) + " qkv " + w.q().kernelType());
            GpuOps.ropeStore(rec, b.q.all(), b.k.all(), b.v.all(), b.keys.get(l).all(), b.values.get(l).all(),
                    m.ropeTable.all(), step, c.heads(), c.kvHeads(), c.headDim(), c.ropeDim(), neox, tokens);
            step(rec, "rope + kv store");
            GpuOps.attention(rec, b.q.all(), b.keys.get(l).all(), b.values.get(l).all(), b.attended.all(), step,
                    c.heads(), c.kvHeads(), c.headDim(), tokens);
            step(rec, "attention");
            matVec(rec, w.attnOutput(), b.attended.all(), null, qDim, b.x.all(), dim, tokens, true);
            step(rec, kind(tokens) + " attn_output " + w.attnOutput().kernelType());
            GpuOps.rmsNorm(rec, b.x.all(), 0, w.ffnNorm().all(), b.normed.all(), dim, c.rmsEps(), tokens);
            step(rec, "rms_norm");
            matVec(rec, w.gate(), b.normed.all(), null, dim, b.gate.all(), ffn, tokens, false);
            matVec(rec, w.up(), b.normed.all(), null, dim, b.up.all(), ffn, tokens, false);
            step(rec, kind(tokens) + " gate+up " + w.gate().kernelType());
            // SwiGLU is fused into the down projection's input.
            matVec(rec, w.down(), b.gate.all(), b.up.all(), ffn, b.x.all(), dim, tokens, true);
            rec.barrier();
            timeline.mark(profile ? kind(tokens) + " ffn_down " + w.down().kernelType() : "layer");
        }
        int first = allLogits ? 0 : tokens - 1;
        int rows = tokens - first;
        GpuOps.rmsNorm(rec, b.x.all(), first * dim, m.outputNorm.all(), b.normed.all(), dim, c.rmsEps(), rows);
        step(rec, "rms_norm");
        GpuOps.linear(rec, m.output, b.normed.all(), null, 0, dim, b.logits.all(), c.vocab(), rows, false);
        rec.barrier();
        long bytes = 4L * rows * c.vocab();
        rec.copy(b.logits.range(0, bytes), b.logitsHost.range(0, bytes));
        rec.barrier();
        timeline.mark(profile ? kind(rows) + " output " + m.output.kernelType() : "output");
        rec.end();
    }

    private static void matVec(CommandRecorder rec, WeightTensor w, BufferRange x, BufferRange up, int xStride,
                               BufferRange y, int yStride, int tokens, boolean accumulate) {
        GpuOps.linear(rec, w, x, up, 0, xStride, y, yStride, tokens, accumulate);
    }

    /** Which product kernel a projection of this many tokens runs, for the profile's labels. */
    private static String kind(int tokens) {
        return tokens >= GpuOps.MATMUL_MIN_TOKENS ? "matmul" : "matvec";
    }

    /** A barrier between dependent kernels; a timestamp per kernel group in profiling mode. */
    private void step(CommandRecorder rec, String kernel) {
        rec.barrier();
        if (profile) timeline.mark(kernel);
    }
}
