package tandem.engine.vulkan;

import java.util.List;
import tandem.engine.api.TandemException;

/**
 * Records the engine's kernels into a command buffer: the GPU counterpart of CpuOps, one method
 * per kernel, with the dispatch geometry worked out here. Offsets and sizes are in floats unless
 * named otherwise. Nothing waits: callers add {@link CommandRecorder#barrier()} between dependent
 * kernels and submit when they are done.
 */
public final class GpuOps {
    private GpuOps() {}

    /** A dispatch dimension may hold at most 65535 workgroups; larger counts continue in z. */
    private static final int MAX_GROUPS_X = 65535;

    /**
     * y[t][yRow0 + r] (+)= W[r] . x[xOffset + t * xStride ...] for every token t < tokens.
     *
     * @param up         null, or the SwiGLU's up values (laid out like x): the input is then silu(x) * up
     * @param accumulate add to y (a fused residual add) instead of overwriting it
     */
    public static void matVec(CommandRecorder rec, WeightTensor w, BufferRange x, BufferRange up, int xOffset,
                              int xStride, BufferRange y, int yStride, int tokens, boolean accumulate) {
        matVec(rec, w, x, up, null, 0f, xOffset, xStride, y, yStride, tokens, accumulate, 1);
    }

    /**
     * {@link #matVec} of rmsnorm(x) * normWeight: the RMS norm that precedes a projection, computed
     * by every workgroup from x itself (decode: saves a dispatch and a barrier).
     */
    public static void matVecNormed(CommandRecorder rec, WeightTensor w, BufferRange x, BufferRange normWeight, float eps,
                                    int xOffset, int xStride, BufferRange y, int yStride, int tokens, boolean accumulate) {
        matVec(rec, w, x, null, normWeight, eps, xOffset, xStride, y, yStride, tokens, accumulate, 1);
    }

    /** @param tokensPerGroup tokens each workgroup serves with one dequantization of its weights */
    private static void matVec(CommandRecorder rec, WeightTensor w, BufferRange x, BufferRange up, BufferRange norm,
                               float eps, int xOffset, int xStride, BufferRange y, int yStride, int tokens, boolean accumulate,
                               int tokensPerGroup) {
        requireVec4Input(w, xOffset, xStride);
        Kernels k = Kernels.of(rec.device());
        int rowsPerGroup = tokensPerGroup == 1 ? k.matvecRowsFor(w.type(), w.rows()) : k.matvecRows(w.type());
        ComputePipeline p = k.matvec(w.type(), up != null, norm != null, tokensPerGroup, rowsPerGroup);
        for (WeightTensor.Slice s : w.slices()) {
            int groups = (s.rows() + rowsPerGroup - 1) / rowsPerGroup;
            int gx = Math.min(groups, MAX_GROUPS_X);
            int gz = (groups + gx - 1) / gx;
            rec.dispatch(p, List.of(s.buffer().all(), x, y, up != null ? up : x, norm != null ? norm : x),
                    new int[] {w.cols(), s.rows(), xOffset, xStride, s.firstRow(), yStride, accumulate ? 1 : 0,
                            Float.floatToRawIntBits(eps), tokens},
                    gx, (tokens + tokensPerGroup - 1) / tokensPerGroup, gz);
        }
    }

    /**
     * tokens rows of x (from float xOffset, xStride apart; cols values each) quantized into
     * {@code scratch} for {@link #matVecInt8}: blocks of 32 int8 codes with their scale and sum. The
     * input is silu(x) * up with {@code up}, rmsnorm(x) * normWeight with {@code norm} (then the
     * norm of each product's own workgroups is not needed). One quantized input serves every product
     * of it (q/k/v, gate/up) after a barrier.
     */
    public static Int8Decode.Input quantizeInput(CommandRecorder rec, BufferRange x, BufferRange up, BufferRange norm, float eps,
                                                 int xOffset, int xStride, int cols, int tokens, BufferRange scratch) {
        return quantizeInput(rec, x, up, up != null ? 1 : 0, norm, eps, xOffset, xStride, cols, tokens, scratch);
    }

    /** {@link #quantizeInput} of glu(x, up): 1 silu(x) * up, 2 gpt-oss's clamped SwiGLU (0: x, up unused). */
    public static Int8Decode.Input quantizeInput(CommandRecorder rec, BufferRange x, BufferRange up, int glu, BufferRange norm,
                                                 float eps, int xOffset, int xStride, int cols, int tokens, BufferRange scratch) {
        if ((glu != 0) != (up != null)) throw new IllegalArgumentException("a gated int8 input needs up, glu " + glu);
        if (xOffset % 4 != 0 || xStride % 4 != 0) {
            throw new IllegalArgumentException("int8 input offsets and strides must be multiples of 4, got " + xOffset + ", " + xStride);
        }
        Int8Decode.Input q = new Int8Decode.Input(scratch, cols, tokens);
        Kernels k = Kernels.of(rec.device());
        int wg = k.reductionWorkgroup();
        rec.dispatch(k.quantizeQ8(glu, norm != null), List.of(x, up != null ? up : x, norm != null ? norm : x, scratch),
                new int[] {cols, xOffset, xStride, Float.floatToRawIntBits(eps), q.scalesIndex()},
                (q.blocksPerToken() + wg - 1) / wg, tokens, 1);
        return q;
    }

    /** y[t][yRow0 + r] (+)= W[r] . x[t] on packed int8 dot products, x quantized by {@link #quantizeInput} (a barrier before). */
    public static void matVecInt8(CommandRecorder rec, WeightTensor w, Int8Decode.Input x, BufferRange y, int yStride,
                                  boolean accumulate) {
        matVecInt8(rec, w, x, y, yStride, accumulate, 1);
    }

