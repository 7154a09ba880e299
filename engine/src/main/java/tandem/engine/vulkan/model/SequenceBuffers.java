package tandem.engine.vulkan.model;

import java.util.ArrayList;
import java.util.List;
import tandem.engine.api.CacheType;
import tandem.engine.model.ModelConfig;
import tandem.engine.vulkan.BufferKind;
import tandem.engine.vulkan.DeviceFloats;
import tandem.engine.vulkan.ExpertKernel;
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.Int8Decode;
import tandem.engine.vulkan.StepParams;
import tandem.engine.vulkan.TuningKnob;
import tandem.engine.vulkan.VulkanDevice;

/**
 * One sequence's memory on one device: the KV cache of every layer (of its {@link CacheType}) and the activations of a
 * step of up to {@code maxTokens} tokens, plus the step parameters and the logits readback.
 */
public final class SequenceBuffers implements AutoCloseable {
    public final int capacity;
    public final int maxTokens;
    public final int logitRows;
    public final List<GpuBuffer> keys = new ArrayList<>();
    public final List<GpuBuffer> values = new ArrayList<>();
    /** How the caches store keys and values (kv_cache.glsl): the attention kernels are built for it. */
    public final CacheType cacheType;
    /** Rows of each cache (the capacity, or a sliding-window layer's ring). */
    private final List<Integer> rows = new ArrayList<>();
    public final GpuBuffer x, normed, q, k, v, attended, gate, up, logits, logitsHost;
    /** Mixtures only (else null): router logits [tokens][experts], chosen expert ids and weights [tokens][used]. */
    public final GpuBuffer routerLogits, expertIds, expertWeights;
    /**
     * Mixtures only (else null), for prompts: the (token, expert) pairs grouped by expert (GpuOps.groupExperts) and
     * each pair's down product [tokens][used][dim] before the router's weighted sum.
     */
    public final GpuBuffer expertGroups, expertProducts;
    /**
     * A prompt product's input converted to float16 for the matrix units (GpuOps.toHalves); in decode
     * steps, which never use those, the int8 products' quantized input (GpuOps.quantizeInput: 1.25
     * bytes per value against 2).
     */
    public final GpuBuffer halves;
    /**
     * A decode token's down-projection input as the gate and up products quantize it themselves (GpuOps.matVecInt8Glu):
     * its int8 blocks, and a counter per block of 32 outputs (zeros at first; they only grow).
     */
    public final GpuBuffer gluCodes, gluCounters;
    public final StepParams step;
    /** Cache ranges a decode step's attention is divided into (long contexts), and their scratch. */
    public final int attentionSplits;
    public final GpuBuffer attentionPartials;
    private final List<AutoCloseable> owned = new ArrayList<>();

    /**
     * Bytes the KV cache of {@code capacity} positions takes (keys and values of the cache type,
     * every layer; a sliding-window layer keeps a ring of its window and one step, {@link ModelConfig#cacheRows}).
     */
    public static long cacheBytes(ModelConfig c, int capacity, CacheType cache) {
        long rows = 0;
        for (int l = 0; l < c.layers(); l++) rows += c.cacheRows(l, capacity, Math.min(VulkanRunner.MAX_BATCH, capacity));
        return 2L * rows * cache.bytes(c.kvDim());
    }

    /** Rows of cache index {@code cacheIndex}'s ring (position t in row t % ring), 0 where it holds every position. */
    public int ring(int cacheIndex) {
        return rows.get(cacheIndex) < capacity ? rows.get(cacheIndex) : 0;
    }

    /** The smallest position a step may start at, given the positions written so far (see {@link ModelConfig#cacheRows}). */
    public int earliestContinuation(ModelConfig model, int end) {
        return model.earliestContinuation(end, capacity, maxTokens);
    }

