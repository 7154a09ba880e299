package tandem.engine.model;

/**
 * The hyper-parameters of a decoder-only transformer as the forward pass needs them, for every
 * backend. Built from GGUF metadata by {@link ModelConfigReader}.
 *
 * @param architecture   what differs between architectures (RoPE style, biases, q/k norm, block, experts)
 * @param dim            embedding length (residual stream width)
 * @param layers         transformer blocks
 * @param heads          query heads
 * @param kvHeads        key/value heads (grouped-query attention when fewer than heads)
 * @param headDim        elements per head ({@code key_length} when present, else dim / heads)
 * @param ropeDim        leading elements of each head that RoPE rotates ({@code rope.dimension_count})
 * @param ffn            feed-forward hidden width
 * @param vocab          vocabulary size (rows of the output projection)
 * @param rmsEps         epsilon of every RMS norm
 * @param ropeTheta      RoPE frequency base
 * @param contextLength  the context length the model was trained for
 * @param tiedOutput     no {@code output.weight}: logits use the token embedding matrix
 * @param extras         what only some architectures set (sliding window, scales, RoPE scaling, ...)
 * @param experts        the mixture-of-experts shape, or null for a dense FFN
 */
public record ModelConfig(Architecture architecture, int dim, int layers, int heads, int kvHeads, int headDim,
                          int ropeDim, int ffn, int vocab, float rmsEps, float ropeTheta, int contextLength,
                          boolean tiedOutput, ModelExtras extras, ExpertConfig experts) {
    /** A dense model without any of the {@link ModelExtras} features. */
    public ModelConfig(Architecture architecture, int dim, int layers, int heads, int kvHeads, int headDim,
                       int ropeDim, int ffn, int vocab, float rmsEps, float ropeTheta, int contextLength,
                       boolean tiedOutput) {
        this(architecture, dim, layers, heads, kvHeads, headDim, ropeDim, ffn, vocab, rmsEps, ropeTheta, contextLength,
                tiedOutput, ModelExtras.plain(Math.max(layers, 0), Math.max(headDim, 1)), null);
    }

    public ModelConfig {
        if (architecture.experts().isMixture() != (experts != null)) {
            throw new IllegalArgumentException(architecture.name() + (experts == null ? " needs" : " has no") + " experts");
        }
        requirePositive("embedding length", dim);
        requirePositive("block count", layers);
        requirePositive("head count", heads);
        requirePositive("KV head count", kvHeads);
        requirePositive("head dimension", headDim);
        requirePositive("feed-forward length", ffn);
        requirePositive("vocabulary size", vocab);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("head count " + heads + " is not a multiple of the KV head count " + kvHeads);
        }
        if (ropeDim <= 0 || ropeDim > headDim || ropeDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE dimension " + ropeDim + " must be even and in (0, " + headDim + "]");
        }
    }

    private static void requirePositive(String what, int value) {
        if (value <= 0) throw new IllegalArgumentException(what + " must be > 0, got " + value);
    }

    /** Width of all query heads together. */
    public int qDim() { return heads * headDim; }

    /** Width of all key (or value) heads together: one KV-cache row. */
    public int kvDim() { return kvHeads * headDim; }

    /** Query heads sharing one KV head. */
    public int groupSize() { return heads / kvHeads; }

    public RopeStyle ropeStyle() { return architecture.ropeStyle(); }

    public boolean qkvBias() { return architecture.qkvBias(); }

    public boolean qkNorm() { return architecture.qkNorm(); }

    public BlockStyle block() { return architecture.block(); }

    public boolean isMixture() { return experts != null; }

    /** Hidden FFN values per token: the dense width, or the used experts' widths together. */
    public int ffnActivations() { return experts == null ? ffn : experts.used() * experts.ffn(); }

    /** The FFN width tensor split cuts: each expert's width in a mixture, else the dense width. */
    public int ffnSplitWidth() { return experts == null ? ffn : experts.ffn(); }

    /**
     * The model as one device of a split sees it: these layers, heads, FFN columns (each expert's,
     * in a mixture) and vocabulary rows, everything else unchanged.
     */
    public ModelConfig slice(int layers, int heads, int kvHeads, int ffnColumns, int vocab) {
        return new ModelConfig(architecture, dim, layers, heads, kvHeads, headDim, ropeDim,
                experts == null ? ffnColumns : ffn, vocab, rmsEps, ropeTheta, contextLength, tiedOutput, extras,
                experts == null ? null : experts.withFfn(ffnColumns));
    }

    /** Whether layer {@code layer} (model numbering) attends through a sliding window. */
    public boolean sliding(int layer) { return extras.sliding(layer); }

    /** The positions layer {@code layer} attends to, itself included; 0 for all. */
    public int window(int layer) { return sliding(layer) ? extras.slidingWindow() : 0; }

    /** RoPE base of layer {@code layer}. */
    public float ropeTheta(int layer) { return sliding(layer) ? extras.slidingRopeTheta() : ropeTheta; }

    /**
     * Rows of layer {@code layer}'s KV cache for a context of {@code capacity} positions evaluated in
     * steps of at most {@code maxStep} tokens: a sliding-window layer keeps a ring of its window plus
     * one step (a step's first query still sees the window before it while the step writes its own
     * keys, as llama.cpp sizes its SWA cache), the others every position. Position t lives in row
     * t % rows.
     */
    public int cacheRows(int layer, int capacity, int maxStep) {
        return cacheRowsFor(window(layer), capacity, maxStep);
    }

    /** {@link #cacheRows(int, int, int)} of a layer with this window (0: none). */
    public static int cacheRowsFor(int window, int capacity, int maxStep) {
        return window > 0 ? (int) Math.min(capacity, (long) window + maxStep) : capacity;
    }

    /**
     * The smallest position a step may start at when positions up to {@code end} have been written:
     * rewinding further would need keys a ring has overwritten (0: any position).
     */
    public int earliestContinuation(int end, int capacity, int maxStep) {
        int earliest = 0;
        for (int l = 0; l < layers; l++) {
            int rows = cacheRows(l, capacity, maxStep);
            if (rows < capacity) earliest = Math.max(earliest, end - (rows - window(l) + 1));
        }
        return earliest;
    }

    /** Linear RoPE scale of layer {@code layer} (positions are multiplied by it). */
    public float ropeScale(int layer) { return sliding(layer) ? 1f : extras.ropeScale(); }

    /**
     * Whether the sliding-window layers turn their RoPE otherwise than the full-attention layers
     * (Gemma 3's own base; gpt-oss's windowed layers share the global one), so two tables are needed.
     */
    public boolean twoRopes() {
        return extras.anySliding() && (extras.slidingRopeTheta() != ropeTheta || extras.ropeScale() != 1f);
    }

    /** YaRN, applied on every layer, or null for none. */
    public RopeScaling yarn() { return extras.yarn(); }
}