    /**
     * {@link #matVecInt8} with each workgroup serving up to the device's tokens per workgroup, each
     * part of a row read once for all of them: the int8 counterpart of {@link #matVecShared}.
     */
    public static void matVecInt8Shared(CommandRecorder rec, WeightTensor w, Int8Decode.Input x, BufferRange y, int yStride,
                                        boolean accumulate) {
        int perGroup = Math.min(x.tokens(), Kernels.of(rec.device()).promptTokensPerGroup(w.type()));
        matVecInt8(rec, w, x, y, yStride, accumulate, perGroup);
    }

    private static void matVecInt8(CommandRecorder rec, WeightTensor w, Int8Decode.Input x, BufferRange y, int yStride,
                                   boolean accumulate, int tokensPerGroup) {
        if (x.cols() != w.cols()) throw new IllegalArgumentException(w.name() + " has " + w.cols() + " columns, its int8 input " + x.cols());
        Kernels k = Kernels.of(rec.device());
        ComputePipeline p = k.matvecInt8(w.type(), tokensPerGroup);
        int rowsPerGroup = k.int8MatvecRows(w.type(), tokensPerGroup);
        for (WeightTensor.Slice s : w.slices()) {
            int groups = (s.rows() + rowsPerGroup - 1) / rowsPerGroup;
            int gx = Math.min(groups, MAX_GROUPS_X);
            int gz = (groups + gx - 1) / gx;
            // bindings 3-6 serve the fused SwiGLU quantize alone (matVecInt8Glu)
            rec.dispatch(p, List.of(s.buffer().all(), x.buffer(), y, y, y, y, y),
                    new int[] {w.cols(), s.rows(), x.blocksPerToken(), x.scalesIndex(), s.firstRow(), yStride, accumulate ? 1 : 0,
                            x.tokens(), 1, 0},
                    gx, (x.tokens() + tokensPerGroup - 1) / tokensPerGroup, gz);
        }
    }

    /**
     * A decode token's gate and up products on the int8 kernels (one barrier for both) whose workgroups also write the
     * down projection's input, silu(gate) * up quantized into {@code glu}, so no quantize dispatch runs between them and
     * down: the last workgroup to finish each block of 32 outputs quantizes it, counted in {@code counters} (one uint
     * per block, left as they were found modulo the arrivals). Where {@link #quantizesGlu} says so.
     */
    public static void matVecInt8Glu(CommandRecorder rec, WeightTensor gate, WeightTensor up, Int8Decode.Input x, BufferRange gateOut,
                                     BufferRange upOut, Int8Decode.Input glu, BufferRange counters) {
        if (!quantizesGlu(rec.device(), gate, up) || x.tokens() != 1 || glu.tokens() != 1 || glu.cols() != gate.rows()) {
            throw new IllegalArgumentException("the fused SwiGLU quantize serves one token of " + gate.name() + " and " + up.name());
        }
        Kernels k = Kernels.of(rec.device());
        int arrivals = Int8Decode.BLOCK / k.int8MatvecRows(gate.type(), 1) + Int8Decode.BLOCK / k.int8MatvecRows(up.type(), 1);
        for (WeightTensor w : List.of(gate, up)) {
            ComputePipeline p = k.matvecInt8Glu(w.type());
            int rowsPerGroup = k.int8MatvecRows(w.type(), 1);
            BufferRange y = w == gate ? gateOut : upOut;
            for (WeightTensor.Slice s : w.slices()) {
                int groups = s.rows() / rowsPerGroup;
                int gx = Math.min(groups, MAX_GROUPS_X);
                rec.dispatch(p, List.of(s.buffer().all(), x.buffer(), y, gateOut, upOut, glu.buffer(), counters),
                        new int[] {w.cols(), s.rows(), x.blocksPerToken(), x.scalesIndex(), s.firstRow(), w.rows(), 0, 1, arrivals,
                                glu.scalesIndex()},
                        gx, 1, (groups + gx - 1) / gx);
            }
        }
    }

    /**
     * Whether a decode token's gate and up products can quantize the down projection's input themselves
     * ({@link #matVecInt8Glu}): both on the int8 products, of one shape, their rows in whole blocks of 32 in every slice,
     * a workgroup's rows within one block, the workgroups per block a power of two.
     */
    public static boolean quantizesGlu(VulkanDevice device, WeightTensor gate, WeightTensor up) {
        if (!Int8Decode.serves(device, gate) || !Int8Decode.serves(device, up) || gate.rows() != up.rows() || gate.cols() != up.cols()
                || gate.rows() % Int8Decode.BLOCK != 0) {
            return false;
        }
        Kernels k = Kernels.of(device);
        int arrivals = 0;
        for (WeightTensor w : List.of(gate, up)) {
            int rowsPerGroup = k.int8MatvecRows(w.type(), 1);
            if (Int8Decode.BLOCK % rowsPerGroup != 0) return false;
            for (WeightTensor.Slice s : w.slices()) {
                if (s.firstRow() % Int8Decode.BLOCK != 0 || s.rows() % Int8Decode.BLOCK != 0) return false;
            }
            arrivals += Int8Decode.BLOCK / rowsPerGroup;
        }
        return Integer.bitCount(arrivals) == 1;
    }