    /** Bytes of activations for steps of up to maxTokens tokens, with logits for logitRows positions. */
    public static long scratchBytes(ModelConfig c, int maxTokens, int logitRows) {
        long experts = c.isMixture() ? expertScratchBytes(c.dim(), c.experts().count(), c.experts().used(), maxTokens) : 0;
        return scratchBytes(c.dim(), c.qDim(), c.kvDim(), c.ffnActivations(), c.vocab(), maxTokens, logitRows) + experts;
    }

    /**
     * A mixture's buffers besides gate/up (which hold [tokens][used][width]): router logits, expert ids and
     * weights, the grouping of the pairs and the pairs' down products.
     */
    public static long expertScratchBytes(int dim, int experts, int used, int maxTokens) {
        int pairs = maxTokens * used;
        return 4L * maxTokens * (experts + 2L * used) + 4L * groupWords(pairs, experts) + 4L * pairs * dim;
    }

    /** Words of the pairs' grouping for the grouped kernel with the narrowest tiles (the most tile records). */
    private static long groupWords(int pairs, int experts) {
        return GpuOps.expertGroupWords(pairs, experts, java.util.Arrays.stream(ExpertKernel.values())
                .filter(ExpertKernel::grouped).mapToInt(ExpertKernel::tileColumns).min().orElseThrow());
    }

    /** The same from the widths one device computes (a split plan's slice, before any config exists). */
    public static long scratchBytes(int dim, int qDim, int kvDim, int ffn, int vocab, int maxTokens, int logitRows) {
        long perToken = 2L * dim + 2L * qDim + 2L * kvDim + 2L * ffn;
        return 4L * (perToken * maxTokens + 2L * logitRows * vocab) + halvesBytes(dim, qDim, ffn, maxTokens) + gluCodesBytes(ffn)
                + 4L * gluBlocks(ffn);
    }

    /** Blocks of 32 in a decode token's FFN activations (at least one, so the buffers exist for any model). */
    private static int gluBlocks(int ffn) {
        return Math.max(1, (ffn + Int8Decode.BLOCK - 1) / Int8Decode.BLOCK);
    }

    /** Bytes of {@link #gluCodes}: one token's FFN activations as int8 blocks. */
    private static long gluCodesBytes(int ffn) {
        return Int8Decode.bytes(gluBlocks(ffn) * Int8Decode.BLOCK, 1);
    }

    /** The float16 product input: the widest row a product reads (the FFN's, normally). */
    static long halvesBytes(int dim, int qDim, int ffn, int maxTokens) {
        return 2L * maxTokens * Math.max(dim, Math.max(qDim, ffn));
    }

    public SequenceBuffers(VulkanDevice device, ModelConfig c, int capacity, int maxTokens, int logitRows) {
        this(device, c, 0, capacity, maxTokens, logitRows, CacheType.F16);
    }

    /** @param firstLayer the model layer of cache 0 (layer split: the device's first layer) */
    public SequenceBuffers(VulkanDevice device, ModelConfig c, int firstLayer, int capacity, int maxTokens, int logitRows,
                           CacheType cacheType) {
        this(device, c, firstLayer, capacity, maxTokens, logitRows, true, cacheType);
    }

    /**
     * The activations of steps of up to maxTokens rows and no KV cache: the rows of a step several
     * sequences share, whose caches are each sequence's own ({@link StepRows}).
     */
    public static SequenceBuffers sharedStep(VulkanDevice device, ModelConfig c, int maxTokens, int logitRows) {
        return new SequenceBuffers(device, c, 0, 0, maxTokens, logitRows, false, CacheType.F16);
    }

