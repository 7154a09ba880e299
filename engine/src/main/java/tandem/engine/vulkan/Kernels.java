package tandem.engine.vulkan;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tandem.engine.api.CacheType;
import tandem.engine.api.TandemException;
import tandem.engine.tensor.GgmlType;

/**
 * The compute pipelines of one logical device, created on first use and owned by the device.
 * Workgroup sizes are derived from the device's subgroup size (read from the driver), so the
 * same shaders serve lavapipe (8), NVIDIA (32) and AMD (64).
 */
public final class Kernels implements DeviceResource {
    /**
     * Weight types with matrix-vector, matrix-matrix and embedding kernels: every type GgmlType
     * supports (shaders/variants.txt builds one variant of each kernel per type).
     */
    public static final Set<GgmlType> WEIGHT_TYPES = Collections.unmodifiableSet(EnumSet.copyOf(
            Arrays.stream(GgmlType.values()).filter(GgmlType::isSupported).toList()));

    private final VulkanDevice device;
    private final Map<String, ComputePipeline> pipelines = new HashMap<>();
    private boolean closed;

    Kernels(VulkanDevice device) {
        this.device = device;
    }

    public static Kernels of(VulkanDevice device) { return device.kernels(); }

    /** Invocations per workgroup for reductions: a few subgroups, within [32, 256]. */
    public int reductionWorkgroup() {
        return Math.clamp(4L * device.physical().subgroupSize(), 32, 256);
    }

    /**
     * Rows per matrix-vector workgroup for a weight type (tuning knob -Dtandem.matvec.rows). On an
     * H100 (8B decode, 2026-11-26) 8 was best for Q4_0, Q8_0 and Q6_K; Q4_K, whose chunks decode
     * packed scales, ran 112 tokens/s with 4 against 93 with 8 (Q5_K shares that decoding); its
     * slices (2026-12-07) still ran faster with 4 (140 against 128, stepping two slices).
     */
    public int matvecRows(GgmlType weightType) {
        if (TuningKnob.isSet("tandem.matvec.rows")) return TuningKnob.get("tandem.matvec.rows", 8, 1, 32);
        return weightType == GgmlType.Q4_K || weightType == GgmlType.Q5_K ? 4 : 8;
    }

    /**
     * Chunks each matvec invocation loads at once (tuning knob -Dtandem.matvec.unroll, default 2);
     * decode over a layout's slices (Q4_K, Q5_K) always steps one slice (matvec.comp says why).
     */
    public int matvecUnroll() { return TuningKnob.get("tandem.matvec.unroll", 2, 1, 8); }

    /** Matrix-vector workgroup: subgroups per workgroup (tuning knob -Dtandem.matvec.subgroups, default 4). */
    public int matvecWorkgroup() {
        return Math.clamp((long) TuningKnob.get("tandem.matvec.subgroups", 4, 1, 32) * device.physical().subgroupSize(), 32,
                Math.min(1024, device.physical().maxWorkGroupInvocations()));
    }

    /**
     * @param glu  input is silu(x) * up (binding 3) instead of x
     * @param norm input is rmsnorm(x) * weight (binding 4)
     */
    public synchronized ComputePipeline matvec(GgmlType weightType, boolean glu, boolean norm, int tokensPerGroup) {
        return matvec(weightType, glu, norm, tokensPerGroup, matvecRows(weightType));
    }

    /** {@link #matvec(GgmlType, boolean, boolean, int)} with {@code rowsPerGroup} rows per workgroup ({@link #matvecRowsFor}). */
    public synchronized ComputePipeline matvec(GgmlType weightType, boolean glu, boolean norm, int tokensPerGroup, int rowsPerGroup) {
        requireType(weightType);
        if (norm && tokensPerGroup != 1) throw new IllegalArgumentException("the fused norm needs one token per workgroup");
        return get("matvec_" + weightType.label(), 5, 9, matvecWorkgroup(), rowsPerGroup, glu ? 1 : 0, norm ? 1 : 0, matvecUnroll(),
                tokensPerGroup);
    }