    /**
     * The decode product of {@link #linear} for a few tokens: through the int8 products where
     * {@link Int8Decode#serves} (the input quantized into {@code scratch} first), else {@link #matVec}.
     */
    public static void decode(CommandRecorder rec, WeightTensor w, BufferRange x, BufferRange up, int xOffset, int xStride,
                              BufferRange y, int yStride, int tokens, boolean accumulate, BufferRange scratch) {
        if (Int8Decode.serves(rec.device(), w)) {
            Int8Decode.Input q = quantizeInput(rec, x, up, null, 0f, xOffset, xStride, w.cols(), tokens, scratch);
            rec.computeBarrier();
            matVecInt8(rec, w, q, y, yStride, accumulate);
        } else {
            matVec(rec, w, x, up, xOffset, xStride, y, yStride, tokens, accumulate);
        }
    }

    /**
     * Rows up to which a step that several sequences share (parallel streams: one decode token each)
     * multiplies on the matrix-vector kernel that dequantizes each weight chunk once for several
     * tokens ({@link #matVecShared}), as llama.cpp's mul_mat_vec does for small batches, instead of
     * the tiles of the prompt kernels, which at a few tokens leave most of a large GPU idle.
     * {@code -Dtandem.batch.matvec=separate} gives each sequence its own pass over the weights
     * (the one-token decode kernel, once per row) to compare.
     */
    public static final int SHARED_MATVEC_MAX_TOKENS = 16;

    /** Whether a shared step of this many rows takes {@link #matVecShared} (see {@link #SHARED_MATVEC_MAX_TOKENS}). */
    public static boolean sharesWeightReads(int tokens) {
        return tokens <= SHARED_MATVEC_MAX_TOKENS && !"separate".equals(System.getProperty("tandem.batch.matvec"));
    }

    /** {@link #matVec} with each weight chunk dequantized once for up to the device's tokens per workgroup. */
    public static void matVecShared(CommandRecorder rec, WeightTensor w, BufferRange x, BufferRange up, int xOffset,
                                    int xStride, BufferRange y, int yStride, int tokens, boolean accumulate) {
        int perGroup = Math.min(tokens, Kernels.of(rec.device()).promptTokensPerGroup(w.type()));
        matVec(rec, w, x, up, null, 0f, xOffset, xStride, y, yStride, tokens, accumulate, perGroup);
    }

    /** Tokens from which a step's projections use the tiled matrix product instead of matrix-vector. */
    public static final int MATMUL_MIN_TOKENS = 8;

    /**
     * The same product as {@link #matVec} through the tiled kernel, which reads each weight once per
     * 64 tokens: for prompts.
     */
    public static void matMul(CommandRecorder rec, WeightTensor w, BufferRange x, BufferRange up, int xOffset,
                              int xStride, BufferRange y, int yStride, int tokens, boolean accumulate) {
        ComputePipeline p = Kernels.of(rec.device()).matmul(w.type(), up != null);
        for (WeightTensor.Slice s : w.slices()) {
            rec.dispatch(p, List.of(s.buffer().all(), x, y, up != null ? up : x),
                    new int[] {w.cols(), s.rows(), xOffset, xStride, s.firstRow(), yStride, accumulate ? 1 : 0, tokens},
                    (s.rows() + 63) / 64, (tokens + 63) / 64, 1);
        }
    }

    /**
     * halves[t] = the float16 input of {@link #coopMatOnHalves} for t < tokens: x's rows (from float
     * xOffset, xStride apart), or silu(x) * up with {@code up}, {@code cols} values each (a multiple
     * of 8), in the kernel's order. Converted once, it serves every product of the same input.
     */
    public static void toHalves(CommandRecorder rec, BufferRange x, BufferRange up, int xOffset, int xStride, int cols,
                                int tokens, BufferRange halves) {
        toHalves(rec, x, up, up != null ? 1 : 0, xOffset, xStride, cols, tokens, halves);
    }

    /** {@link #toHalves} of a gated input: glu 1 is silu(x) * up, 2 gpt-oss's clamped SwiGLU. */
    public static void gatedHalves(CommandRecorder rec, BufferRange gate, BufferRange up, int glu, int cols, int tokens,
                                   BufferRange halves) {
        toHalves(rec, gate, up, glu, 0, cols, cols, tokens, halves);
    }

    private static void toHalves(CommandRecorder rec, BufferRange x, BufferRange up, int glu, int xOffset, int xStride,
                                 int cols, int tokens, BufferRange halves) {
        if (xOffset % 4 != 0 || xStride % 4 != 0 || cols % 8 != 0) {
            throw new IllegalArgumentException("float16 product inputs need offsets and strides in 4s and rows in 8s, got "
                    + xOffset + ", " + xStride + ", " + cols);
        }
        if (2L * cols * tokens > halves.size()) {
            throw new IllegalArgumentException(tokens + " rows of " + cols + " halves do not fit " + halves.size() + " bytes");
        }
        rec.dispatch(Kernels.of(rec.device()).toHalves(glu), List.of(x, up != null ? up : x, halves),
                new int[] {cols / 4, xOffset / 4, xStride / 4}, (cols / 4 + 63) / 64, tokens, 1);
    }

    /**
     * The same product as {@link #matVec} through the cooperative-matrix kernel (float16 operands,
     * float32 sums): for prompts on devices where {@link PromptKernel#COOPMAT} is available. The
     * input goes through {@code halves} ({@link #toHalves}; tokens x cols halves of scratch).
     */
    public static void coopMat(CommandRecorder rec, WeightTensor w, BufferRange x, BufferRange up, int xOffset,
                               int xStride, BufferRange y, int yStride, int tokens, boolean accumulate, BufferRange halves) {
        coopMat(rec, w, x, up, xOffset, xStride, y, yStride, tokens, accumulate, halves, false);
    }

