package tandem.engine.vulkan.model;

import java.util.List;
import tandem.engine.model.Activation;
import tandem.engine.model.ExpertConfig;
import tandem.engine.model.ExpertStyle;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.RopeStyle;
import tandem.engine.tensor.GgmlType;
import tandem.engine.vulkan.AttentionCache;
import tandem.engine.vulkan.AttentionHeads;
import tandem.engine.vulkan.AttentionKernel;
import tandem.engine.vulkan.AttentionSplits;
import tandem.engine.vulkan.BufferRange;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.ExpertKernel;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.GpuTimeline;
import tandem.engine.vulkan.Int8Decode;
import tandem.engine.vulkan.Kernels;
import tandem.engine.vulkan.PromptKernel;
import tandem.engine.vulkan.QkNorm;
import tandem.engine.vulkan.RopeTable;
import tandem.engine.vulkan.Rotary;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.WeightTensor;

/**
 * Records the kernels of the embedding lookup, transformer blocks and the output head on one
 * device: the one place that knows a block's kernel sequence, for one device and for every split.
 * The two places where a block adds to the residual stream go through a {@link ResidualAdd} (an
 * accumulating product on one device or under layer split, a product into the all-reduce under
 * tensor split); a mixture's FFN routes each token to its experts on the GPU. Where the block has post-norms (Gemma), the product goes to a scratch buffer
 * instead and its norm is added to the residual stream on every device. With a profiling timeline
 * every kernel group gets a labelled timestamp.
 */
public final class BlockRecorder {
    /**
     * Adds a product (W·in, with SwiGLU fused into the down projection's input) to the residual
     * stream; returns the recorder to go on with (a new segment after an all-reduce).
     */
    public interface ResidualAdd {
        /**
         * @param site       which of the block's residual adds this is
         * @param weightType the product's weight type, for labels
         * @param out        where the summed product goes: the residual stream, or the post-norm's scratch
         * @param accumulate add to {@code out} (the residual stream) instead of overwriting it
         */
        CommandRecorder add(CommandRecorder rec, ResidualSite site, GgmlType weightType, Product product, BufferRange out,
                            boolean accumulate);
    }

    /** The two places a block adds to the residual stream, named by the product that ends them. */
    public enum ResidualSite {
        /** After attention: the attention output projection. */
        ATTENTION_OUTPUT("attn_output", false),
        /** After a dense feed-forward: its down projection; the layer ends here. */
        FFN_DOWN("ffn_down", true),
        /** After a mixture of experts: the chosen experts' down projections; the layer ends here. */
        EXPERT_DOWN("ffn_down_exps", true);

        private final String label;
        private final boolean endsLayer;

        ResidualSite(String label, boolean endsLayer) {
            this.label = label;
            this.endsLayer = endsLayer;
        }

        /** The tensor kind, for the profile's labels. */
        public String label() { return label; }

        /** Whether the layer's last kernel is this add's product. */
        public boolean endsLayer() { return endsLayer; }
    }

    /** The product a residual add records: this device's [tokens][dim] output written to (or added to) y. */
    public interface Product {
        void record(CommandRecorder rec, BufferRange y, boolean accumulate);
    }

    private final ModelConfig c;
    private final ModelWeights m;
    private final SequenceBuffers b;
    private final GpuTimeline profile;
    /** The sequences of a shared step, or null: one sequence, whose cache is {@link #b}'s. */
    private final StepRows rows;

    /**
     * @param local   the model as this device sees it (its heads, FFN columns, vocabulary and layers)
     * @param profile a timeline to stamp after every kernel group, or null
     */
    public BlockRecorder(ModelConfig local, ModelWeights weights, SequenceBuffers buffers, GpuTimeline profile) {
        this(local, weights, buffers, null, profile);
    }