    /**
     * Rows per workgroup of the float decode product of a matrix of {@code rows} rows: {@link #matvecRows}, or fewer for
     * a small matrix on a GPU so it still has {@code -Dtandem.matvec.minGroups} workgroups (e.g. 256; the default 0
     * keeps matvecRows until a GPU run times it). A mixture's router (128 rows of float32) takes 16 workgroups of 8 rows,
     * with the router and its quantize ~14 µs a layer on an H100 and most of the card idle; a CPU implementation keeps
     * matvecRows, where each workgroup is CPU time.
     */
    public int matvecRowsFor(GgmlType weightType, int rows) {
        int most = matvecRows(weightType);
        int minGroups = TuningKnob.get("tandem.matvec.minGroups", 0, 0, 1 << 16);
        if (TuningKnob.isSet("tandem.matvec.rows") || device.physical().isCpu()) return most;
        return rowsForGroups(most, rows, minGroups);
    }

    /** At most {@code most} rows per workgroup, a power of two, so {@code rows} make {@code minGroups} workgroups where they can (0: most). */
    static int rowsForGroups(int most, int rows, int minGroups) {
        if (minGroups == 0) return most;
        return Math.clamp(Integer.highestOneBit(Math.max(1, rows / minGroups)), 1, most);
    }

    /**
     * quantize_q8_1.comp: a product input to int8 blocks for {@link #matvecInt8} (one invocation per block).
     *
     * @param glu  0: x, 1: silu(x) * up
     * @param norm rmsnorm(x) * weight
     */
    public synchronized ComputePipeline quantizeQ8(int glu, boolean norm) {
        return get("quantize_q8_1", 4, 5, reductionWorkgroup(), glu, norm ? 1 : 0);
    }

    /**
     * The int8 decode product (matvec_i8.comp) of a type in {@link Int8Decode#TYPES}, as many rows per
     * workgroup as matvec.
     *
     * @param tokensPerGroup tokens each workgroup serves (steps several sequences share: {@link #promptTokensPerGroup(String)})
     */
    public synchronized ComputePipeline matvecInt8(GgmlType weightType, int tokensPerGroup) {
        requireInt8(weightType);
        return get("matvec_i8_" + weightType.label(), 7, 10, matvecWorkgroup(), int8MatvecRows(weightType, tokensPerGroup), tokensPerGroup,
                0, 0);
    }

    /**
     * {@link #matvecInt8} of a decode token's gate or up projection whose workgroups also quantize silu(gate) * up for
     * the down projection, the last of each output block's workgroups doing it (matvec_i8.comp's GLU).
     */
    public synchronized ComputePipeline matvecInt8Glu(GgmlType weightType) {
        requireInt8(weightType);
        return get("matvec_i8_" + weightType.label(), 7, 10, matvecWorkgroup(), int8MatvecRows(weightType, 1), 1, 0, 1);
    }

    /**
     * Rows per workgroup of the int8 decode product serving {@code tokensPerGroup} tokens at once: {@link #matvecRows}
     * for one token; for the tokens of several sequences (a shared step) at most 2, since each workgroup holds rows x
     * tokens sums. On an H100 (8B Q4_0, 2026-12-07, one call) 2 rows ran 8 sequences at 846.6 tokens/s against 691.1
     * with 4 and 540.4 with 8 (the default then), and 4 sequences at 488.0 / 412.7 / 280.7. -Dtandem.matvec.rows sets both.
     */
    public int int8MatvecRows(GgmlType weightType, int tokensPerGroup) {
        if (tokensPerGroup <= 1 || TuningKnob.isSet("tandem.matvec.rows")) return matvecRows(weightType);
        return Math.min(matvecRows(weightType), 2);
    }

    /**
     * A mixture's decode product on packed int8 dot products (matvec_i8.comp built with MOE) for a
     * type in {@link Int8Decode#TYPES}: gate/up per (token, expert) pair, or down summed over a token's experts.
     */
    public synchronized ComputePipeline expertMatvecInt8(GgmlType weightType, boolean down) {
        requireInt8(weightType);
        return get("matvec_i8_moe_" + weightType.label(), 6, 11, matvecWorkgroup(), matvecRows(weightType), 1, down ? 2 : 1);
    }