    /** @param emulated through the kernel's emulated build ({@link Kernels#coopmat(String, CoopmatTile, boolean)}) */
    public static void coopMat(CommandRecorder rec, WeightTensor w, BufferRange x, BufferRange up, int xOffset, int xStride,
                        BufferRange y, int yStride, int tokens, boolean accumulate, BufferRange halves, boolean emulated) {
        toHalves(rec, x, up, xOffset, xStride, w.cols(), tokens, halves);
        rec.computeBarrier();
        coopMatOnHalves(rec, w, halves, y, yStride, tokens, accumulate, emulated);
    }

    /** The cooperative-matrix product from an input already converted by {@link #toHalves} (tokens rows of w.cols() halves). */
    public static void coopMatOnHalves(CommandRecorder rec, WeightTensor w, BufferRange halves, BufferRange y, int yStride,
                                       int tokens, boolean accumulate) {
        coopMatOnHalves(rec, w, halves, y, yStride, tokens, accumulate, false);
    }

    private static void coopMatOnHalves(CommandRecorder rec, WeightTensor w, BufferRange halves, BufferRange y, int yStride,
                                        int tokens, boolean accumulate, boolean emulated) {
        Kernels k = Kernels.of(rec.device());
        for (WeightTensor.Slice s : w.slices()) {
            CoopmatTile tile = CoopmatTile.forShape(s.rows(), tokens);
            ComputePipeline p = k.coopmat(w.type(), tile, emulated);
            rec.dispatch(p, List.of(s.buffer().all(), halves, y),
                    new int[] {w.cols(), s.rows(), 0, w.cols(), s.firstRow(), yStride, accumulate ? 1 : 0, tokens},
                    (s.rows() + tile.rows() - 1) / tile.rows(), (tokens + tile.tokens() - 1) / tile.tokens(), 1);
        }
    }

    /**
     * Whether prompts of this weight run on the matrix units: the device has them
     * ({@link PromptKernel#choose(PhysicalDevice)}) and the rows fill whole groups of 8 float16 inputs.
     */
    public static boolean promptsOnMatrixUnits(VulkanDevice device, WeightTensor w) {
        return PromptKernel.choose(device.physical()) == PromptKernel.COOPMAT && w.cols() % 8 == 0;
    }

    /**
     * The product of {@link #linear} through the given prompt kernel (tests and {@code tandem kernel-check}
     * compare them); coopmat converts the input through {@code halves} first.
     */
    public static void prompt(CommandRecorder rec, PromptKernel kernel, WeightTensor w, BufferRange x, BufferRange up,
                              int xOffset, int xStride, BufferRange y, int yStride, int tokens, boolean accumulate,
                              BufferRange halves) {
        switch (kernel) {
            case COOPMAT -> coopMat(rec, w, x, up, xOffset, xStride, y, yStride, tokens, accumulate, halves);
            case MATMUL -> matMul(rec, w, x, up, xOffset, xStride, y, yStride, tokens, accumulate);
            case MATVEC -> matVec(rec, w, x, up, null, 0f, xOffset, xStride, y, yStride, tokens, accumulate,
                    Kernels.of(rec.device()).promptTokensPerGroup(w.type()));
        }
    }

    /**
     * y (+)= W x for each token: matrix-vector for a few tokens; for prompts the kernel of
     * {@link PromptKernel#choose(PhysicalDevice)}: the matrix units where the device has
     * VK_KHR_cooperative_matrix, else the multi-token matrix-vector kernel (each weight chunk
     * dequantized once for several tokens). {@code -Dtandem.prompt.kernel=coopmat|matmul|matvec}
     * forces one (matmul, the scalar tiled product, measured slower than matvec on an H100: its
     * k-loop waits on every tile load). The matrix units take their input converted to float16
     * through {@code halves} (tokens x cols halves of scratch); rows not in whole 8s take matvec.
     * A few tokens may take the int8 products ({@link #decode}),
     * their quantized input in {@code halves} (1.25 bytes per value: it fits where the halves do).
     */
    public static void linear(CommandRecorder rec, WeightTensor w, BufferRange x, BufferRange up, int xOffset,
                              int xStride, BufferRange y, int yStride, int tokens, boolean accumulate, BufferRange halves) {
        if (tokens < MATMUL_MIN_TOKENS) {
            decode(rec, w, x, up, xOffset, xStride, y, yStride, tokens, accumulate, halves);
            return;
        }
        PromptKernel k = PromptKernel.choose(rec.device().physical());
        if (k == PromptKernel.COOPMAT && w.cols() % 8 != 0) k = PromptKernel.MATVEC;
        prompt(rec, k, w, x, up, xOffset, xStride, y, yStride, tokens, accumulate, halves);
    }

    private static void requireVec4Input(WeightTensor w, int xOffset, int xStride) {
        if (xOffset % 4 != 0 || xStride % 4 != 0 || w.cols() % 4 != 0) {
            throw new IllegalArgumentException("product input offsets and widths must be multiples of 4: " + w.name());
        }
    }

    /** out[t] = row step.ids[firstId + t] of the embedding matrix, dequantized, for t < tokens. */
    public static void getRows(CommandRecorder rec, WeightTensor embedding, BufferRange step, int firstId,
                               BufferRange out, int tokens) {
        getRows(rec, embedding, step, firstId, out, tokens, 1f);
    }

    /** {@link #getRows} times {@code scale} (Gemma's sqrt(dim) on its embeddings). */
    public static void getRows(CommandRecorder rec, WeightTensor embedding, BufferRange step, int firstId,
                               BufferRange out, int tokens, float scale) {
        ComputePipeline p = Kernels.of(rec.device()).getRows(embedding.type());
        for (WeightTensor.Slice s : embedding.slices()) {
            rec.dispatch(p, List.of(s.buffer().all(), step, out),
                    new int[] {embedding.cols(), firstId, s.firstRow(), s.rows(), Float.floatToRawIntBits(scale)}, tokens, 1, 1);
        }
    }