    private SequenceBuffers(VulkanDevice device, ModelConfig c, int firstLayer, int capacity, int maxTokens, int logitRows,
                            boolean cache, CacheType cacheType) {
        this.capacity = capacity;
        this.cacheType = cacheType;
        this.maxTokens = maxTokens;
        this.logitRows = logitRows;
        try {
            long row = cacheType.bytes(c.kvDim());
            for (int l = 0; cache && l < c.layers(); l++) {
                int n = c.cacheRows(firstLayer + l, capacity, maxTokens);
                rows.add(n);
                // whole 32-bit words (a Q8_0 row of an odd number of blocks ends on a half word)
                long bytes = (row * n + 3) / 4 * 4;
                keys.add(own(GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "K cache layer " + (firstLayer + l))));
                values.add(own(GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "V cache layer " + (firstLayer + l))));
            }
            x = floats(device, maxTokens * (long) c.dim(), "residual stream");
            normed = floats(device, maxTokens * (long) c.dim(), "normed");
            q = floats(device, maxTokens * (long) c.qDim(), "queries");
            k = floats(device, maxTokens * (long) c.kvDim(), "keys");
            v = floats(device, maxTokens * (long) c.kvDim(), "values");
            attended = floats(device, maxTokens * (long) c.qDim(), "attention output");
            gate = floats(device, maxTokens * (long) c.ffnActivations(), "ffn gate");
            up = floats(device, maxTokens * (long) c.ffnActivations(), "ffn up");
            routerLogits = c.isMixture() ? floats(device, maxTokens * (long) c.experts().count(), "router logits") : null;
            expertIds = c.isMixture() ? floats(device, maxTokens * (long) c.experts().used(), "expert ids") : null;
            expertWeights = c.isMixture() ? floats(device, maxTokens * (long) c.experts().used(), "expert weights") : null;
            int pairs = c.isMixture() ? maxTokens * c.experts().used() : 0;
            expertGroups = c.isMixture() ? floats(device, groupWords(pairs, c.experts().count()), "expert groups") : null;
            expertProducts = c.isMixture() ? floats(device, (long) pairs * c.dim(), "expert products") : null;
            halves = own(GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, halvesBytes(c.dim(), c.qDim(), c.ffnActivations(), maxTokens),
                    "float16 product input"));
            gluCodes = own(GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, gluCodesBytes(c.ffnActivations()), "down input int8"));
            gluCounters = own(DeviceFloats.upload(device, new float[gluBlocks(c.ffnActivations())], "down input block counters"));
            logits = floats(device, (long) logitRows * c.vocab(), "logits");
            logitsHost = own(GpuBuffer.create(device, BufferKind.READBACK, 4L * logitRows * c.vocab(), "logits readback"));
            step = own(new StepParams(device, maxTokens));
            attentionSplits = attentionSplits(capacity, !device.physical().isCpu());
            attentionPartials = floats(device, GpuOps.attentionPartialFloats(c.heads(), c.headDim(), 1,
                    attentionSplits), "attention partials");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Ranges a decode step's attention divides the cache into ({@code -Dtandem.attention.splits} sets it; 1 to 64): one
     * workgroup per group of query heads and range, each range at least Kernels#attentionMinRange positions (a short
     * cache leaves the last ranges empty), combined by attention_combine. On a GPU, one range per 32 positions of the
     * capacity up to 64, so even a short cache keeps enough workgroups busy (8 KV heads take 8 workgroups a range):
     * on an H100 (8B Q4_K, 2026-12-08) a context of 4,224 ran tg128 at depth 4,096 at 176.5 tokens/s with 8 ranges
     * (the rule before, a range per 512 positions) where a context of 16,512 (32 ranges) ran 213.5, and 4 ranges at a
     * context of 128 ran 252.3 against 244.7 with one. On a CPU implementation (lavapipe) each range is CPU time: one
     * range per 512 positions from 1,024 on, else one.
     */
    public static int attentionSplits(int capacity, boolean gpu) {
        int forced = TuningKnob.get("tandem.attention.splits", 0, 0, 64);
        if (forced > 0) return forced;
        if (gpu) return Math.clamp(capacity / 32, 1, 64);
        return capacity >= 1024 ? Math.min(64, capacity / 512) : 1;
    }

    private GpuBuffer floats(VulkanDevice device, long count, String name) {
        return own(GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4 * count, name));
    }

    private <T extends AutoCloseable> T own(T r) {
        owned.add(r);
        return r;
    }

    @Override
    public void close() {
        for (AutoCloseable r : owned.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        owned.clear();
    }
}