    private void requireInt8(GgmlType weightType) {
        if (!Int8Decode.TYPES.contains(weightType)) throw new IllegalArgumentException("no int8 products for weight type " + weightType);
        if (!Int8Decode.availableOn(device.physical())) {
            throw new IllegalStateException(device.label() + " has no shaderIntegerDotProduct for the int8 products");
        }
    }

    /** Tokens per workgroup of the prompt variant of matvec (see {@link #promptTokensPerGroup(int, int, long)}). */
    public int promptTokensPerGroup(GgmlType weightType) {
        return promptTokensPerGroup(matvecWorkgroup(), matvecRows(weightType), device.physical().maxComputeSharedMemory());
    }

    /**
     * At most 8 tokens, with rows x tokens outputs within the workgroup, and matvec.comp's shared
     * memory within the device's limit: row_sums holds rows x tokens x workgroup floats, next to
     * common.glsl's workgroup floats (8 rows x 8 tokens on an AMD workgroup of 256 would be 65 KiB
     * against the 64 KiB AMD allows).
     */
    static int promptTokensPerGroup(int workgroup, int rows, long maxSharedBytes) {
        long fitting = (maxSharedBytes / Float.BYTES - workgroup) / ((long) rows * workgroup);
        return (int) Math.max(1, Math.min(Math.min(8, workgroup / rows), fitting));
    }

    /** Tiled matrix product for prompts: 64 rows x 64 tokens per workgroup of 256 invocations. */
    public synchronized ComputePipeline matmul(GgmlType weightType, boolean glu) {
        requireType(weightType);
        return get("matmul_" + weightType.label(), 4, 8, 256, glu ? 1 : 0);
    }

    /**
     * Prompt product on the matrix units (VK_KHR_cooperative_matrix); only where
     * {@link PromptKernel#COOPMAT} is available on the device. {@code -Dtandem.coopmat.diagnostic=nofill|nomma}
     * (q4_0, default tile) times the products or the tile loads alone, with wrong results;
     * {@code units} (q4_0) and {@code chunks} (q8_0), at every tile, fill the weight tile the other way
     * (shaders/matmul_coopmat.comp says which is the default and why).
     */
    public synchronized ComputePipeline coopmat(GgmlType weightType, CoopmatTile tile) {
        return coopmat(weightType, tile, false);
    }

    /**
     * @param emulated the same kernel with its fragment operations emulated (shaders/fragments.glsl):
     *                 any device with float16 arithmetic runs it, so CI checks everything else of it
     */
    synchronized ComputePipeline coopmat(GgmlType weightType, CoopmatTile tile, boolean emulated) {
        requireType(weightType);
        PhysicalDevice pd = device.physical();
        if (!emulated && !PromptKernel.COOPMAT.availableOn(pd)) {
            throw new IllegalStateException(device.label() + " has no usable cooperative matrices");
        }
        if (tile.workgroup() > pd.maxWorkGroupInvocations() || tile.sharedBytes() > pd.maxComputeSharedMemory()) {
            throw new tandem.engine.api.TandemException("coopmat tile " + tile + " needs " + tile.workgroup() + " invocations and "
                    + tile.sharedBytes() + " bytes of shared memory; " + device.label() + " allows "
                    + pd.maxWorkGroupInvocations() + " and " + pd.maxComputeSharedMemory() + ": choose a smaller -Dtandem.coopmat.tile");
        }
        // The tile is compiled in (one SPIR-V file per tile); the input comes converted (toHalves).
        return get(coopmatShader((emulated ? "emulated_" : "") + weightType.label(), tile, System.getProperty("tandem.coopmat.diagnostic", "")),
                3, 8);
    }