    /** x[t] += rmsnorm(delta[t]) * weight for t < rows: a residual add through a post-norm (Gemma). */
    public static void rmsNormAdd(CommandRecorder rec, BufferRange delta, BufferRange weight, BufferRange x, int n, float eps,
                                  int rows) {
        rec.dispatch(Kernels.of(rec.device()).rmsNorm(true), List.of(delta, weight, x),
                new int[] {n, Float.floatToRawIntBits(eps), 0}, rows, 1, 1);
    }

    /** gate[i] = act(gate[i]) * up[i] for i < n, in place (activations the products do not fuse). */
    public static void glu(CommandRecorder rec, tandem.engine.model.Activation activation, BufferRange gate, BufferRange up, int n) {
        if (activation != tandem.engine.model.Activation.GELU_TANH) {
            throw new IllegalArgumentException("the products fuse " + activation + "; glu runs GELU only");
        }
        int groups = (n + 63) / 64;
        int gx = Math.min(groups, MAX_GROUPS_X);
        rec.dispatch(Kernels.of(rec.device()).glu(1), List.of(gate, up), new int[] {n}, gx, 1, (groups + gx - 1) / gx);
    }

    /** y[t][i] += bias[i] for i < n, t < tokens. */
    public static void addBias(CommandRecorder rec, BufferRange y, BufferRange bias, int n, int tokens) {
        rec.dispatch(Kernels.of(rec.device()).addBias(), List.of(y, bias), new int[] {n}, (n + 63) / 64, tokens, 1);
    }

    /** out[t] = rmsnorm(x[xOffset + t * n ...]) * weight for t < rows (out may be x: in place). */
    public static void rmsNorm(CommandRecorder rec, BufferRange x, int xOffset, BufferRange weight, BufferRange out,
                               int n, float eps, int rows) {
        rec.dispatch(Kernels.of(rec.device()).rmsNorm(), List.of(x, weight, out),
                new int[] {n, Float.floatToRawIntBits(eps), xOffset}, rows, 1, 1);
    }

    /**
     * RoPE on the step's queries (in place) and keys, and the KV-cache append: rotated keys and the
     * values go to the cache, in its type, at positions step.pos0 ... (row t % ring of a sliding-window ring).
     */
    public static void ropeStore(CommandRecorder rec, AttentionHeads heads, BufferRange q, BufferRange k, BufferRange v,
                                 AttentionCache cache, Rotary rope, BufferRange step, int tokens) {
        rec.dispatch(Kernels.of(rec.device()).ropeStore(rope.neox(), heads.headDim(), cache.type()),
                List.of(q, k, v, cache.keys(), cache.values(), rope.table(), step),
                new int[] {heads.heads(), heads.kvHeads(), heads.headDim(), rope.dims(), cache.ring()},
                heads.heads() + heads.kvHeads(), tokens, 1);
    }

    /**
     * Causal attention of [tokens][heads][headDim] queries over a layer's cache; out like q. With more
     * than one split the cache is divided among that many workgroups per head (decode over long
     * contexts), and a second kernel combines their partials. Prompts ({@link #MATMUL_MIN_TOKENS}+
     * tokens, one split, no sinks, an F16 cache) run on the matrix units where the device has them
     * ({@link Kernels#attentionCoopmat}), else on the scalar tiled kernel where its tiles fit the device
     * ({@link Kernels#promptAttentionTiles}), else the per-token kernel that decode uses;
     * {@code -Dtandem.prompt.attention} picks one ({@link AttentionKernel#forced()}).
     */
    public static void attention(CommandRecorder rec, AttentionHeads heads, BufferRange q, AttentionCache cache, BufferRange out,
                                 BufferRange step, int tokens, AttentionSplits splits) {
        attention(rec, AttentionKernel.forced(), heads, q, cache, out, step, tokens, splits, null);
    }

    /**
     * {@link #attention} through the given prompt kernel where it serves the shapes (else the next:
     * coopmat, tiled, rows; null: the first of those that serves), with each head's sink logit in the softmax where
     * {@code sinks} is given (gpt-oss; those run the per-token kernel). Tests and {@code tandem
     * kernel-check} compare the kernels. The matrix units read F16 caches only: other types take the tiled kernel.
     */
    public static void attention(CommandRecorder rec, AttentionKernel kernel, AttentionHeads heads, BufferRange q,
                                 AttentionCache cache, BufferRange out, BufferRange step, int tokens, AttentionSplits splits,
                                 BufferRange sinks) {
        Kernels k = Kernels.of(rec.device());
        int headDim = heads.headDim();
        List<BufferRange> buffers = List.of(q, cache.keys(), cache.values(), out, step);
        // the tiled prompt kernels have the window and scale but no sinks
        boolean prompt = sinks == null && tokens >= MATMUL_MIN_TOKENS && splits.count() == 1 && kernel != AttentionKernel.ROWS;
        // CI runs the matrix units' emulated build
        boolean units = prompt && AttentionKernel.wantsMatrixUnits(kernel, cache.type());
        Kernels.PromptAttention matrix = units ? k.attentionCoopmat(headDim, kernel == AttentionKernel.EMULATED) : null;
        if (matrix != null) {
            // Prompts on the matrix units: Q·K and P·V in float16 fragments (attention_coopmat.comp).
            rec.dispatch(matrix.pipeline(), buffers, heads.pushConstants(tokens, cache.window(), cache.ring()), heads.heads(),
                    (tokens + matrix.queries() - 1) / matrix.queries(), 1);
            return;
        }
        Kernels.AttentionTiles tiles = prompt ? k.promptAttentionTiles(headDim, cache.type()) : null;
        if (tiles != null) {
            // Prompts: each cache tile is staged once for a block of queries (attention_prompt.comp).
            int queries = tiles.queries();
            rec.dispatch(k.attentionPrompt(headDim, tiles, cache.type()), buffers,
                    heads.pushConstants(tokens, cache.window(), cache.ring()), heads.heads(), (tokens + queries - 1) / queries, 1);
            return;
        }
        int n = splits.count(), group = k.attentionQueryGroup(heads);
        rec.dispatch(k.attention(headDim, n, sinks != null, cache.type(), group),
                List.of(q, cache.keys(), cache.values(), out, step, n > 1 ? splits.partials() : out, q, q, q, sinks != null ? sinks : q,
                        q, q),
                heads.pushConstants(0, cache.window(), cache.ring()), heads.heads() / group, tokens, n);
        combineSplits(rec, k, splits.partials(), out, heads.heads(), headDim, tokens, n);
    }

