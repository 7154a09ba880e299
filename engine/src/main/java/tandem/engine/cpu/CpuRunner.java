package tandem.engine.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.model.LayerTensors;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelTensors;
import tandem.engine.api.Backend;
import tandem.engine.api.CacheType;
import tandem.engine.api.DeviceMetrics;
import tandem.engine.api.LoadProgress;
import tandem.engine.runtime.ModelRunner;
import tandem.engine.api.TandemException;

/**
 * The reference forward pass on the CPU, for every supported architecture: token embedding, per
 * block RMS norm, Q/K/V projections (with biases and q/k norms where the architecture has them),
 * RoPE, grouped-query attention over the KV cache, output projection, RMS norm, SwiGLU FFN, and
 * the final norm and logits. Prompts run in batches whose weight rows are decoded once per batch.
 */
public final class CpuRunner implements ModelRunner {
    /** Tokens per prefill batch: each weight row is decoded once per batch. */
    static final int BATCH = 32;

    private final ModelConfig config;
    private final WeightMatrix embedding;
    private final WeightMatrix output;
    private final float[] outputNorm;
    /** The RoPE frequency divisors for a context length (they may depend on it: Phi-3's LongRoPE), or null. */
    private final IntFunction<float[]> ropeFactors;
    private final List<CpuLayer> layers;
    /** What the cache holds: keys and values rounded to this type (CacheRounding). */
    private final CacheType cacheType;

    private CpuRunner(ModelConfig config, WeightMatrix embedding, WeightMatrix output, float[] outputNorm,
                      IntFunction<float[]> ropeFactors, List<CpuLayer> layers, CacheType cacheType) {
        this.config = config;
        this.cacheType = cacheType;
        this.embedding = embedding;
        this.output = output;
        this.outputNorm = outputNorm;
        this.ropeFactors = ropeFactors;
        this.layers = List.copyOf(layers);
    }

    /**
     * Binds the mapped weights (matrices stay in the file) and decodes the small vectors.
     * The file must stay open as long as the runner is used.
     */
    public static CpuRunner load(GgufFile file, ModelConfig config, ModelTensors tensors,
                                 LoadProgress progress, BooleanSupplier cancelled) {
        return load(file, config, tensors, CacheType.F16, progress, cancelled);
    }

    /** {@link #load} with a KV cache of the given type. */
    public static CpuRunner load(GgufFile file, ModelConfig config, ModelTensors tensors, CacheType cacheType,
                                 LoadProgress progress, BooleanSupplier cancelled) {
        cacheType.check(config.headDim());
        List<CpuLayer> layers = new ArrayList<>(config.layers());
        for (LayerTensors<TensorInfo> layer : tensors.layers()) {
            if (cancelled.getAsBoolean()) throw new TandemException("load cancelled");
            layers.add(CpuLayer.load(file, config, layer));
            progress.update((double) layers.size() / config.layers(), "layer " + layers.size() + " of " + config.layers());
        }
        return new CpuRunner(config, WeightMatrix.of(file, tensors.tokenEmbedding()), WeightMatrix.of(file, tensors.output()),
                CpuLayer.vector(file, tensors.outputNorm()),
                contextLength -> CpuLayer.vector(file, tensors.ropeFactors(config, contextLength)), layers, cacheType);
    }

    @Override public ModelConfig config() { return config; }

    @Override public Backend backend() { return Backend.CPU; }

    /**
     * Bytes of KV cache for a context: keys and values, every layer (a ring of the window for
     * sliding layers), float32 whatever the cache type (the arrays hold values rounded to it).
     */
    public static long kvCacheBytes(ModelConfig config, int contextLength) {
        long rows = 0;
        for (int l = 0; l < config.layers(); l++) rows += config.cacheRows(l, contextLength, BATCH);
        return 2L * rows * config.kvDim() * Float.BYTES;
    }

    @Override
    public State newState(int contextLength) {
        long need = kvCacheBytes(config, contextLength);
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (need > available || (long) contextLength * config.kvDim() > Integer.MAX_VALUE - 8) {
            throw new TandemException(String.format("the KV cache for %d tokens needs %.1f MiB but the Java heap has %.1f MiB free; "
                    + "use a smaller --ctx or a larger -Xmx", contextLength, need / 1048576.0, available / 1048576.0));
        }
        return new CpuState(contextLength);
    }