    /**
     * The SPIR-V variant of the coopmat kernel for a type ("emulated_" prefixed for the emulated
     * build), tile and diagnostic ("" for none). Only the tiles of {@link CoopmatTile#BY_SIZE} are
     * built for every type, the tuning tiles and the diagnostics for q4_0 only, the emulated build
     * for a few types at the default tile (shaders/variants.txt): any other combination, which the
     * knobs or a diagnostic with a tile chosen by shape can ask for, is a one-line error, not "rebuild".
     */
    static String coopmatShader(String weightVariant, CoopmatTile tile, String diagnostic) {
        String name = "matmul_coopmat_" + weightVariant + tile.variantSuffix() + (diagnostic.isEmpty() ? "" : "_" + diagnostic);
        if (Kernels.class.getResource("/shaders/" + name + ".spv") == null) {
            throw new tandem.engine.api.TandemException("no coopmat kernel is built for " + weightVariant + " with tile " + tile
                    + (diagnostic.isEmpty() ? "" : " and diagnostic " + diagnostic) + " (" + name
                    + "); shaders/variants.txt lists those built (diagnostics: q4_0, -Dtandem.coopmat.tile=64x64x32)");
        }
        return name;
    }

    public synchronized ComputePipeline getRows(GgmlType weightType) {
        requireType(weightType);
        return get("get_rows_" + weightType.label(), 3, 5, reductionWorkgroup());
    }

    /**
     * One workgroup normalises a whole row, so it is as wide as the device allows (up to 1024):
     * a narrow one spends its time waiting on dozens of dependent loads.
     */
    public int rowWorkgroup() {
        int sg = device.physical().subgroupSize();
        int wide = Math.min(1024, device.physical().maxWorkGroupInvocations());
        return Math.max(sg, wide / sg * sg);
    }

    public synchronized ComputePipeline addBias() { return get("add_bias", 2, 1, 64); }

    /**
     * to_halves.comp: the float16 input of {@link #coopmat} products.
     *
     * @param glu 0: plain, 1: SwiGLU, 2: gpt-oss's clamped SwiGLU
     */
    public synchronized ComputePipeline toHalves(int glu) { return get("to_halves", 3, 3, 64, glu); }

    public synchronized ComputePipeline rmsNorm() { return rmsNorm(false); }

    /** @param add add the normed row to the output instead of overwriting it (post-norms) */
    public synchronized ComputePipeline rmsNorm(boolean add) { return get("rms_norm", 3, 3, rowWorkgroup(), add ? 1 : 0); }

    /** gate = act(gate) * up in place, for activations the products do not fuse (1: GELU, tanh form). */
    public synchronized ComputePipeline glu(int activation) { return get("glu", 2, 1, 64, activation); }

    public synchronized ComputePipeline ropeStore(boolean neox, int headDim, CacheType cache) {
        return get("rope_store" + kvSuffix(cache), 7, 5, 64, neox ? 1 : 0, headDim);
    }

    /**
     * The SPIR-V name suffix of a kernel built for a cache type (shaders/variants.txt, kv_cache.glsl):
     * none for F16, else "_kv_f32", "_kv_q8_0".
     */
    static String kvSuffix(CacheType cache) {
        return cache == CacheType.F16 ? "" : "_kv_" + cache.optionName();
    }

    /**
     * Attention workgroup (tuning knob -Dtandem.attention.wg). GPUs with subgroups of 32 or more get
     * 512 invocations, so the weighted sum of values has 8 groups of invocations over the keys
     * instead of 2 (H100, 8B decode: attention 462 -> 390 µs per token); CPU drivers (lavapipe's
     * subgroups are 8 wide) keep the narrow reduction workgroup, where invocations cost CPU time.
     */
    public int attentionWorkgroup() {
        int sg = device.physical().subgroupSize();
        if (TuningKnob.isSet("tandem.attention.wg")) {
            int forced = TuningKnob.get("tandem.attention.wg", 0, sg, Math.min(1024, device.physical().maxWorkGroupInvocations()));
            if (forced % sg != 0) {
                throw new TandemException("-Dtandem.attention.wg=" + forced + " is not a multiple of " + device.label()
                        + "'s subgroup size " + sg);
            }
            return forced;
        }
        int wide = Math.min(512, device.physical().maxWorkGroupInvocations());
        return device.physical().subgroupSize() >= 32 ? wide : reductionWorkgroup();
    }