    /**
     * {@link #ropeStore} and {@link #attention} of one decode token in one kernel: the query and the
     * step's key (k, v: [kvHeads][headDim], unrotated) are roped inside, and key and value appended
     * to the cache at step.pos0, as rope_store would; each head's sink logit joins the softmax where
     * {@code sinks} is given.
     */
    public static void attentionRoped(CommandRecorder rec, AttentionHeads heads, BufferRange q, BufferRange k, BufferRange v,
                                      AttentionCache cache, Rotary rope, BufferRange out, BufferRange step,
                                      AttentionSplits splits, BufferRange sinks) {
        attentionRoped(rec, heads, q, k, v, null, cache, rope, out, step, splits, sinks);
    }

    /** {@link #attentionRoped} that first norms each head of the query and the step's key ({@code qkNorm}; null: no norm). */
    public static void attentionRoped(CommandRecorder rec, AttentionHeads heads, BufferRange q, BufferRange k, BufferRange v,
                                      QkNorm qkNorm, AttentionCache cache, Rotary rope, BufferRange out, BufferRange step,
                                      AttentionSplits splits, BufferRange sinks) {
        Kernels kernels = Kernels.of(rec.device());
        dispatchRoped(rec, kernels, heads, q, k, v, qkNorm, cache, rope, out, step, splits, sinks);
        combineSplits(rec, kernels, splits.partials(), out, heads.heads(), heads.headDim(), 1, splits.count());
    }

    /** attention.comp built with ROPE: the output to {@code out} (one range) or the partials (several). */
    private static void dispatchRoped(CommandRecorder rec, Kernels kernels, AttentionHeads heads, BufferRange q, BufferRange k,
                                      BufferRange v, QkNorm qkNorm, AttentionCache cache, Rotary rope, BufferRange out,
                                      BufferRange step, AttentionSplits splits, BufferRange sinks) {
        int n = splits.count(), group = kernels.attentionQueryGroup(heads);
        rec.dispatch(kernels.attentionRoped(heads.headDim(), n, rope.neox(), sinks != null, cache.type(), group,
                        qkNorm != null ? qkNorm.eps() : null),
                List.of(q, cache.keys(), cache.values(), out, step, n > 1 ? splits.partials() : out, k, v, rope.table(),
                        sinks != null ? sinks : q, qkNorm != null ? qkNorm.queryWeight() : q, qkNorm != null ? qkNorm.keyWeight() : q),
                heads.pushConstants(rope.dims(), cache.window(), cache.ring()), heads.heads() / group, 1, n);
    }

    /**
     * Routes each of {@code tokens} tokens to its {@code used} experts on the GPU: ids and weights
     * ([tokens][used]) from the router logits ([tokens][experts]) and the router bias (or null).
     */
    public static void routeExperts(CommandRecorder rec, BufferRange logits, BufferRange bias, BufferRange ids,
                                    BufferRange weights, int experts, int used, int tokens) {
        if (used > Kernels.MAX_EXPERTS_USED || experts > Kernels.MAX_EXPERTS) {
            throw new TandemException(used + " of " + experts + " experts per token: the Vulkan routing kernel serves at most "
                    + Kernels.MAX_EXPERTS_USED + " of " + Kernels.MAX_EXPERTS + "; use --backend cpu");
        }
        rec.dispatch(Kernels.of(rec.device()).moeRoute(), List.of(logits, bias != null ? bias : logits, ids, weights),
                new int[] {experts, used, tokens, bias != null ? 1 : 0}, tokens, 1, 1);
    }

    /**
     * Gate or up projection of a mixture: out[t * used + s] = W[ids[t * used + s]] x[t] (+ that
     * expert's bias row) for every token t and slot s; W is the 3-D expert tensor
     * ({@code w.rows()} = experts x rows per expert). Only the chosen experts' rows are read.
     */
    public static void expertMatVec(CommandRecorder rec, WeightTensor w, int experts, BufferRange x, int xStride,
                                    BufferRange ids, BufferRange bias, BufferRange out, int outStride, int used, int tokens) {
        expertProduct(rec, w, experts, false, 0, x, null, null, 0f, xStride, ids, ids, bias, out, outStride, used, tokens, false);
    }

    /**
     * {@link #expertMatVec} of rmsnorm(x) * normWeight, the norm computed by every workgroup from x
     * itself (decode: no norm dispatch and no barrier before the router and the experts).
     */
    public static void expertMatVecNormed(CommandRecorder rec, WeightTensor w, int experts, BufferRange x, BufferRange normWeight,
                                          float eps, int xStride, BufferRange ids, BufferRange bias, BufferRange out,
                                          int outStride, int used, int tokens) {
        expertProduct(rec, w, experts, false, 0, x, null, normWeight, eps, xStride, ids, ids, bias, out, outStride, used, tokens,
                false);
    }

