package tandem.engine.vulkan.model;

import tandem.engine.model.Activation;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.RopeStyle;
import tandem.engine.vulkan.BufferRange;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.GpuTimeline;
import tandem.engine.vulkan.Kernels;
import tandem.engine.vulkan.PromptKernel;
import tandem.engine.vulkan.RopeTable;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.WeightTensor;

/**
 * Records the kernels of the embedding lookup, transformer blocks and the output head on one
 * device: the one place that knows a block's kernel sequence, for one device and for every split.
 * The two places where a block adds to the residual stream go through a {@link ResidualAdd} (an
 * accumulating product on one device or under layer split, a product into the all-reduce under
 * tensor split). Where the block has post-norms (Gemma), the product goes to a scratch buffer
 * instead and its norm is added to the residual stream on every device. With a profiling timeline
 * every kernel group gets a labelled timestamp.
 */
public final class BlockRecorder {
    /**
     * Adds W·in to the residual stream, in = silu(in) * up where {@code up} is given (SwiGLU fused
     * into the down projection); returns the recorder to go on with (a new segment after an all-reduce).
     */
    public interface ResidualAdd {
        /**
         * @param kernel     "attn_output" or "ffn_down" (the block's last kernel), for labels
         * @param out        where the product goes: the residual stream, or the post-norm's scratch
         * @param accumulate add to {@code out} (the residual stream) instead of overwriting it
         */
        CommandRecorder add(CommandRecorder rec, String kernel, WeightTensor w, BufferRange in, BufferRange up, int inWidth,
                            BufferRange out, boolean accumulate);
    }

    private final ModelConfig c;
    private final ModelWeights m;
    private final SequenceBuffers b;
    private final GpuTimeline profile;

    /**
     * @param local   the model as this device sees it (its heads, FFN columns, vocabulary and layers)
     * @param profile a timeline to stamp after every kernel group, or null
     */
    public BlockRecorder(ModelConfig local, ModelWeights weights, SequenceBuffers buffers, GpuTimeline profile) {
        this.c = local;
        this.m = weights;
        this.b = buffers;
        this.profile = profile;
    }

    /** A barrier between dependent kernels; a timestamp per kernel group when profiling. */
    public void step(CommandRecorder rec, String kernel) {
        rec.computeBarrier();
        if (profile != null) profile.mark(kernel);
    }

    /** Which product kernel a projection of this many tokens runs on the device, for the profile's labels. */
    public static String kind(VulkanDevice device, int tokens) {
        if (tokens < GpuOps.MATMUL_MIN_TOKENS) return "matvec";
        PromptKernel k = PromptKernel.choose(device.physical());
        return k == PromptKernel.MATVEC ? "matvec-batch" : k.label();
    }

    /** Block {@code layer} (model numbering), its KV cache at {@code cacheIndex} of this device's buffers. */
    public CommandRecorder block(CommandRecorder rec, int layer, int cacheIndex, int tokens, ResidualAdd add) {
        int dim = c.dim(), qDim = c.qDim(), kvDim = c.kvDim(), ffn = c.ffn();
        BufferRange step = b.step.range();
        boolean neox = c.ropeStyle() == RopeStyle.NEOX;
        LayerWeights w = m.layer(layer);
        BufferRange rope = RopeTable.forLayer(m.ropeTable(), c, layer);
        float scale = c.extras().attentionScale();
        int window = c.window(layer);
        int ring = b.ring(cacheIndex);
        normedProjections(rec, w.attnNorm(), 0, tokens,
                new Projection(w.q(), b.q, qDim), new Projection(w.k(), b.k, kvDim), new Projection(w.v(), b.v, kvDim));
        step(rec, kind(rec.device(), tokens) + " qkv " + w.q().kernelType());
        AttentionExtras extras = m.extras(layer);
        if (extras.hasBiases()) {
            GpuOps.addBias(rec, b.q.all(), extras.qBias().all(), qDim, tokens);
            GpuOps.addBias(rec, b.k.all(), extras.kBias().all(), kvDim, tokens);
            GpuOps.addBias(rec, b.v.all(), extras.vBias().all(), kvDim, tokens);
            step(rec, "qkv bias");
        }
        if (extras.hasQkNorm()) {
            // Per-head RMS norm of queries and keys, in place (each row is one head).
            GpuOps.rmsNorm(rec, b.q.all(), 0, extras.qNorm().all(), b.q.all(), c.headDim(), c.rmsEps(), tokens * c.heads());
            GpuOps.rmsNorm(rec, b.k.all(), 0, extras.kNorm().all(), b.k.all(), c.headDim(), c.rmsEps(), tokens * c.kvHeads());
            step(rec, "q/k norm");
        }
        if (tokens == 1 && Kernels.decodeFusesRope()) {
            GpuOps.attentionRoped(rec, b.q.all(), b.k.all(), b.v.all(), b.keys.get(cacheIndex).all(),
                    b.values.get(cacheIndex).all(), rope, b.attended.all(), step, c.heads(), c.kvHeads(),
                    c.headDim(), c.ropeDim(), neox, b.attentionSplits, b.attentionPartials.all(), scale, window, ring);
            step(rec, "rope + attention");
        } else {
            GpuOps.ropeStore(rec, b.q.all(), b.k.all(), b.v.all(), b.keys.get(cacheIndex).all(), b.values.get(cacheIndex).all(),
                    rope, step, c.heads(), c.kvHeads(), c.headDim(), c.ropeDim(), neox, tokens, ring);
            step(rec, "rope + kv store");
            GpuOps.attention(rec, b.q.all(), b.keys.get(cacheIndex).all(), b.values.get(cacheIndex).all(), b.attended.all(),
                    step, c.heads(), c.kvHeads(), c.headDim(), tokens, tokens == 1 ? b.attentionSplits : 1,
                    b.attentionPartials.all(), scale, window, ring);
            step(rec, "attention");
        }
        PostNorms post = m.postNorms(layer);
        rec = residual(rec, add, "attn_output", w.attnOutput(), b.attended.all(), null, qDim, post.attention(), tokens);
        normedProjections(rec, w.ffnNorm(), 0, tokens, new Projection(w.gate(), b.gate, ffn), new Projection(w.up(), b.up, ffn));
        step(rec, kind(rec.device(), tokens) + " gate+up " + w.gate().kernelType());
        BufferRange up = b.up.all();
        if (c.block().activation() != Activation.SILU) {
            // the products fuse SiLU only: other activations are applied to the gate first
            GpuOps.glu(rec, c.block().activation(), b.gate.all(), up, tokens * ffn);
            step(rec, "glu");
            up = null;
        }
        // SwiGLU is fused into the down projection's input.
        return residual(rec, add, "ffn_down", w.down(), b.gate.all(), up, ffn, post.ffn(), tokens);
    }