    @Override
    public List<DeviceMetrics> deviceMetrics(long windowNanos, long forwardNanos, long tokens) {
        Runtime rt = Runtime.getRuntime();
        double busy = Math.min(1.0, (double) forwardNanos / Math.max(1, windowNanos));
        double microsPerToken = tokens == 0 ? 0 : forwardNanos / 1e3 / tokens;
        return List.of(new DeviceMetrics(0, "CPU (" + rt.availableProcessors() + " threads)", busy, microsPerToken, 0,
                rt.totalMemory() - rt.freeMemory(), rt.maxMemory()));
    }

    @Override
    public void close() {
        // Nothing to free: the weights belong to the mapped file, the caches to the garbage collector.
    }

    /** Which positions' logits a forward call computes. */
    private enum Logits { ALL, LAST, NONE }

    /**
     * One sequence's KV cache: per layer, rows of kvDim floats, position t in row t % rows (all
     * positions, or a sliding-window layer's ring).
     */
    private final class CpuState implements State {
        private final int capacity;
        private final float[][] keys;
        private final float[][] values;
        private final int[] rows;
        private final float[] ropeFreqs;
        /** One past the last position written. */
        private int end;

        CpuState(int capacity) {
            this.capacity = capacity;
            this.ropeFreqs = ropeFactors.apply(capacity);
            this.keys = new float[config.layers()][];
            this.values = new float[config.layers()][];
            this.rows = new int[config.layers()];
            for (int l = 0; l < config.layers(); l++) {
                rows[l] = config.cacheRows(l, capacity, BATCH);
                keys[l] = new float[rows[l] * config.kvDim()];
                values[l] = new float[rows[l] * config.kvDim()];
            }
        }

        @Override public int capacity() { return capacity; }

        CpuRunner runner() { return CpuRunner.this; }

        @Override public int earliestContinuation() { return config.earliestContinuation(end, capacity, BATCH); }

        @Override
        public float[] forward(int[] tokens, int position, boolean allPositions) {
            float[] result = new float[(allPositions ? tokens.length : 1) * config.vocab()];
            run(tokens, position, allPositions ? Logits.ALL : Logits.LAST, result);
            return result;
        }

        @Override
        public float[] forwardInto(int[] tokens, int position, float[] into) {
            float[] result = into != null && into.length == config.vocab() ? into : new float[config.vocab()];
            run(tokens, position, Logits.LAST, result);
            return result;
        }

        @Override
        public void append(int[] tokens, int position) {
            run(tokens, position, Logits.NONE, null);
        }

        private void run(int[] tokens, int position, Logits wanted, float[] result) {
            State.checkInput(tokens, position, capacity, config.vocab());
            if (position > 0 && position < earliestContinuation()) {
                throw new IllegalStateException("position " + position + " is before the sliding-window rings' reach "
                        + earliestContinuation() + "; evaluate again from 0");
            }
            end = position + tokens.length;
            int vocab = config.vocab();
            for (int from = 0; from < tokens.length; from += BATCH) {
                int count = Math.min(BATCH, tokens.length - from);
                boolean last = from + count == tokens.length;
                switch (wanted) {
                    case ALL -> forwardBatch(this, tokens, from, count, position + from, true, result, from * vocab);
                    case LAST -> forwardBatch(this, tokens, from, count, position + from, false, last ? result : null, 0);
                    case NONE -> forwardBatch(this, tokens, from, count, position + from, false, null, 0);
                }
            }
        }

        @Override
        public void close() {
            // Heap arrays: nothing to release explicitly.
        }
    }

    /**
     * Runs tokens[from, from + count) at positions [position, position + count) through every
     * block, appending their keys and values to the cache. Writes logits of every position (when
     * allLogits) or of the last one into logits at logitsOff; no logits when logits is null.
     */
    private void forwardBatch(CpuState cache, int[] tokens, int from, int count, int position,
                              boolean allLogits, float[] logits, int logitsOff) {
        int[] outputs = logits == null ? new int[0] : allLogits ? java.util.stream.IntStream.range(0, count).toArray()
                : new int[] {count - 1};
        forwardRows(List.of(new Rows(cache, tokens, from, count, position)), outputs, logits, logitsOff);
    }