    /**
     * Down projection of a mixture into the residual stream (or a partial of it): y[t] (+)=
     * sum over slots s of weights[t * used + s] * (W[ids[t * used + s]] h[t * used + s] + bias row),
     * with h = glu(gate, up) computed on the fly (glu 1: silu(gate) * up, 2: gpt-oss's clamped SwiGLU).
     */
    public static void expertDown(CommandRecorder rec, WeightTensor w, int experts, int glu, BufferRange gate, BufferRange up,
                                  int inStride, BufferRange ids, BufferRange weights, BufferRange bias, BufferRange y,
                                  int yStride, int used, int tokens, boolean accumulate) {
        expertProduct(rec, w, experts, true, glu, gate, up, null, 0f, inStride, ids, weights, bias, y, yStride, used, tokens,
                accumulate);
    }

    /**
     * {@link #expertMatVec} (down false: x holds a row per token, out one per pair) or {@link #expertDown}
     * (down true: x holds a row per pair, its gated input, y one per token summed over the token's experts
     * with the router weights) on packed int8 dot products, x quantized by {@link #quantizeInput} (a barrier before).
     */
    public static void expertMatVecInt8(CommandRecorder rec, WeightTensor w, int experts, boolean down, Int8Decode.Input x,
                                        BufferRange ids, BufferRange weights, BufferRange bias, BufferRange y, int yStride,
                                        int used, int tokens, boolean accumulate) {
        if (x.cols() != w.cols()) throw new IllegalArgumentException(w.name() + " has " + w.cols() + " columns, its int8 input " + x.cols());
        if (x.tokens() != (down ? tokens * used : tokens)) {
            throw new IllegalArgumentException("int8 expert input of " + x.tokens() + " rows for " + tokens + " tokens of " + used + " experts");
        }
        requireOneBuffer(rec, w);
        Kernels k = Kernels.of(rec.device());
        ComputePipeline p = k.expertMatvecInt8(w.type(), down);
        int rows = w.rows() / experts;
        int[] g = expertRowGroups(k, w, rows);
        int gx = g[0], gz = g[1];
        int groupsY = down ? tokens : tokens * used;
        rec.dispatch(p, List.of(w.slices().getFirst().buffer().all(), x.buffer(), y, ids, weights != null ? weights : ids,
                        bias != null ? bias : ids),
                new int[] {w.cols(), rows, x.blocksPerToken(), x.scalesIndex(), 0, yStride, accumulate ? 1 : 0, groupsY, used,
                        experts, bias != null ? 1 : 0},
                gx, groupsY, gz);
    }

    /** Workgroups (x, z) over the {@code rows} rows of each expert of w: as many rows per workgroup as matvec. */
    private static int[] expertRowGroups(Kernels k, WeightTensor w, int rows) {
        int groups = (rows + k.matvecRows(w.type()) - 1) / k.matvecRows(w.type());
        int gx = Math.min(groups, MAX_GROUPS_X);
        return new int[] {gx, (groups + gx - 1) / gx};
    }

    private static void expertProduct(CommandRecorder rec, WeightTensor w, int experts, boolean down, int glu, BufferRange x,
                                      BufferRange up, BufferRange norm, float eps, int xStride, BufferRange ids,
                                      BufferRange weights, BufferRange bias, BufferRange y, int yStride, int used, int tokens,
                                      boolean accumulate) {
        requireVec4Input(w, 0, xStride);
        requireOneBuffer(rec, w);
        Kernels k = Kernels.of(rec.device());
        ComputePipeline p = k.expertMatvec(w.type(), glu, down, norm != null);
        int rows = w.rows() / experts;
        int[] g = expertRowGroups(k, w, rows);
        int gx = g[0], gz = g[1];
        rec.dispatch(p, List.of(w.slices().getFirst().buffer().all(), x, y, up != null ? up : x, norm != null ? norm : x, ids,
                        weights, bias != null ? bias : x),
                new int[] {w.cols(), rows, 0, xStride, 0, yStride, accumulate ? 1 : 0, Float.floatToRawIntBits(eps), tokens, used,
                        experts, bias != null ? 1 : 0},
                gx, down ? tokens : tokens * used, gz);
    }

    /**
     * Records of tiles a grouped expert product may need for {@code pairs} (token, expert) pairs: a
     * full tile per {@code tileColumns} pairs plus one partly filled tile per expert that has pairs.
     */
    public static int expertTiles(int pairs, int experts, int tileColumns) {
        return (pairs + tileColumns - 1) / tileColumns + Math.min(experts, pairs);
    }

    /** uint32 words of the grouping {@link #groupExperts} writes: the sorted pairs, then two per tile record. */
    public static long expertGroupWords(int pairs, int experts, int tileColumns) {
        return pairs + 2L * expertTiles(pairs, experts, tileColumns);
    }

    /**
     * Groups the step's {@code pairs} = tokens x used (token, expert) pairs of {@code ids} by expert into
     * {@code groups} ({@link #expertGroupWords} words): the input of {@link #groupedExperts}.
     */
    public static void groupExperts(CommandRecorder rec, BufferRange ids, BufferRange groups, int experts, int pairs,
                                    int tileColumns) {
        if (experts > Kernels.MAX_EXPERTS) {
            throw new TandemException(experts + " experts: the Vulkan grouping kernel serves at most " + Kernels.MAX_EXPERTS);
        }
        if (4 * expertGroupWords(pairs, experts, tileColumns) > groups.size()) {
            throw new IllegalArgumentException("the grouping of " + pairs + " pairs does not fit " + groups.size() + " bytes");
        }
        rec.dispatch(Kernels.of(rec.device()).moeGroup(), List.of(ids, groups),
                new int[] {pairs, experts, tileColumns, expertTiles(pairs, experts, tileColumns)}, 1, 1, 1);
    }