    /**
     * x += W·in, or x += rmsnorm(W·in) * postNorm where the block has a post-norm: the product then
     * goes to the normed scratch (free at both residual adds: the projections that read it are done).
     */
    private CommandRecorder residual(CommandRecorder rec, ResidualAdd add, String kernel, WeightTensor w, BufferRange in,
                                     BufferRange up, int inWidth, GpuBuffer postNorm, int tokens) {
        if (postNorm == null) return add.add(rec, kernel, w, in, up, inWidth, b.x.all(), true);
        rec = add.add(rec, kernel, w, in, up, inWidth, b.normed.all(), false);
        GpuOps.rmsNormAdd(rec, b.normed.all(), postNorm.all(), b.x.all(), c.dim(), c.rmsEps(), tokens);
        step(rec, "post-norm");
        return rec;
    }

    /**
     * A residual add on this device alone: the product accumulates into the residual stream. The
     * barrier after it is the caller's (where a segment or layer ends it may stamp the timeline).
     */
    public CommandRecorder addLocally(CommandRecorder rec, WeightTensor w, BufferRange in, BufferRange up, int inWidth,
                                      BufferRange out, boolean accumulate, int tokens) {
        GpuOps.linear(rec, w, in, up, 0, inWidth, out, c.dim(), tokens, accumulate);
        return rec;
    }

    /** A projection of the normed residual stream into {@code out} ({@code width} floats per token). */
    private record Projection(WeightTensor weights, GpuBuffer out, int width) {}

    /**
     * RMS norm of the residual stream (rows from float {@code xOffset}) followed by projections of
     * it: for a few tokens the matrix-vector kernels norm their input themselves (no norm dispatch,
     * no barrier); for prompts one norm kernel writes the normed rows for the tiled products.
     */
    private void normedProjections(CommandRecorder rec, GpuBuffer normWeight, int xOffset, int tokens, Projection... projections) {
        int dim = c.dim();
        if (tokens < GpuOps.MATMUL_MIN_TOKENS) {
            for (Projection p : projections) {
                GpuOps.matVecNormed(rec, p.weights(), b.x.all(), normWeight.all(), c.rmsEps(), xOffset, dim,
                        p.out().all(), p.width(), tokens, false);
            }
            return;
        }
        GpuOps.rmsNorm(rec, b.x.all(), xOffset, normWeight.all(), b.normed.all(), dim, c.rmsEps(), tokens);
        step(rec, "rms_norm");
        for (Projection p : projections) {
            GpuOps.linear(rec, p.weights(), b.normed.all(), null, 0, dim, p.out().all(), p.width(), tokens, false);
        }
    }

    /** The token embedding lookup into the residual stream. */
    public void embedding(CommandRecorder rec, int tokens) {
        GpuOps.getRows(rec, m.embedding(), b.step.range(), 0, b.x.all(), tokens, c.extras().embeddingScale());
        rec.computeBarrier();
    }

    /** Final norm and this device's logits (its vocabulary rows) of the last or every position, copied to the host. */
    public void output(CommandRecorder rec, int tokens, boolean allLogits) {
        int dim = c.dim();
        int first = allLogits ? 0 : tokens - 1;
        int rows = tokens - first;
        normedProjections(rec, m.outputNorm(), first * dim, rows, new Projection(m.output(), b.logits, c.vocab()));
        rec.barrier();
        long bytes = 4L * rows * c.vocab();
        rec.copy(b.logits.range(0, bytes), b.logitsHost.range(0, bytes));
        rec.barrier();
    }
}