    /**
     * @param splits ranges of the cache taken by separate workgroups (1: one workgroup per head and token)
     * @param sinks  each head's sink logit joins the softmax (gpt-oss)
     * @param queryGroup query heads per workgroup ({@link #attentionQueryGroup})
     */
    public synchronized ComputePipeline attention(int headDim, int splits, boolean sinks, CacheType cache, int queryGroup) {
        return get("attention" + kvSuffix(cache), 12, 7, attentionWorkgroup(), headDim, splits, 0, 0, sinks ? 1 : 0, queryGroup,
                attentionLanes(headDim), attentionMinRange(), 0, 0);
    }

    /**
     * Invocations that share each key row in the decode attention's scores (attention.comp's LANES; tuning knob
     * -Dtandem.attention.lanes, 0: an invocation per key): 16 where the subgroup and the head's pairs allow, so each
     * subgroup reads whole rows in contiguous loads instead of every invocation a row of its own.
     */
    public int attentionLanes(int headDim) {
        int sg = device.physical().subgroupSize();
        int lanes = TuningKnob.get("tandem.attention.lanes", 16, 0, 64);
        if (lanes == 0 || headDim % 2 != 0) return 0;
        lanes = Integer.highestOneBit(Math.min(lanes, sg));
        while (lanes > 1 && (headDim / 2) % lanes != 0) lanes /= 2;
        return lanes > 1 ? lanes : 0;
    }

    /**
     * Positions each range of a split decode attention takes at least (tuning knob -Dtandem.attention.minRange,
     * default 32): a short cache spreads over many workgroups instead of one per KV head. On an H100 (8B Q4_K,
     * 2026-12-07) ranges of 32 ran tg128 at 219.9 / 213.5 / 167.3 tokens/s at depth 0 / 4,096 / 16,384 where
     * ranges of the workgroup's width (512) ran 205.7 / 183.2 / 167.1.
     */
    public int attentionMinRange() {
        return TuningKnob.get("tandem.attention.minRange", 32, 1, 1 << 20);
    }

    /**
     * Query heads one decode-attention workgroup serves (attention.comp's GQ): the largest divisor of
     * the heads per KV head up to 8 (tuning knob -Dtandem.attention.group; 1: a workgroup per query head),
     * so each key and value is read from memory once for all the heads that share it instead of once per
     * head. Subgroups under 4 invocations (no GPU has them) keep one head per workgroup: the kernel's
     * reduction arrays are sized for 4 or more.
     */
    public int attentionQueryGroup(AttentionHeads heads) {
        int wanted = TuningKnob.get("tandem.attention.group", 8, 1, 16);
        if (device.physical().subgroupSize() < 4) return 1;
        int perKvHead = heads.heads() / heads.kvHeads(), group = 1;
        for (int g = 2; g <= Math.min(wanted, perKvHead); g++) if (perKvHead % g == 0) group = g;
        return group;
    }

    /**
     * Decode attention that ropes its query and the step's key and appends key and value to the caches; with
     * {@code qkNorm}, first norms each head of both (the query/key norm's epsilon; null: no norm).
     */
    public synchronized ComputePipeline attentionRoped(int headDim, int splits, boolean neox, boolean sinks, CacheType cache,
                                                       int queryGroup, Float qkNormEps) {
        return get("attention" + kvSuffix(cache), 12, 7, attentionWorkgroup(), headDim, splits, 1, neox ? 1 : 0, sinks ? 1 : 0,
                queryGroup, attentionLanes(headDim), attentionMinRange(), qkNormEps != null ? 1 : 0,
                qkNormEps != null ? Float.floatToRawIntBits(qkNormEps) : 0);
    }

    /**
     * The expert product of mixtures (matvec.comp built with MOE): rows of the experts the router chose.
     *
     * @param glu  0: plain input, 1: silu(x) * up, 2: gpt-oss's clamped SwiGLU
     * @param down false: gate/up, one output row set per (token, expert); true: the weighted sum over a token's experts
     * @param norm input is rmsnorm(x) * weight (binding 4), gate/up of decode
     */
    public synchronized ComputePipeline expertMatvec(GgmlType weightType, int glu, boolean down, boolean norm) {
        requireType(weightType);
        return get("matvec_moe_" + weightType.label(), 8, 12, matvecWorkgroup(), matvecRows(weightType), glu, norm ? 1 : 0,
                matvecUnroll(), 1, down ? 2 : 1);
    }

