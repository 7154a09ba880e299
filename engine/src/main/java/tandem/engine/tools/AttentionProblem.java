package tandem.engine.tools;

import tandem.engine.api.CacheType;
import tandem.engine.cpu.CpuOps;
import tandem.engine.vulkan.AttentionCache;
import tandem.engine.vulkan.AttentionHeads;
import tandem.engine.vulkan.AttentionKernel;
import tandem.engine.vulkan.AttentionSplits;
import tandem.engine.vulkan.BufferKind;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.DeviceFloats;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.MadeResources;
import tandem.engine.vulkan.StepParams;
import tandem.engine.vulkan.TimestampQueries;
import tandem.engine.vulkan.VulkanDevice;

/**
 * A random prompt attention and its CPU reference ({@link CpuOps#attention}): {@code tokens}
 * queries at positions pos0 ... over an F16 cache of random keys and values (rounded to float16,
 * so the reference sees the cache the GPU reads), causal, optionally a sliding window over a ring
 * of cache rows. Kernel tests and {@code tandem kernel-check} both build their cases here.
 */
public final class AttentionProblem {
    private final int heads, kvHeads, headDim, pos0, tokens, window, ring;
    private final float scale;
    private final float[] q, keys, values, expected;

    /**
     * @param window each query sees its last {@code window} positions (0: all)
     * @param ring   cache rows of a sliding-window ring (position t in row t % ring; 0: row t)
     */
    public AttentionProblem(int heads, int kvHeads, int headDim, int pos0, int tokens, int window, int ring) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.pos0 = pos0;
        this.tokens = tokens;
        this.window = window;
        this.ring = ring;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        int kvDim = kvHeads * headDim;
        int rows = ring > 0 ? ring : pos0 + tokens;
        // queries of a few units, as roped queries are: scores spread over a few units, not one peak
        q = ProductProblem.gaussians(tokens * heads * headDim, 7);
        keys = toHalfAndBack(ProductProblem.gaussians(rows * kvDim, 5));
        values = toHalfAndBack(ProductProblem.gaussians(rows * kvDim, 6));
        expected = new float[tokens * heads * headDim];
        float[] scores = new float[heads * (pos0 + tokens)];
        for (int t = 0; t < tokens; t++) {
            int length = pos0 + t + 1;
            int first = window > 0 ? Math.max(0, length - window) : 0;
            CpuOps.attention(q, t * heads * headDim, keys, values, kvDim, first, length, ring, heads, kvHeads, headDim, scale,
                    null, scores, expected, t * heads * headDim);
        }
    }

    private static float[] toHalfAndBack(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
        return out;
    }

    public float[] expected() { return expected.clone(); }

    public int headDim() { return headDim; }

    public AttentionHeads heads() { return new AttentionHeads(heads, kvHeads, headDim, scale); }

    /** Cache positions the last query sees the end of: pos0 + tokens. */
    public int positions() { return pos0 + tokens; }

    /** Bytes of the F16 cache (keys and values) the queries see, each read once. */
    public long cacheBytesRead() {
        return 2L * 2 * (window > 0 ? Math.min(window, positions()) : positions()) * kvHeads * headDim;
    }

    /** "32/8x128 @512+512 w0": heads/kvHeads x head size @ pos0 + tokens, window. */
    public String shape() {
        return heads + "/" + kvHeads + "x" + headDim + " @" + pos0 + "+" + tokens + (window > 0 ? " w" + window : "")
                + (ring > 0 ? " ring" + ring : "");
    }

    /** Multiply-adds of Q·K and P·V over the positions each query sees. */
    public long multiplyAdds() {
        long seen = 0;
        for (int t = 0; t < tokens; t++) {
            int length = pos0 + t + 1;
            seen += window > 0 ? Math.min(window, length) : length;
        }
        return 2L * seen * heads * headDim;
    }

    /** The largest difference from the reference relative to its largest magnitude ({@link ProductProblem#maxError(float[], float[])}). */
    public double maxError(float[] actual) {
        return ProductProblem.maxError(expected, actual);
    }

    public OnDevice upload(VulkanDevice device) {
        return new OnDevice(device, CacheType.F16);
    }

    /**
     * The problem on a device with its cache as F16 or F32 (the same values: they are float16's);
     * not Q8_0, which would round them again.
     */
    public OnDevice upload(VulkanDevice device, CacheType cache) {
        if (cache == CacheType.Q8_0) throw new IllegalArgumentException("the problem's cache is float16 values: F16 or F32");
        return new OnDevice(device, cache);
    }

    /** The problem's queries, cache and step on one device. */
    public final class OnDevice implements AutoCloseable {
        private final VulkanDevice device;
        private final GpuBuffer qb, kc, vc, out;
        private final StepParams step;
        private final CacheType cache;
        private GpuBuffer partials;

        private OnDevice(VulkanDevice device, CacheType cache) {
            this.device = device;
            this.cache = cache;
            MadeResources made = new MadeResources();
            try {
                qb = made.keep(DeviceFloats.upload(device, q, "q"));
                kc = made.keep(cache == CacheType.F16 ? DeviceFloats.uploadHalves(device, keys, "k cache")
                        : DeviceFloats.upload(device, keys, "k cache"));
                vc = made.keep(cache == CacheType.F16 ? DeviceFloats.uploadHalves(device, values, "v cache")
                        : DeviceFloats.upload(device, values, "v cache"));
                out = made.keep(GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 4L * expected.length, "attention out"));
                step = made.keep(new StepParams(device, tokens));
                step.write(pos0, new int[tokens], 0, tokens);
            } catch (RuntimeException e) {
                throw made.closeAfter(e);
            }
        }

        /** The attention through the kernel (null: the one prompts take). */
        public float[] run(AttentionKernel kernel) {
            return run(kernel, 1);
        }

        /**
         * The attention through the kernel, the cache divided into {@code splits} ranges (more than 1: the per-token
         * kernel and its combine, as decode over a long cache runs).
         */
        public float[] run(AttentionKernel kernel, int splits) {
            try (CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin();
                record(rec, kernel, splits);
                rec.end().submitAndWait();
            }
            return DeviceFloats.read(device, out, expected.length);
        }

        /** GPU microseconds per attention through the kernel: the mean of {@code repeats} runs, timed on a second submission. */
        public double micros(AttentionKernel kernel, int repeats) {
            return micros(kernel, 1, repeats);
        }

        /** {@link #micros(AttentionKernel, int)} with the cache divided into {@code splits} ranges. */
        public double micros(AttentionKernel kernel, int splits, int repeats) {
            try (TimestampQueries tq = TimestampQueries.create(device, 2);
                 CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin().resetTimestamps(tq, 2).timestamp(tq, 0);
                for (int i = 0; i < repeats; i++) {
                    record(rec, kernel, splits);
                    rec.computeBarrier();
                }
                rec.timestamp(tq, 1).end().submitAndWait();
                rec.submitAndWait();
                return tq.intervalsNanos(2)[0] / 1e3 / repeats;
            }
        }

        private void record(CommandRecorder rec, AttentionKernel kernel, int splits) {
            AttentionSplits ranges = splits == 1 ? AttentionSplits.NONE : new AttentionSplits(splits, partials(splits).all());
            GpuOps.attention(rec, kernel, heads(), qb.all(),
                    new AttentionCache(kc.all(), vc.all(), cache, window, ring), out.all(), step.range(), tokens, ranges, null);
        }

        /** The split attention's scratch, made on first use and kept for the largest split count asked. */
        private GpuBuffer partials(int splits) {
            long bytes = 4 * GpuOps.attentionPartialFloats(heads, headDim, tokens, splits);
            if (partials == null || partials.size() < bytes) {
                if (partials != null) partials.close();
                partials = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "attention partials");
            }
            return partials;
        }

        @Override
        public void close() {
            if (partials != null) partials.close();
            step.close();
            out.close();
            vc.close();
            kc.close();
            qb.close();
        }
    }
}