    /**
     * A mixture's gate, up or down product for a prompt step, the pairs grouped by expert
     * ({@link #groupExperts} with the kernel's {@link ExpertKernel#tileColumns}): out[pair] = W[expert of
     * pair] in[pair / pairsPerInput] (+ that expert's bias row), for every pair. {@code w} is the 3-D
     * expert tensor ({@code w.rows()} = experts x rows per expert).
     *
     * @param x             the input rows: floats (matmul), or float16 rows of w.cols() halves converted by
     *                      {@link #toHalves} (coopmat, emulated), which applies the gated activation itself
     * @param up            matmul only: null, or the up values of the gated input (glu 1 or 2)
     * @param pairsPerInput experts per token where the input is the token's (gate/up), 1 where each pair has its own (down)
     */
    public static void groupedExperts(CommandRecorder rec, ExpertKernel kernel, WeightTensor w, int experts, BufferRange x,
                                      BufferRange up, int glu, int xStride, int pairsPerInput, BufferRange groups,
                                      BufferRange bias, BufferRange out, int outStride, int pairs) {
        requireOneBuffer(rec, w);
        int rows = w.rows() / experts;
        int tiles = expertTiles(pairs, experts, kernel.tileColumns());
        ComputePipeline p = Kernels.of(rec.device()).groupedExperts(kernel, w.type(), kernel.onHalves() ? 0 : glu);
        BufferRange weights = w.slices().getFirst().buffer().all();
        BufferRange biasOrAny = bias != null ? bias : groups;
        int[] push = {w.cols(), rows, 0, kernel.onHalves() ? w.cols() : xStride, 0, outStride, 0, pairs, experts, pairsPerInput,
                pairs, bias != null ? 1 : 0};
        if (kernel.onHalves()) {
            rec.dispatch(p, List.of(weights, x, out, groups, biasOrAny), push,
                    (rows + CoopmatTile.EXPERTS.rows() - 1) / CoopmatTile.EXPERTS.rows(), tiles, 1);
        } else {
            rec.dispatch(p, List.of(weights, x, out, up != null ? up : x, groups, biasOrAny), push, (rows + 63) / 64, tiles, 1);
        }
    }

    /**
     * y[t] (+)= sum over slots s of weights[t * used + s] * products[t * used + s] for t < tokens: the
     * router-weighted sum of each token's expert products ({@code rows} floats per pair).
     */
    public static void combineExperts(CommandRecorder rec, BufferRange products, BufferRange weights, BufferRange y, int rows,
                                      int yStride, int used, int tokens, boolean accumulate) {
        rec.dispatch(Kernels.of(rec.device()).moeCombine(), List.of(products, weights, y),
                new int[] {rows, used, yStride, accumulate ? 1 : 0}, (rows + 63) / 64, tokens, 1);
    }

    private static void requireOneBuffer(CommandRecorder rec, WeightTensor w) {
        if (w.slices().size() != 1) {
            throw new TandemException("expert tensor " + w.name() + " does not fit one storage buffer of " + rec.device().label()
                    + "; use tensor split over more devices");
        }
    }

    private static void combineSplits(CommandRecorder rec, Kernels k, BufferRange partials, BufferRange out, int heads,
                                      int headDim, int tokens, int splits) {
        if (splits > 1) {
            rec.computeBarrier();
            rec.dispatch(k.attentionCombine(headDim, splits, false), List.of(partials, out), new int[] {heads, 0}, heads, tokens, 1);
        }
    }

    /**
     * {@link #attentionRoped} over several ranges of the cache whose combine writes the output as the int8 input of the
     * attention output projection ({@code codes}, for {@link #matVecInt8}) instead of floats: the quantize dispatch and
     * its barrier saved in every layer of a decode step.
     */
    public static void attentionRopedQuantized(CommandRecorder rec, AttentionHeads heads, BufferRange q, BufferRange k,
                                               BufferRange v, QkNorm qkNorm, AttentionCache cache, Rotary rope,
                                               Int8Decode.Input codes, BufferRange step, AttentionSplits splits, BufferRange sinks) {
        int n = splits.count();
        if (n < 2 || heads.headDim() % Int8Decode.BLOCK != 0 || codes.tokens() != 1 || codes.cols() != heads.heads() * heads.headDim()) {
            throw new IllegalArgumentException("a quantized attention output needs split ranges, heads of whole int8 blocks and "
                    + "one token's " + heads.heads() * heads.headDim() + " values; got " + n + " ranges, heads of " + heads.headDim()
                    + ", " + codes.tokens() + " x " + codes.cols());
        }
        Kernels kernels = Kernels.of(rec.device());
        dispatchRoped(rec, kernels, heads, q, k, v, qkNorm, cache, rope, splits.partials(), step, splits, sinks);
        rec.computeBarrier();
        rec.dispatch(kernels.attentionCombine(heads.headDim(), n, true), List.of(splits.partials(), codes.buffer()),
                new int[] {heads.heads(), codes.scalesIndex()}, heads.heads(), 1, 1);
    }

    /** Floats of scratch the split attention needs. */
    public static long attentionPartialFloats(int heads, int headDim, int tokens, int splits) {
        return (long) tokens * heads * splits * (headDim + 2);
    }

}