    /**
     * A mixture's prompt product with the pairs grouped by expert (the MOE builds of matmul.comp and
     * matmul_coopmat.comp, tile_columns.glsl).
     *
     * @param glu 0: plain input, 1: silu(x) * up, 2: gpt-oss's clamped SwiGLU (matmul only: the matrix
     *            units read their input converted by to_halves.comp, which applies it)
     */
    public synchronized ComputePipeline groupedExperts(ExpertKernel kernel, GgmlType weightType, int glu) {
        requireType(weightType);
        return switch (kernel) {
            case MATMUL -> get("matmul_moe_" + weightType.label(), 6, 12, 256, glu);
            case COOPMAT, EMULATED -> {
                CoopmatTile tile = CoopmatTile.EXPERTS;
                if (kernel == ExpertKernel.COOPMAT && !PromptKernel.COOPMAT.availableOn(device.physical())) {
                    throw new IllegalStateException(device.label() + " has no usable cooperative matrices");
                }
                String prefix = kernel == ExpertKernel.EMULATED ? "emulated_moe_" : "moe_";
                yield get(coopmatShader(prefix + weightType.label(), tile, ""), 5, 12);
            }
            case MATVEC -> throw new IllegalArgumentException("matvec does not group the experts");
        };
    }

    /** Sorts a step's (token, expert) pairs by expert into tiles (moe_group.comp): one workgroup. */
    public synchronized ComputePipeline moeGroup() {
        return get("moe_group", 2, 4, Math.min(256, device.physical().maxWorkGroupInvocations()), MAX_EXPERTS);
    }

    /** The router-weighted sum of each token's expert products (moe_combine.comp). */
    public synchronized ComputePipeline moeCombine() { return get("moe_combine", 3, 4, 64); }

    /** Experts per token, and experts per layer, the routing kernel serves at most. */
    public static final int MAX_EXPERTS_USED = 16;
    public static final int MAX_EXPERTS = 512;

    /** Routing: one workgroup per token, which picks each expert by a workgroup-wide max. */
    public synchronized ComputePipeline moeRoute() {
        return get("moe_route", 4, 4, reductionWorkgroup(), MAX_EXPERTS_USED, MAX_EXPERTS);
    }

    /**
     * Whether decode steps rope inside the attention kernel (no rope_store dispatch and barrier):
     * tuning knob -Dtandem.decode.fuseRope, default true.
     */
    public static boolean decodeFusesRope() { return !"false".equals(System.getProperty("tandem.decode.fuseRope")); }

    /** The scalar tiled prompt attention's blocks: cache positions per tile, queries per workgroup (four invocations each). */
    public record AttentionTiles(int keys, int queries) {}

    /**
     * The blocks of the scalar tiled prompt attention for this head size: 32 queries and tiles of
     * 32 positions, else the first of 32 x 16, 16 x 32 and 16 x 16 that fits the device's shared
     * memory (heads of 256 take 16 x 16 in NVIDIA's 48 KiB), or null where none does.
     */
    public AttentionTiles promptAttentionTiles(int headDim) {
        return promptAttentionTiles(headDim, CacheType.F16);
    }

    /** {@link #promptAttentionTiles(int)} for a cache type (the tiles of an F32 or Q8_0 cache hold floats: twice the bytes). */
    public AttentionTiles promptAttentionTiles(int headDim, CacheType cache) {
        if (headDim % 2 != 0) return null;
        for (AttentionTiles t : List.of(new AttentionTiles(32, 32), new AttentionTiles(16, 32), new AttentionTiles(32, 16),
                new AttentionTiles(16, 16))) {
            if (promptAttentionShared(headDim, t, cache) <= device.physical().maxComputeSharedMemory()) return t;
        }
        return null;
    }

    /** Shared bytes of attention_prompt.comp over an F16 cache. */
    static long promptAttentionShared(int headDim, AttentionTiles t) {
        return promptAttentionShared(headDim, t, CacheType.F16);
    }

