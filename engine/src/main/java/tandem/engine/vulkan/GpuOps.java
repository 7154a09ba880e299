package tandem.engine.vulkan;

import java.util.List;

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
     * @param accumulate add to y (a fused residual add) instead of overwriting it
     */
    public static void matVec(CommandRecorder rec, WeightTensor w, BufferRange x, int xOffset, int xStride,
                              BufferRange y, int yStride, int tokens, boolean accumulate) {
        Kernels k = Kernels.of(rec.device());
        ComputePipeline p = k.matvec(w.kernelType());
        int rowsPerGroup = k.matvecRows();
        for (WeightTensor.Slice s : w.slices()) {
            int groups = (s.rows() + rowsPerGroup - 1) / rowsPerGroup;
            int gx = Math.min(groups, MAX_GROUPS_X);
            int gz = (groups + gx - 1) / gx;
            rec.dispatch(p, List.of(s.buffer().all(), x, y),
                    new int[] {w.cols(), s.rows(), xOffset, xStride, s.firstRow(), yStride, accumulate ? 1 : 0},
                    gx, tokens, gz);
        }
    }

    /** out[t] = row step.ids[firstId + t] of the embedding matrix, dequantized, for t < tokens. */
    public static void getRows(CommandRecorder rec, WeightTensor embedding, BufferRange step, int firstId,
                               BufferRange out, int tokens) {
        ComputePipeline p = Kernels.of(rec.device()).getRows(embedding.kernelType());
        for (WeightTensor.Slice s : embedding.slices()) {
            rec.dispatch(p, List.of(s.buffer().all(), step, out),
                    new int[] {embedding.cols(), firstId, s.firstRow(), s.rows()}, tokens, 1, 1);
        }
    }

    /** out[t] = rmsnorm(x[xOffset + t * n ...]) * weight for t < rows. */
    public static void rmsNorm(CommandRecorder rec, BufferRange x, int xOffset, BufferRange weight, BufferRange out,
                               int n, float eps, int rows) {
        rec.dispatch(Kernels.of(rec.device()).rmsNorm(), List.of(x, weight, out),
                new int[] {n, Float.floatToRawIntBits(eps), xOffset}, rows, 1, 1);
    }

    /** Rotates [tokens][heads][headDim] in place by the cos/sin table ([position][rotDim/2] pairs). */
    public static void rope(CommandRecorder rec, BufferRange data, BufferRange table, BufferRange step,
                            int heads, int headDim, int rotDim, boolean neox, int tokens) {
        rec.dispatch(Kernels.of(rec.device()).rope(neox), List.of(data, table, step),
                new int[] {heads, headDim, rotDim}, heads, tokens, 1);
    }

    /** Writes [tokens][kvDim] floats as F16 into the cache rows step.pos0 ... */
    public static void kvStore(CommandRecorder rec, BufferRange src, BufferRange cache, BufferRange step, int kvDim, int tokens) {
        int pairs = kvDim / 2;
        rec.dispatch(Kernels.of(rec.device()).kvStore(), List.of(src, cache, step), new int[] {kvDim},
                (pairs + 63) / 64, tokens, 1);
    }

    /** Causal attention of [tokens][heads][headDim] queries over the F16 caches; out like q. */
    public static void attention(CommandRecorder rec, BufferRange q, BufferRange kCache, BufferRange vCache,
                                 BufferRange out, BufferRange step, int heads, int kvHeads, int headDim, int tokens) {
        float scale = (float) (1.0 / Math.sqrt(headDim));
        rec.dispatch(Kernels.of(rec.device()).attention(headDim), List.of(q, kCache, vCache, out, step),
                new int[] {heads, kvHeads, headDim, Float.floatToRawIntBits(scale)}, heads, tokens, 1);
    }

    /** out[i] = silu(gate[i]) * up[i] for i < n. */
    public static void swiglu(CommandRecorder rec, BufferRange gate, BufferRange up, BufferRange out, int n) {
        int groups = (n + 63) / 64;
        int gx = Math.min(groups, MAX_GROUPS_X);
        rec.dispatch(Kernels.of(rec.device()).swiglu(), List.of(gate, up, out), new int[] {n}, gx, 1, (groups + gx - 1) / gx);
    }
}