    /** Several sequences in one step: their rows share each decoded weight row; logits of each part's last row where asked. */
    @Override
    public List<float[]> forwardBatch(List<BatchPart> parts) {
        // A part longer than a prompt batch would overrun a sliding-window ring (sized for BATCH more rows): alone, in batches.
        List<BatchPart> shared = parts.stream().filter(p -> p.tokens().length <= BATCH).toList();
        if (shared.size() < 2) return ModelRunner.super.forwardBatch(parts);
        List<float[]> sharedLogits = forwardShared(shared);
        List<float[]> out = new ArrayList<>(parts.size());
        for (BatchPart p : parts) {
            int i = shared.indexOf(p);
            out.add(i >= 0 ? sharedLogits.get(i) : ModelRunner.super.forwardBatch(List.of(p)).getFirst());
        }
        return out;
    }

    private List<float[]> forwardShared(List<BatchPart> parts) {
        List<Rows> rows = new ArrayList<>(parts.size());
        List<Integer> outputs = new ArrayList<>();
        int row = 0;
        for (BatchPart p : parts) {
            if (!(p.state() instanceof CpuState cache) || cache.runner() != this) {
                throw new IllegalArgumentException("a batched step takes states of this runner only");
            }
            State.checkInput(p.tokens(), p.position(), cache.capacity, config.vocab());
            rows.add(new Rows(cache, p.tokens(), 0, p.tokens().length, p.position()));
            row += p.tokens().length;
            if (p.logits()) outputs.add(row - 1);
        }
        int vocab = config.vocab();
        float[] logits = new float[outputs.size() * vocab];
        forwardRows(rows, outputs.stream().mapToInt(Integer::intValue).toArray(), logits, 0);
        List<float[]> out = new ArrayList<>(parts.size());
        int k = 0;
        for (BatchPart p : parts) {
            ((CpuState) p.state()).end = p.position() + p.tokens().length;
            out.add(p.logits() ? java.util.Arrays.copyOfRange(logits, k * vocab, ++k * vocab) : null);
        }
        return out;
    }

    /** One sequence's rows of a step: tokens[from, from + count) at positions from {@code position}, into its cache. */
    private record Rows(CpuState cache, int[] tokens, int from, int count, int position) {}