    /**
     * Shared bytes of attention_prompt.comp: queries (float), K and V tiles (float16 pairs for an F16
     * cache, else float pairs: kv_cache.glsl's KV_TILE), scores, two per-query floats, reductions.
     */
    static long promptAttentionShared(int headDim, AttentionTiles t, CacheType cache) {
        long line = headDim / 2 + 1;
        int queries = t.queries();
        long tilePair = cache == CacheType.F16 ? 4 : 8;
        return queries * line * 8 + 2L * t.keys() * line * tilePair + (long) queries * (t.keys() + 1) * 4 + queries * 8L
                + 4L * queries * 4;
    }

    public synchronized ComputePipeline attentionPrompt(int headDim, AttentionTiles t) {
        return attentionPrompt(headDim, t, CacheType.F16);
    }

    public synchronized ComputePipeline attentionPrompt(int headDim, AttentionTiles t, CacheType cache) {
        return get("attention_prompt" + kvSuffix(cache), 5, 7, 4 * t.queries(), headDim, t.keys());
    }

    /** Head sizes the matrix-unit prompt attention is built for (shaders/variants.txt), and its emulated build's. */
    static final java.util.List<Integer> COOPMAT_ATTENTION_HEADS = java.util.List.of(64, 96, 128, 256);
    static final int EMULATED_ATTENTION_HEAD = 64;
    /** Cache positions per tile of attention_coopmat.comp. */
    static final int COOPMAT_ATTENTION_KEYS = 32;

    /** A build of attention_coopmat.comp and the queries (tokens) each of its workgroups serves. */
    public record PromptAttention(ComputePipeline pipeline, int queries) {}

    /**
     * Prompt attention on the matrix units for this head size, or null where the device has no
     * usable cooperative matrices, the head size is not built or its shared memory does not fit.
     *
     * @param emulated the build with its fragment operations emulated (CI; head size 64 only)
     */
    public synchronized PromptAttention attentionCoopmat(int headDim, boolean emulated) {
        PhysicalDevice pd = device.physical();
        int groups = emulated ? 2 : 4;
        if (emulated ? headDim != EMULATED_ATTENTION_HEAD : !(COOPMAT_ATTENTION_HEADS.contains(headDim)
                && PromptKernel.COOPMAT.availableOn(pd))) {
            return null;
        }
        if (coopmatAttentionShared(headDim, COOPMAT_ATTENTION_KEYS, groups, emulated) > pd.maxComputeSharedMemory()) return null;
        String name = "attention_coopmat_" + (emulated ? "emulated_" : "") + headDim;
        return new PromptAttention(get(name, 5, 7), 16 * groups);
    }

    /**
     * Shared bytes of attention_coopmat.comp: K and V tiles (lines of headDim + 8 halves), each
     * subgroup's scores (float) and probabilities (lines of keys + 8 halves), the emulation's own
     * query lines, the pair exchange.
     */
    static long coopmatAttentionShared(int headDim, int keys, int groups, boolean emulated) {
        long line = (headDim + 8) * 2L;
        long bytes = 2L * keys * line + groups * (16L * keys * 4 + 16L * (keys + 8) * 2) + 32L * groups * 4;
        return emulated ? bytes + 16L * groups * line : bytes;
    }

    /** attention_combine.comp: the split ranges' partials to the output, as floats or ({@code quantized}) int8 blocks. */
    public synchronized ComputePipeline attentionCombine(int headDim, int splits, boolean quantized) {
        return get("attention_combine", 2, 2, 64, headDim, splits, quantized ? 1 : 0);
    }

    private static void requireType(GgmlType t) {
        if (!WEIGHT_TYPES.contains(t)) throw new IllegalArgumentException("no GPU kernels for weight type " + t);
    }

    private ComputePipeline get(String shader, int bindings, int pushWords, int... spec) {
        if (closed) throw new IllegalStateException("kernels of " + device.label() + " are closed");
        String key = shader + List.of(java.util.Arrays.stream(spec).boxed().toArray());
        return pipelines.computeIfAbsent(key, k -> ComputePipeline.create(device, shader, bindings, pushWords, spec));
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (ComputePipeline p : pipelines.values()) p.close();
        pipelines.clear();
        device.untrack(this);
    }
}
