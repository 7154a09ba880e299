package tandem.engine.cpu;

import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import tandem.engine.model.Activation;
import tandem.engine.model.RopeScaling;
import tandem.engine.model.RopeStyle;
import tandem.engine.tensor.Dequantizer;
import tandem.engine.tensor.GgmlType;

/**
 * The reference operations of the transformer forward pass, in plain Java. Every GPU kernel is
 * tested against these, so each one follows llama.cpp's semantics and is written for clarity
 * first. Arrays are addressed with explicit offsets so callers can work on slices of larger
 * buffers without copying. Reductions accumulate in double where the result feeds a division
 * (norms, softmax) and in float vector lanes for dot products.
 */
public final class CpuOps {
    private CpuOps() {}

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** Below this many multiply-adds a matrix product runs on the calling thread: forking costs more. */
    private static final long PARALLEL_THRESHOLD = 1L << 16;

    /** Weight rows decoded and multiplied together: each vector load then serves four rows. */
    private static final int ROW_GROUP = 4;

    /** Dequantised weight rows per worker thread, grown on demand. */
    private static final ThreadLocal<float[]> ROW_BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    /** Sum of a[aOff + i] * b[bOff + i] for i in [0, n). */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        int upper = SPECIES.loopBound(n);
        for (; i < upper; i += SPECIES.length()) {
            acc = FloatVector.fromArray(SPECIES, a, aOff + i).fma(FloatVector.fromArray(SPECIES, b, bOff + i), acc);
        }
        return finishDot(acc, a, aOff, b, bOff, upper, n);
    }

    /**
     * The end of {@link #dot} shared by every kernel that must agree with it bit for bit: lanes are
     * summed in a fixed order (reduceLanes may use another order once the JIT compiles it, which
     * would make the same product differ in the last bit over time), then the scalar tail from
     * {@code from}.
     */
    private static float finishDot(FloatVector acc, float[] a, int aOff, float[] b, int bOff, int from, int n) {
        float sum = 0f;
        for (int lane = 0; lane < SPECIES.length(); lane++) sum += acc.lane(lane);
        for (int i = from; i < n; i++) sum += a[aOff + i] * b[bOff + i];
        return sum;
    }

    /**
     * Four {@link #dot}s of consecutive rows (rows[rowOff + k * n ...], k < 4) with one vector into
     * out[outOff + k], loading the vector once for all four: the same operations per row as dot,
     * so the same bits.
     */
    private static void dotFourRows(float[] rows, int rowOff, float[] x, int xOff, int n, float[] out, int outOff) {
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int upper = SPECIES.loopBound(n);
        for (int i = 0; i < upper; i += SPECIES.length()) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, xOff + i);
            acc0 = FloatVector.fromArray(SPECIES, rows, rowOff + i).fma(xv, acc0);
            acc1 = FloatVector.fromArray(SPECIES, rows, rowOff + n + i).fma(xv, acc1);
            acc2 = FloatVector.fromArray(SPECIES, rows, rowOff + 2 * n + i).fma(xv, acc2);
            acc3 = FloatVector.fromArray(SPECIES, rows, rowOff + 3 * n + i).fma(xv, acc3);
        }
        out[outOff] = finishDot(acc0, rows, rowOff, x, xOff, upper, n);
        out[outOff + 1] = finishDot(acc1, rows, rowOff + n, x, xOff, upper, n);
        out[outOff + 2] = finishDot(acc2, rows, rowOff + 2 * n, x, xOff, upper, n);
        out[outOff + 3] = finishDot(acc3, rows, rowOff + 3 * n, x, xOff, upper, n);
    }

    /** y[yOff + i] += alpha * x[xOff + i] for i in [0, n). */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int upper = SPECIES.loopBound(n);
        for (; i < upper; i += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, x, xOff + i)
                    .fma(FloatVector.broadcast(SPECIES, alpha), FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    /** Residual connection: x[xOff + i] += delta[dOff + i]. */
    public static void add(float[] x, int xOff, float[] delta, int dOff, int n) {
        axpy(1f, delta, dOff, x, xOff, n);
    }

    /**
     * RMS norm followed by the learned scale, as llama.cpp's rms_norm then mul:
     * out[i] = x[i] / sqrt(mean(x^2) + eps) * weight[i]. {@code out} may be {@code x}.
     */
    public static void rmsNorm(float[] x, int xOff, float[] weight, float eps, float[] out, int outOff, int n) {
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            sumSquares += v * v;
        }
        float scale = (float) (1.0 / Math.sqrt(sumSquares / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] * scale * weight[i];
    }

    /**
     * Rotary position embedding in place on {@code heads} consecutive heads of {@code headDim}
     * elements. Pair i (i < ropeDim / 2) turns by position * theta^(-2i / ropeDim), divided by
     * freqFactors[i] when given (Llama 3.1's rope_freqs). NORMAL pairs (x[2i], x[2i+1]); NEOX pairs
     * (x[i], x[i + ropeDim/2]). Elements from ropeDim on are left alone.
     */
    public static void rope(float[] x, int off, int heads, int headDim, int ropeDim, int position,
                            float theta, RopeStyle style, float[] freqFactors) {
        rope(x, off, heads, headDim, ropeDim, position, theta, 1f, 1f, style, freqFactors, null);
    }

    /**
     * {@link #rope} as ggml's rope_ext: the angle is position * scale * frequency (linear scaling),
     * or YaRN's blend of the scaled and unscaled angle when {@code yarn} is given (its own scale then
     * replaces {@code scale}); cos and sin are multiplied by attnFactor (Phi-3's LongRoPE factor) and
     * by YaRN's magnitude. Only the rotated elements are scaled.
     */
    public static void rope(float[] x, int off, int heads, int headDim, int ropeDim, int position, float theta,
                            float scale, float attnFactor, RopeStyle style, float[] freqFactors, RopeScaling yarn) {
        int half = ropeDim / 2;
        for (int i = 0; i < half; i++) {
            double frequency = Math.pow(theta, -2.0 * i / ropeDim);
            if (freqFactors != null) frequency /= freqFactors[i];
            double angle = position * frequency;
            double magnitude = attnFactor;
            if (yarn != null) {
                angle = yarn.angle(angle, i);
                magnitude *= yarn.magnitude();
            } else {
                angle *= scale;
            }
            float cos = (float) (Math.cos(angle) * magnitude);
            float sin = (float) (Math.sin(angle) * magnitude);
            int first = style == RopeStyle.NORMAL ? 2 * i : i;
            int second = style == RopeStyle.NORMAL ? 2 * i + 1 : i + half;
            for (int h = 0; h < heads; h++) {
                int base = off + h * headDim;
                float a = x[base + first];
                float b = x[base + second];
                x[base + first] = a * cos - b * sin;
                x[base + second] = a * sin + b * cos;
            }
        }
    }

    /** Softmax in place over x[off, off + n), shifted by the maximum for stability. */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) x[off + i] *= inv;
    }

    /** x * sigmoid(x). */
    public static float silu(float x) {
        return (float) (x / (1.0 + Math.exp(-x)));
    }

    /**
     * gpt-oss's clamped SwiGLU (ggml's swiglu_oai): g = min(gate, limit), u = clamp(up, -limit, limit),
     * out = g * sigmoid(alpha * g) * (u + 1). {@code out} may alias either input.
     */
    public static void swigluOai(float[] gate, int gateOff, float[] up, int upOff, float[] out, int outOff, int n,
                                 float alpha, float limit) {
        for (int i = 0; i < n; i++) {
            float g = Math.min(gate[gateOff + i], limit);
            float u = Math.clamp(up[upOff + i], -limit, limit);
            out[outOff + i] = (float) (g / (1.0 + Math.exp(-alpha * g))) * (u + 1f);
        }
    }

    /** SwiGLU feed-forward gate: out[i] = silu(gate[i]) * up[i]. {@code out} may alias either input. */
    public static void swiglu(float[] gate, int gateOff, float[] up, int upOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = silu(gate[gateOff + i]) * up[upOff + i];
    }

    /** Gated feed-forward input: out[i] = act(gate[i]) * up[i]. {@code out} may alias either input. */
    public static void glu(Activation act, float[] gate, int gateOff, float[] up, int upOff, float[] out, int outOff, int n) {
        if (act == Activation.SILU) {
            swiglu(gate, gateOff, up, upOff, out, outOff, n);
            return;
        }
        for (int i = 0; i < n; i++) out[outOff + i] = act.apply(gate[gateOff + i]) * up[upOff + i];
    }

    /** Final logit soft-capping: x = cap * tanh(x / cap) over x[off, off + n), in place; nothing when cap is 0. */
    public static void softcap(float[] x, int off, int n, float cap) {
        if (cap <= 0) return;
        for (int i = off; i < off + n; i++) x[i] = (float) (cap * Math.tanh(x[i] / cap));
    }

    /**
     * Causal multi-head attention of one query position over {@code length} cached positions,
     * with grouped-query sharing: query head h reads KV head h / (heads / kvHeads).
     *
     * @param q        heads * headDim query values at qOff (already RoPE'd)
     * @param keys     KV cache of one layer: position t's KV head g starts at t * kvStride + g * headDim
     * @param values   same layout as keys
     * @param scores   scratch of at least heads * length floats
     * @param out      receives heads * headDim values at outOff
     */
    public static void attention(float[] q, int qOff, float[] keys, float[] values, int kvStride, int length,
                                 int heads, int kvHeads, int headDim, float[] scores, float[] out, int outOff) {
        attention(q, qOff, keys, values, kvStride, 0, length, 0, heads, kvHeads, headDim, (float) (1.0 / Math.sqrt(headDim)),
                null, scores, out, outOff);
    }

    /**
     * {@link #attention} over cached positions [first, length) only (a sliding window: the query at
     * length - 1 sees the window's positions), with Q·K multiplied by {@code scale} and an optional
     * learned sink logit per head (gpt-oss): the sink joins the softmax's denominator and contributes
     * no value. {@code scores} holds heads * (length - first) values. With {@code ring} > 0 the cache
     * holds position t in row t % ring (a sliding-window layer's ring).
     */
    public static void attention(float[] q, int qOff, float[] keys, float[] values, int kvStride, int first, int length,
                                 int ring, int heads, int kvHeads, int headDim, float scale, float[] sinks, float[] scores,
                                 float[] out, int outOff) {
        boolean parallel = (long) heads * (length - first) * headDim >= PARALLEL_THRESHOLD;
        forRange(heads, parallel, h -> attentionHead(q, qOff, keys, values, kvStride, first, length, ring, h,
                h / (heads / kvHeads), headDim, scale, sinks == null ? Float.NaN : sinks[h], scores, out, outOff));
    }

    /** @param sink the head's sink logit, NaN for none */
    private static void attentionHead(float[] q, int qOff, float[] keys, float[] values, int kvStride, int first, int length,
                                      int ring, int head, int kvHead, int headDim, float scale, float sink, float[] scores,
                                      float[] out, int outOff) {
        int qBase = qOff + head * headDim;
        int n = length - first;
        int sBase = head * n;
        float max = Float.isNaN(sink) ? Float.NEGATIVE_INFINITY : sink;
        for (int t = 0; t < n; t++) {
            int row = ring > 0 ? (first + t) % ring : first + t;
            scores[sBase + t] = dot(q, qBase, keys, row * kvStride + kvHead * headDim, headDim) * scale;
            max = Math.max(max, scores[sBase + t]);
        }
        double sum = Float.isNaN(sink) ? 0 : Math.exp(sink - max);
        for (int t = 0; t < n; t++) {
            float e = (float) Math.exp(scores[sBase + t] - max);
            scores[sBase + t] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        int oBase = outOff + head * headDim;
        java.util.Arrays.fill(out, oBase, oBase + headDim, 0f);
        for (int t = 0; t < n; t++) {
            int row = ring > 0 ? (first + t) % ring : first + t;
            axpy(scores[sBase + t] * inv, values, row * kvStride + kvHead * headDim, out, oBase, headDim);
        }
    }

    /**
     * {@link #dotFourRows} for two vectors at once (x at xOff and xOff2, results at outOff and
     * outOff2): each row load now serves two vectors, the prefill case. Same bits as dot.
     */
    private static void dotFourRowsTwice(float[] rows, float[] x, int xOff, int xOff2, int n, float[] out, int outOff, int outOff2) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        int upper = SPECIES.loopBound(n);
        for (int i = 0; i < upper; i += SPECIES.length()) {
            FloatVector xa = FloatVector.fromArray(SPECIES, x, xOff + i);
            FloatVector xb = FloatVector.fromArray(SPECIES, x, xOff2 + i);
            FloatVector r0 = FloatVector.fromArray(SPECIES, rows, i);
            FloatVector r1 = FloatVector.fromArray(SPECIES, rows, n + i);
            FloatVector r2 = FloatVector.fromArray(SPECIES, rows, 2 * n + i);
            FloatVector r3 = FloatVector.fromArray(SPECIES, rows, 3 * n + i);
            a0 = r0.fma(xa, a0);
            a1 = r1.fma(xa, a1);
            a2 = r2.fma(xa, a2);
            a3 = r3.fma(xa, a3);
            b0 = r0.fma(xb, b0);
            b1 = r1.fma(xb, b1);
            b2 = r2.fma(xb, b2);
            b3 = r3.fma(xb, b3);
        }
        out[outOff] = finishDot(a0, rows, 0, x, xOff, upper, n);
        out[outOff + 1] = finishDot(a1, rows, n, x, xOff, upper, n);
        out[outOff + 2] = finishDot(a2, rows, 2 * n, x, xOff, upper, n);
        out[outOff + 3] = finishDot(a3, rows, 3 * n, x, xOff, upper, n);
        out[outOff2] = finishDot(b0, rows, 0, x, xOff2, upper, n);
        out[outOff2 + 1] = finishDot(b1, rows, n, x, xOff2, upper, n);
        out[outOff2 + 2] = finishDot(b2, rows, 2 * n, x, xOff2, upper, n);
        out[outOff2 + 3] = finishDot(b3, rows, 3 * n, x, xOff2, upper, n);
    }

    /** Bytes of one row of {@code cols} elements of the given type. */
    public static long rowBytes(GgmlType type, int cols) {
        return type.byteSize(cols);
    }

    /** Dequantises row {@code row} of a [rows x cols] matrix (e.g. a token's embedding) into out. */
    public static void row(GgmlType type, MemorySegment matrix, int cols, int row, float[] out, int outOff) {
        Dequantizer.dequantize(type, matrix, row * rowBytes(type, cols), out, outOff, cols);
    }

    /**
     * Matrix-vector product on the quantised blocks: out[outOff + r] = dot(W[r], x[xOff ...]) for a
     * [rows x cols] matrix W stored row by row in {@code type}, as GGUF stores a tensor of dims
     * [cols, rows]. Each row is dequantised into a small per-thread buffer, never the whole matrix.
     */
    public static void matVec(GgmlType type, MemorySegment weights, int rows, int cols,
                              float[] x, int xOff, float[] out, int outOff) {
        matMul(type, weights, rows, cols, x, xOff, 1, out, outOff);
    }

    /**
     * Matrix product for a batch of vectors (prefill): x holds {@code batch} vectors of {@code cols}
     * floats from xOff, out receives {@code batch} vectors of {@code rows} floats from outOff. Weight
     * rows are decoded four at a time, once per call, and multiplied with two vectors at a time
     * (each load serves several products); every output is computed with exactly the operations of
     * {@link #dot}, so batch and single-token results agree bit for bit.
     */
    public static void matMul(GgmlType type, MemorySegment weights, int rows, int cols,
                              float[] x, int xOff, int batch, float[] out, int outOff) {
        long rowBytes = rowBytes(type, cols);
        boolean parallel = (long) rows * cols * batch >= PARALLEL_THRESHOLD;
        int perTask = rows / (8 * Runtime.getRuntime().availableProcessors());
        int chunk = parallel ? Math.max(ROW_GROUP, (perTask + ROW_GROUP - 1) / ROW_GROUP * ROW_GROUP) : rows;
        int chunks = (rows + chunk - 1) / chunk;
        forRange(chunks, parallel, c -> {
            float[] group = rowBuffer(ROW_GROUP * cols);
            int end = Math.min(rows, (c + 1) * chunk);
            for (int r = c * chunk; r < end; r += ROW_GROUP) {
                int n = Math.min(ROW_GROUP, end - r);
                // consecutive rows are contiguous, so one call decodes the group
                Dequantizer.dequantize(type, weights, r * rowBytes, group, 0, n * cols);
                int b0 = 0;
                if (n == ROW_GROUP) {
                    for (; b0 + 1 < batch; b0 += 2) {
                        dotFourRowsTwice(group, x, xOff + b0 * cols, xOff + (b0 + 1) * cols, cols, out,
                                outOff + b0 * rows + r, outOff + (b0 + 1) * rows + r);
                    }
                }
                for (int b = b0; b < batch; b++) {
                    int xb = xOff + b * cols;
                    int o = outOff + b * rows + r;
                    if (n == ROW_GROUP) {
                        dotFourRows(group, 0, x, xb, cols, out, o);
                    } else {
                        for (int k = 0; k < n; k++) out[o + k] = dot(group, k * cols, x, xb, cols);
                    }
                }
            }
        });
    }

    private static float[] rowBuffer(int cols) {
        float[] buffer = ROW_BUFFER.get();
        if (buffer.length < cols) {
            buffer = new float[cols];
            ROW_BUFFER.set(buffer);
        }
        return buffer;
    }

    /** Runs body(i) for i in [0, n), on the common fork-join pool when parallel. */
    static void forRange(int n, boolean parallel, java.util.function.IntConsumer body) {
        if (parallel && n > 1) {
            IntStream.range(0, n).parallel().forEach(body);
        } else {
            for (int i = 0; i < n; i++) body.accept(i);
        }
    }
}