    /**
     * A step several sequences share: {@code buffers} holds the activations of all their rows, each
     * part of {@code rows} its own cache (see {@link StepRows}); null rows: one sequence.
     */
    public BlockRecorder(ModelConfig local, ModelWeights weights, SequenceBuffers buffers, StepRows rows, GpuTimeline profile) {
        this.c = local;
        this.m = weights;
        this.b = buffers;
        this.rows = rows;
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

    /** {@link #kind(VulkanDevice, int)} of a projection of this weight type: "matvec-int8" where the int8 products take it. */
    public static String kind(VulkanDevice device, int tokens, GgmlType weightType) {
        boolean int8 = tokens < GpuOps.MATMUL_MIN_TOKENS && Int8Decode.serves(device, weightType);
        return int8 ? "matvec-int8" : kind(device, tokens);
    }

    /** Block {@code layer} (model numbering), its KV cache at {@code cacheIndex} of this device's buffers. */
    public CommandRecorder block(CommandRecorder rec, int layer, int cacheIndex, int tokens, ResidualAdd add) {
        int dim = c.dim(), qDim = c.qDim(), kvDim = c.kvDim(), ffn = c.ffn();
        LayerWeights w = m.layer(layer);
        normedProjections(rec, w.attnNorm(), 0, tokens,
                new Projection(w.q(), b.q, qDim), new Projection(w.k(), b.k, kvDim), new Projection(w.v(), b.v, kvDim));
        step(rec, kind(rec.device(), tokens, w.q().type()) + " qkv " + w.q().type().label());
        AttentionExtras extras = w.extras();
        if (extras.hasBiases()) {
            GpuOps.addBias(rec, b.q.all(), extras.qBias().all(), qDim, tokens);
            GpuOps.addBias(rec, b.k.all(), extras.kBias().all(), kvDim, tokens);
            GpuOps.addBias(rec, b.v.all(), extras.vBias().all(), kvDim, tokens);
            step(rec, "qkv bias");
        }
        QkNorm qkNorm = null;
        if (extras.hasQkNorm() && attentionNormsQk(tokens)) {
            qkNorm = new QkNorm(extras.qNorm().all(), extras.kNorm().all(), c.rmsEps());
        } else if (extras.hasQkNorm()) {
            // Per-head RMS norm of queries and keys, in place (each row is one head).
            GpuOps.rmsNorm(rec, b.q.all(), 0, extras.qNorm().all(), b.q.all(), c.headDim(), c.rmsEps(), tokens * c.heads());
            GpuOps.rmsNorm(rec, b.k.all(), 0, extras.kNorm().all(), b.k.all(), c.headDim(), c.rmsEps(), tokens * c.kvHeads());
            step(rec, "q/k norm");
        }
        Int8Decode.Input attendedCodes = attention(rec, layer, cacheIndex, tokens, extras.sinks() == null ? null : extras.sinks().all(),
                w.attnOutput(), qkNorm);
        PostNorms post = w.post();
        rec = residual(rec, add, ResidualSite.ATTENTION_OUTPUT, w.attnOutput().type(), (r, y, accumulate) -> {
            if (attendedCodes != null) GpuOps.matVecInt8(r, w.attnOutput(), attendedCodes, y, dim, accumulate);
            else product(r, w.attnOutput(), b.attended.all(), null, 0, qDim, y, dim, tokens, accumulate);
            if (extras.outputBias() != null) {
                r.computeBarrier();
                GpuOps.addBias(r, y, extras.outputBias().all(), dim, tokens);
            }
        }, post.attention(), tokens);
        ExpertWeights experts = w.experts();
        if (experts != null) return expertFfn(rec, w, experts, tokens, add, post.ffn());
        if (quantizesGlu(rec.device(), w, tokens)) return gluQuantizingFfn(rec, w, add, post.ffn());
        normedProjections(rec, w.ffnNorm(), 0, tokens, new Projection(w.gate(), b.gate, ffn), new Projection(w.up(), b.up, ffn));
        step(rec, kind(rec.device(), tokens, w.gate().type()) + " gate+up " + w.gate().type().label());
        BufferRange up;
        if (c.block().activation() != Activation.SILU) {
            // the products fuse SiLU only: other activations are applied to the gate first
            GpuOps.glu(rec, c.block().activation(), b.gate.all(), b.up.all(), tokens * ffn);
            step(rec, "glu");
            up = null;
        } else {
            up = b.up.all();
        }
        // SwiGLU is fused into the down projection's input (on the matrix units: into its float16 conversion).
        return residual(rec, add, ResidualSite.FFN_DOWN, w.down().type(), (r, y, accumulate) ->
                product(r, w.down(), b.gate.all(), up, 0, ffn, y, dim, tokens, accumulate),
                post.ffn(), tokens);
    }

    /**
     * Whether a decode token's gate and up products write the down projection's int8 input themselves
     * ({@link GpuOps#matVecInt8Glu}): one sequence, SwiGLU, all three projections on the int8 products. Opt-in
     * ({@code -Dtandem.decode.quantizeGlu=true}): on an H100 (8B Q4_K, 2026-12-08, one call) it ran tg128 at 244.7 ± 9.5
     * tokens/s against 250.8 ± 12.5 with the quantize dispatch, within the runs' spread.
     */
    private boolean quantizesGlu(VulkanDevice device, LayerWeights w, int tokens) {
        return tokens == 1 && rows == null && c.block().activation() == Activation.SILU && Int8Decode.serves(device, w.down())
                && GpuOps.quantizesGlu(device, w.gate(), w.up()) && "true".equals(System.getProperty("tandem.decode.quantizeGlu"));
    }

    /** A decode token's dense FFN whose gate and up products quantize down's input (see {@link #quantizesGlu}). */
    private CommandRecorder gluQuantizingFfn(CommandRecorder rec, LayerWeights w, ResidualAdd add, GpuBuffer postNorm) {
        int dim = c.dim();
        Int8Decode.Input normed = quantizeResidual(rec, w.ffnNorm(), 0, 1);
        step(rec, "quantize q8_1");
        Int8Decode.Input glu = new Int8Decode.Input(b.gluCodes.all(), w.gate().rows(), 1);
        GpuOps.matVecInt8Glu(rec, w.gate(), w.up(), normed, b.gate.all(), b.up.all(), glu, b.gluCounters.all());
        step(rec, "matvec-int8 gate+up + quantize glu " + w.gate().type().label());
        return residual(rec, add, ResidualSite.FFN_DOWN, w.down().type(),
                (r, y, accumulate) -> GpuOps.matVecInt8(r, w.down(), glu, y, dim, accumulate), postNorm, 1);
    }

    /** A sequence's cache of one layer as the attention kernels read it. */
    private static AttentionCache cacheOf(SequenceBuffers s, int cacheIndex, int window) {
        return new AttentionCache(s.keys.get(cacheIndex).all(), s.values.get(cacheIndex).all(), s.cacheType, window,
                s.ring(cacheIndex));
    }

    /**
     * RoPE, the KV-cache append and attention of each sequence of the step on its own cache and
     * position: a decode token in one kernel (when fused), a prompt's rows through rope_store and
     * the prompt attention. The sequences' kernels are independent, so they share the barriers.
     */
    private Int8Decode.Input attention(CommandRecorder rec, int layer, int cacheIndex, int tokens, BufferRange sinks,
                                       WeightTensor outputWeights, QkNorm qkNorm) {
        boolean neox = c.ropeStyle() == RopeStyle.NEOX;
        BufferRange rope = RopeTable.forLayer(m.ropeTable(), c, layer);
        float scale = c.extras().attentionScale();
        int window = c.window(layer);
        AttentionHeads heads = new AttentionHeads(c.heads(), c.kvHeads(), c.headDim(), scale);
        List<StepRows.Part> parts = parts(tokens);
        boolean stored = false;
        for (StepRows.Part p : parts) {
            if (fusesRope(p)) continue;
            stored = true;
            SequenceBuffers s = p.cache();
            GpuOps.ropeStore(rec, heads, rowsOf(b.q, p, c.qDim()), rowsOf(b.k, p, c.kvDim()), rowsOf(b.v, p, c.kvDim()),
                    cacheOf(s, cacheIndex, window), new Rotary(rope, c.ropeDim(), neox), s.step.range(), p.tokens());
        }
        if (stored) step(rec, "rope + kv store");
        for (StepRows.Part p : parts) {
            SequenceBuffers s = p.cache();
            BufferRange q = rowsOf(b.q, p, c.qDim()), out = rowsOf(b.attended, p, c.qDim());
            AttentionCache cache = cacheOf(s, cacheIndex, window);
            AttentionSplits splits = new AttentionSplits(s.attentionSplits, s.attentionPartials.all());
            if (parts.size() == 1 && quantizesAttention(rec.device(), p, splits, outputWeights)) {
                Int8Decode.Input codes = new Int8Decode.Input(b.halves.all(), c.qDim(), 1);
                GpuOps.attentionRopedQuantized(rec, heads, q, rowsOf(b.k, p, c.kvDim()), rowsOf(b.v, p, c.kvDim()), qkNorm, cache,
                        new Rotary(rope, c.ropeDim(), neox), codes, s.step.range(), splits, sinks);
                step(rec, (qkNorm != null ? "q/k norm + " : "") + "rope + attention + quantize");
                return codes;
            }
            if (fusesRope(p)) {
                GpuOps.attentionRoped(rec, heads, q, rowsOf(b.k, p, c.kvDim()), rowsOf(b.v, p, c.kvDim()), qkNorm, cache,
                        new Rotary(rope, c.ropeDim(), neox), out, s.step.range(), splits, sinks);
            } else {
                GpuOps.attention(rec, AttentionKernel.forced(), heads, q, cache, out, s.step.range(), p.tokens(),
                        p.tokens() == 1 ? splits : AttentionSplits.NONE, sinks);
            }
        }
        step(rec, stored ? "attention" : (qkNorm != null ? "q/k norm + " : "") + "rope + attention");
        return null;
    }

    private static boolean fusesRope(StepRows.Part p) {
        return p.tokens() == 1 && Kernels.decodeFusesRope();
    }

    /** The step's sequences, each with its rows and cache (one sequence: the whole step). */
    private List<StepRows.Part> parts(int tokens) {
        return rows == null ? List.of(new StepRows.Part(0, tokens, b)) : rows.parts();
    }

    /**
     * Whether the attention kernels norm the queries and keys themselves (Qwen3, Gemma 3): where every sequence of the
     * step is a decode token whose attention ropes its own query and key, so the q/k norm dispatch and its barrier go.
     * Opt-in ({@code -Dtandem.decode.fuseQkNorm=true}): on an H100 (Qwen3-30B-A3B Q4_K, one attention range, 2026-12-08)
     * it ran tg128 at 180.9 tokens/s against 192.1 with the separate norm, whose 36 workgroups norm in parallel what
     * the attention's 4 would do one after another.
     */
    private boolean attentionNormsQk(int tokens) {
        return parts(tokens).stream().allMatch(BlockRecorder::fusesRope) && "true".equals(System.getProperty("tandem.decode.fuseQkNorm"));
    }

    /**
     * Whether a decode token's attention writes its output as the int8 input of the output projection (the combine of its
     * split ranges quantizes: {@link GpuOps#attentionRopedQuantized}), where that projection takes the int8 products anyway.
     * {@code -Dtandem.decode.quantizeAttention=false} keeps the separate quantize dispatch, to compare.
     */
    private boolean quantizesAttention(VulkanDevice device, StepRows.Part p, AttentionSplits splits, WeightTensor outputWeights) {
        return fusesRope(p) && splits.count() > 1 && c.headDim() % Int8Decode.BLOCK == 0 && Int8Decode.serves(device, outputWeights)
                && !"false".equals(System.getProperty("tandem.decode.quantizeAttention"));
    }

    /** A part's rows of an activation buffer of {@code width} floats per row (the whole buffer for one sequence). */
    private BufferRange rowsOf(GpuBuffer buffer, StepRows.Part p, int width) {
        if (rows == null) return buffer.all();
        return buffer.range(4L * p.row() * width, 4L * p.tokens() * width);
    }

    /**
     * A product of several tokens' rows: in a step several sequences share, up to
     * {@link GpuOps#SHARED_MATVEC_MAX_TOKENS} rows take the matrix-vector kernel that reads each
     * weight once for all of them; otherwise what {@link GpuOps#linear} chooses.
     */
    private void product(CommandRecorder rec, WeightTensor w, BufferRange x, BufferRange up, int xOffset, int xStride,
                         BufferRange y, int yStride, int tokens, boolean accumulate) {
        if (sharesWeightReads(tokens) && Int8Decode.serves(rec.device(), w)) {
            // the int8 products here too, so a sequence's tokens do not depend on whether it shares its steps
            Int8Decode.Input codes = GpuOps.quantizeInput(rec, x, up, null, 0f, xOffset, xStride, w.cols(), tokens, b.halves.all());
            rec.computeBarrier();
            GpuOps.matVecInt8Shared(rec, w, codes, y, yStride, accumulate);
        } else if (sharesWeightReads(tokens)) {
            GpuOps.matVecShared(rec, w, x, up, xOffset, xStride, y, yStride, tokens, accumulate);
        } else {
            GpuOps.linear(rec, w, x, up, xOffset, xStride, y, yStride, tokens, accumulate, b.halves.all());
        }
    }

    private boolean sharesWeightReads(int tokens) {
        return rows != null && rows.shared() && tokens > 1 && GpuOps.sharesWeightReads(tokens);
    }

    /**
     * A mixture-of-experts FFN, all on the GPU: norm, router logits, routing (ids and weights into
     * the step's buffers), the chosen experts' gate and up rows per (token, expert), and their down
     * rows summed with the routing weights into the residual add. Prompts group the pairs by expert
     * first ({@link #groupedExperts}).
     */
    private CommandRecorder expertFfn(CommandRecorder rec, LayerWeights w, ExpertWeights e, int tokens, ResidualAdd add,
                                      GpuBuffer postNorm) {
        int dim = c.dim();
        ExpertConfig shape = c.experts();
        int count = shape.count(), used = shape.used(), width = shape.ffn();
        int glu = c.architecture().experts() == ExpertStyle.OAI ? 2 : 1;
        ExpertKernel kernel = tokens < GpuOps.MATMUL_MIN_TOKENS ? ExpertKernel.MATVEC : ExpertKernel.choose(rec.device().physical());
        if (kernel.onHalves() && (dim % 8 != 0 || width % 8 != 0)) kernel = ExpertKernel.MATMUL;
        // Decode (a few tokens): the router and the experts norm their input themselves, no norm dispatch or barrier.
        boolean fusedNorm = tokens < GpuOps.MATMUL_MIN_TOKENS;
        if (fusedNorm) {
            GpuOps.matVecNormed(rec, e.router(), b.x.all(), w.ffnNorm().all(), c.rmsEps(), 0, dim, b.routerLogits.all(), count,
                    tokens, false);
        } else {
            GpuOps.rmsNorm(rec, b.x.all(), 0, w.ffnNorm().all(), b.normed.all(), dim, c.rmsEps(), tokens);
            step(rec, "rms_norm");
            GpuOps.linear(rec, e.router(), b.normed.all(), null, 0, dim, b.routerLogits.all(), count, tokens, false, b.halves.all());
        }
        // The int8 experts' input (the normed residual stream, quantized) does not depend on the routing: it is quantized
        // beside the router, sharing its barrier, instead of after the routing with a barrier of its own.
        boolean int8 = !kernel.grouped() && takesInt8Experts(rec.device(), e, width);
        Int8Decode.Input normedCodes = int8 ? quantizeResidual(rec, w.ffnNorm(), 0, tokens) : null;
        step(rec, kind(rec.device(), tokens) + " router " + e.router().type().label() + (int8 ? " + quantize q8_1" : ""));
        GpuOps.routeExperts(rec, b.routerLogits.all(), e.routerBias() == null ? null : e.routerBias().all(),
                b.expertIds.all(), b.expertWeights.all(), count, used, tokens);
        step(rec, "route");
        if (kernel.grouped()) return groupedExperts(rec, kernel, e, glu, tokens, add, postNorm);
        if (int8) return int8Experts(rec, e, normedCodes, glu, tokens, add, postNorm);
        for (boolean gate : new boolean[] {true, false}) {
            WeightTensor weights = gate ? e.gate() : e.up();
            GpuBuffer bias = gate ? e.gateBias() : e.upBias();
            BufferRange out = gate ? b.gate.all() : b.up.all();
            if (fusedNorm) {
                GpuOps.expertMatVecNormed(rec, weights, count, b.x.all(), w.ffnNorm().all(), c.rmsEps(), dim, b.expertIds.all(),
                        bias == null ? null : bias.all(), out, width, used, tokens);
            } else {
                GpuOps.expertMatVec(rec, weights, count, b.normed.all(), dim, b.expertIds.all(), bias == null ? null : bias.all(),
                        out, width, used, tokens);
            }
        }
        step(rec, "experts gate+up " + e.gate().type().label());
        return residual(rec, add, ResidualSite.EXPERT_DOWN, e.down().type(), (r, y, accumulate) -> GpuOps.expertDown(r, e.down(),
                count, glu, b.gate.all(), b.up.all(), width, b.expertIds.all(), b.expertWeights.all(),
                e.downBias() == null ? null : e.downBias().all(), y, dim, used, tokens, accumulate), postNorm, tokens);
    }

    /** Whether a decode step's experts take the int8 products: gate, up and down all of types Int8Decode serves, whole input blocks. */
    private boolean takesInt8Experts(VulkanDevice device, ExpertWeights e, int width) {
        return Int8Decode.servesExperts(device, e.gate().type()) && Int8Decode.servesExperts(device, e.up().type())
                && Int8Decode.servesExperts(device, e.down().type()) && c.dim() % Int8Decode.BLOCK == 0 && width % Int8Decode.BLOCK == 0;
    }

    /**
     * The experts of a decode step on packed int8 dot products, as the dense projections: rmsnorm of
     * the residual stream quantized once per token for gate and up, glu(gate, up) quantized once per
     * (token, expert) pair for down, whose router-weighted sum is the residual add. Both quantized
     * inputs go to the float16 scratch that decode steps leave unused (the second after gate and up
     * are done with the first).
     */
    private CommandRecorder int8Experts(CommandRecorder rec, ExpertWeights e, Int8Decode.Input normed, int glu, int tokens,
                                        ResidualAdd add, GpuBuffer postNorm) {
        int dim = c.dim();
        ExpertConfig shape = c.experts();
        int count = shape.count(), used = shape.used(), width = shape.ffn(), pairs = tokens * used;
        GpuOps.expertMatVecInt8(rec, e.gate(), count, false, normed, b.expertIds.all(), null,
                e.gateBias() == null ? null : e.gateBias().all(), b.gate.all(), width, used, tokens, false);
        GpuOps.expertMatVecInt8(rec, e.up(), count, false, normed, b.expertIds.all(), null,
                e.upBias() == null ? null : e.upBias().all(), b.up.all(), width, used, tokens, false);
        step(rec, "int8 experts gate+up " + e.gate().type().label());
        Int8Decode.Input hidden = GpuOps.quantizeInput(rec, b.gate.all(), b.up.all(), glu, null, 0f, 0, width, width, pairs,
                b.halves.all());
        step(rec, "quantize q8_1 glu");
        return residual(rec, add, ResidualSite.EXPERT_DOWN, e.down().type(), (r, y, accumulate) -> GpuOps.expertMatVecInt8(r,
                e.down(), count, true, hidden, b.expertIds.all(), b.expertWeights.all(),
                e.downBias() == null ? null : e.downBias().all(), y, dim, used, tokens, accumulate), postNorm, tokens);
    }

    /**
     * The experts of a prompt step with its (token, expert) pairs grouped by expert, so each chosen
     * expert's weights are read once per tile of its pairs: gate and up into [pair][width], their gated
     * product through down into [pair][dim] (biases added per pair), then the router-weighted sum of each
     * token's pairs as the residual add. On the matrix units the inputs go through float16 rows first.
     */
    private CommandRecorder groupedExperts(CommandRecorder rec, ExpertKernel kernel, ExpertWeights e, int glu, int tokens,
                                           ResidualAdd add, GpuBuffer postNorm) {
        int dim = c.dim();
        ExpertConfig shape = c.experts();
        int count = shape.count(), used = shape.used(), width = shape.ffn(), pairs = tokens * used;
        BufferRange groups = b.expertGroups.all();
        GpuOps.groupExperts(rec, b.expertIds.all(), groups, count, pairs, kernel.tileColumns());
        BufferRange input = b.normed.all();
        if (kernel.onHalves()) {
            GpuOps.toHalves(rec, b.normed.all(), null, 0, dim, dim, tokens, b.halves.all());
            input = b.halves.all();
        }
        step(rec, "group experts");
        GpuOps.groupedExperts(rec, kernel, e.gate(), count, input, null, 0, dim, used, groups,
                e.gateBias() == null ? null : e.gateBias().all(), b.gate.all(), width, pairs);
        GpuOps.groupedExperts(rec, kernel, e.up(), count, input, null, 0, dim, used, groups,
                e.upBias() == null ? null : e.upBias().all(), b.up.all(), width, pairs);
        step(rec, kernel.label() + " experts gate+up " + e.gate().type().label());
        BufferRange hidden = b.gate.all();
        if (kernel.onHalves()) {
            GpuOps.gatedHalves(rec, b.gate.all(), b.up.all(), glu, width, pairs, b.halves.all());
            step(rec, "to_halves");
            hidden = b.halves.all();
        }
        GpuOps.groupedExperts(rec, kernel, e.down(), count, hidden, b.up.all(), glu, width, 1, groups,
                e.downBias() == null ? null : e.downBias().all(), b.expertProducts.all(), dim, pairs);
        step(rec, kernel.label() + " experts down " + e.down().type().label());
        return residual(rec, add, ResidualSite.EXPERT_DOWN, e.down().type(), (r, y, accumulate) -> GpuOps.combineExperts(r,
                b.expertProducts.all(), b.expertWeights.all(), y, dim, dim, used, tokens, accumulate), postNorm, tokens);
    }

    /**
     * x += product, or x += rmsnorm(product) * postNorm where the block has a post-norm: the product then
     * goes to the normed scratch (free at both residual adds: the projections that read it are done).
     */
    private CommandRecorder residual(CommandRecorder rec, ResidualAdd add, ResidualSite site, GgmlType weightType, Product product,
                                     GpuBuffer postNorm, int tokens) {
        if (postNorm == null) return add.add(rec, site, weightType, product, b.x.all(), true);
        rec = add.add(rec, site, weightType, product, b.normed.all(), false);
        GpuOps.rmsNormAdd(rec, b.normed.all(), postNorm.all(), b.x.all(), c.dim(), c.rmsEps(), tokens);
        step(rec, "post-norm");
        return rec;
    }

    /**
     * A residual add on this device alone: the product goes straight to {@code out}. The barrier
     * after it is the caller's (where a segment or layer ends it may stamp the timeline).
     */
    public CommandRecorder addLocally(CommandRecorder rec, Product product, BufferRange out, boolean accumulate) {
        product.record(rec, out, accumulate);
        return rec;
    }

    /** A projection of the normed residual stream into {@code out} ({@code width} floats per token). */
    private record Projection(WeightTensor weights, GpuBuffer out, int width) {}

    /**
     * RMS norm of the residual stream (rows from float {@code xOffset}) followed by projections of
     * it: for a few tokens the matrix-vector kernels norm their input themselves (no norm dispatch,
     * no barrier); for prompts one norm kernel writes the normed rows for the tiled products, which
     * on the matrix units share one float16 conversion of them.
     */
    private void normedProjections(CommandRecorder rec, GpuBuffer normWeight, int xOffset, int tokens, Projection... projections) {
        int dim = c.dim();
        if (sharesWeightReads(tokens)) {
            // as a sequence's own decode steps: the same quantization, so the int8 products give the same rows
            Int8Decode.Input codes = quantizeNormed(rec, normWeight, xOffset, tokens, projections);
            boolean floats = false;
            for (Projection p : projections) floats |= codes == null || !Int8Decode.serves(rec.device(), p.weights());
            if (floats) {
                GpuOps.rmsNorm(rec, b.x.all(), xOffset, normWeight.all(), b.normed.all(), dim, c.rmsEps(), tokens);
                step(rec, "rms_norm");
            }
            for (Projection p : projections) {
                if (codes != null && Int8Decode.serves(rec.device(), p.weights())) {
                    GpuOps.matVecInt8Shared(rec, p.weights(), codes, p.out().all(), p.width(), false);
                } else {
                    product(rec, p.weights(), b.normed.all(), null, 0, dim, p.out().all(), p.width(), tokens, false);
                }
            }
            return;
        }
        if (tokens < GpuOps.MATMUL_MIN_TOKENS) {
            Int8Decode.Input codes = quantizeNormed(rec, normWeight, xOffset, tokens, projections);
            for (Projection p : projections) {
                if (codes != null && Int8Decode.serves(rec.device(), p.weights())) {
                    GpuOps.matVecInt8(rec, p.weights(), codes, p.out().all(), p.width(), false);
                } else {
                    GpuOps.matVecNormed(rec, p.weights(), b.x.all(), normWeight.all(), c.rmsEps(), xOffset, dim,
                            p.out().all(), p.width(), tokens, false);
                }
            }
            return;
        }
        GpuOps.rmsNorm(rec, b.x.all(), xOffset, normWeight.all(), b.normed.all(), dim, c.rmsEps(), tokens);
        step(rec, "rms_norm");
        boolean matrixUnits = true;
        for (Projection p : projections) matrixUnits &= GpuOps.promptsOnMatrixUnits(rec.device(), p.weights());
        if (matrixUnits) {
            GpuOps.toHalves(rec, b.normed.all(), null, 0, dim, dim, tokens, b.halves.all());
            step(rec, "to_halves");
            for (Projection p : projections) {
                GpuOps.coopMatOnHalves(rec, p.weights(), b.halves.all(), p.out().all(), p.width(), tokens, false);
            }
            return;
        }
        for (Projection p : projections) {
            GpuOps.linear(rec, p.weights(), b.normed.all(), null, 0, dim, p.out().all(), p.width(), tokens, false, b.halves.all());
        }
    }

    /**
     * Where the int8 products (Int8Decode#wantedOn) take any of the projections: rmsnorm of the
     * residual stream's rows quantized once for all of them, into the float16 scratch that steps of a
     * few rows leave unused, and the barrier after it; else null.
     */
    private Int8Decode.Input quantizeNormed(CommandRecorder rec, GpuBuffer normWeight, int xOffset, int tokens,
                                            Projection... projections) {
        for (Projection p : projections) {
            if (!Int8Decode.serves(rec.device(), p.weights())) continue;
            Int8Decode.Input codes = quantizeResidual(rec, normWeight, xOffset, tokens);
            step(rec, "quantize q8_1");
            return codes;
        }
        return null;
    }

    /** rmsnorm(residual stream) * normWeight of {@code tokens} rows from float {@code xOffset}, quantized into the int8 scratch. */
    private Int8Decode.Input quantizeResidual(CommandRecorder rec, GpuBuffer normWeight, int xOffset, int tokens) {
        return GpuOps.quantizeInput(rec, b.x.all(), null, normWeight.all(), c.rmsEps(), xOffset, c.dim(), c.dim(), tokens,
                b.halves.all());
    }

    /** The token embedding lookup into the residual stream. */
    public void embedding(CommandRecorder rec, int tokens) {
        GpuOps.getRows(rec, m.embedding(), b.step.range(), 0, b.x.all(), tokens, c.extras().embeddingScale());
        rec.computeBarrier();
    }

    /** Final norm and this device's logits (its vocabulary rows) of the last or every position, copied to the host. */
    public void output(CommandRecorder rec, int tokens, boolean allLogits) {
        int dim = c.dim();
        int first = rows != null ? rows.firstLogitRow() : allLogits ? 0 : tokens - 1;
        int rows = tokens - first;
        normedProjections(rec, m.outputNorm(), first * dim, rows, new Projection(m.output(), b.logits, c.vocab()));
        rec.barrier();
        long bytes = 4L * rows * c.vocab();
        rec.copy(b.logits.range(0, bytes), b.logitsHost.range(0, bytes));
        rec.barrier();
    }
}