    /**
     * Runs the parts' rows (one after another) through every block, each row's keys and values
     * going to its own sequence's cache and its attention reading only that cache; the products
     * take all rows at once. Writes the logits of the step rows in {@code outputs} (ascending) into
     * logits at logitsOff, one after another.
     */
    private void forwardRows(List<Rows> parts, int[] outputs, float[] logits, int logitsOff) {
        ModelConfig c = config;
        int dim = c.dim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int count = parts.stream().mapToInt(Rows::count).sum();
        // per step row: its part and its position
        Rows[] partOf = new Rows[count];
        int[] positionOf = new int[count];
        for (int b = 0, p = 0; p < parts.size(); p++) {
            Rows part = parts.get(p);
            for (int i = 0; i < part.count(); i++, b++) {
                partOf[b] = part;
                positionOf[b] = part.position() + i;
            }
        }
        float[] x = new float[count * dim];
        float[] normed = new float[count * dim];
        float[] q = new float[count * qDim];
        float[] k = new float[count * kvDim];
        float[] v = new float[count * kvDim];
        float[] attended = new float[count * qDim];
        float[] projected = new float[count * dim];
        float[] gate = new float[count * c.ffn()];
        float[] up = new float[count * c.ffn()];
        float embeddingScale = c.extras().embeddingScale();
        for (int b = 0; b < count; b++) {
            Rows part = partOf[b];
            embedding.row(part.tokens()[part.from() + positionOf[b] - part.position()], x, b * dim);
            if (embeddingScale != 1f) for (int i = 0; i < dim; i++) x[b * dim + i] *= embeddingScale;
        }

        for (int l = 0; l < layers.size(); l++) {
            CpuLayer layer = layers.get(l);
            normEach(x, layer.attnNorm(), normed, count, dim);
            layer.q().multiply(normed, 0, count, q, 0);
            layer.k().multiply(normed, 0, count, k, 0);
            layer.v().multiply(normed, 0, count, v, 0);
            if (c.qkvBias()) {
                addEach(q, layer.qBias(), count, qDim);
                addEach(k, layer.kBias(), count, kvDim);
                addEach(v, layer.vBias(), count, kvDim);
            }
            if (c.qkNorm()) {
                normEach(q, layer.qNorm(), q, count * c.heads(), c.headDim());
                normEach(k, layer.kNorm(), k, count * c.kvHeads(), c.headDim());
            }
            float theta = c.ropeTheta(l), ropeScale = c.ropeScale(l), attnFactor = c.extras().ropeAttnFactor();
            for (int b = 0; b < count; b++) {
                float[] freqs = partOf[b].cache().ropeFreqs;
                CpuOps.rope(q, b * qDim, c.heads(), c.headDim(), c.ropeDim(), positionOf[b], theta, ropeScale, attnFactor,
                        c.ropeStyle(), freqs, c.yarn());
                CpuOps.rope(k, b * kvDim, c.kvHeads(), c.headDim(), c.ropeDim(), positionOf[b], theta, ropeScale, attnFactor,
                        c.ropeStyle(), freqs, c.yarn());
            }
            int layerIndex = l;
            for (int b = 0; b < count; b++) {
                CpuState cache = partOf[b].cache();
                int row = positionOf[b] % cache.rows[l];
                System.arraycopy(k, b * kvDim, cache.keys[l], row * kvDim, kvDim);
                System.arraycopy(v, b * kvDim, cache.values[l], row * kvDim, kvDim);
                CacheRounding.round(cacheType, cache.keys[l], row * kvDim, kvDim);
                CacheRounding.round(cacheType, cache.values[l], row * kvDim, kvDim);
            }
            int window = c.window(l);
            CpuOps.forRange(count, count > 1, b -> {
                CpuState cache = partOf[b].cache();
                int rows = cache.rows[layerIndex];
                int ring = rows < cache.capacity ? rows : 0;
                int length = positionOf[b] + 1;
                int first = window > 0 ? Math.max(0, length - window) : 0;
                float[] scores = new float[c.heads() * (length - first)];
                CpuOps.attention(q, b * qDim, cache.keys[layerIndex], cache.values[layerIndex], kvDim, first, length, ring,
                        c.heads(), c.kvHeads(), c.headDim(), c.extras().attentionScale(), layer.sinks(), scores, attended, b * qDim);
            });
            layer.attnOutput().multiply(attended, 0, count, projected, 0);
            if (layer.attnOutputBias() != null) addEach(projected, layer.attnOutputBias(), count, dim);
            addResidual(x, projected, layer.postAttnNorm(), count);

            normEach(x, layer.ffnNorm(), normed, count, dim);
            if (layer.experts() != null) {
                layer.experts().forward(normed, count, dim, projected);
                addResidual(x, projected, layer.postFfnNorm(), count);
                continue;
            }
            layer.gate().multiply(normed, 0, count, gate, 0);
            layer.up().multiply(normed, 0, count, up, 0);
            CpuOps.glu(c.block().activation(), gate, 0, up, 0, gate, 0, count * c.ffn());
            layer.down().multiply(gate, 0, count, projected, 0);
            addResidual(x, projected, layer.postFfnNorm(), count);
        }

        if (outputs.length == 0) return;
        for (int b = 0; b < outputs.length; b++) {
            CpuOps.rmsNorm(x, outputs[b] * dim, outputNorm, c.rmsEps(), normed, b * dim, dim);
        }
        output.multiply(normed, 0, outputs.length, logits, logitsOff);
        CpuOps.softcap(logits, logitsOff, outputs.length * c.vocab(), c.extras().finalLogitSoftcap());
    }

    /** x += delta, through the post-norm (Gemma) when the block has one; delta is overwritten then. */
    private void addResidual(float[] x, float[] delta, float[] postNorm, int count) {
        if (postNorm != null) normEach(delta, postNorm, delta, count, config.dim());
        CpuOps.add(x, 0, delta, 0, count * config.dim());
    }

    /** RMS norm of each of count vectors of n floats, with the same scale vector. */
    private void normEach(float[] in, float[] weight, float[] out, int count, int n) {
        for (int i = 0; i < count; i++) CpuOps.rmsNorm(in, i * n, weight, config.rmsEps(), out, i * n, n);
    }

    /** Adds the bias to each of count vectors of n floats. */
    private static void addEach(float[] x, float[] bias, int count, int n) {
        for (int i = 0; i < count; i++) CpuOps.add(x, i * n, bias, 0, n);
    }
}
