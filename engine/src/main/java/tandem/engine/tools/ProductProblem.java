package tandem.engine.tools;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.BiConsumer;
import tandem.engine.cpu.CpuOps;
import tandem.engine.tensor.GgmlType;
import tandem.engine.vulkan.BufferKind;
import tandem.engine.vulkan.BufferRange;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.DeviceFloats;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.Int8Decode;
import tandem.engine.vulkan.MadeResources;
import tandem.engine.vulkan.PromptKernel;
import tandem.engine.vulkan.TimestampQueries;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.WeightTensor;
import tandem.engine.vulkan.WeightUploader;

/**
 * A random weight product y (+)= W x of {@code tokens} tokens and its CPU reference
 * ({@link CpuOps}), for checking the GPU's product kernels: W is {@code rows x cols} random valid
 * blocks of a type, x Gaussian; with {@code swiglu} the input is silu(x) * up, with
 * {@code accumulate} the product adds to a random residual. Kernel tests and
 * {@code tandem kernel-check} both build their cases here.
 */
public final class ProductProblem implements AutoCloseable {
    private final GgmlType type;
    private final int rows, cols, tokens;
    private final boolean accumulate, swiglu;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment weights;
    private final float[] x, up, initial, expected;
    /** The product's input: x, or silu(x) * up with swiglu. */
    private final float[] input;

    public ProductProblem(GgmlType type, int rows, int cols, int tokens, boolean accumulate, boolean swiglu) {
        this(type, rows, cols, tokens, accumulate, swiglu, 1f);
    }

    /** @param inputScale factor on the standard normal inputs (large ones test float16 range limits) */
    public ProductProblem(GgmlType type, int rows, int cols, int tokens, boolean accumulate, boolean swiglu, float inputScale) {
        this(type, rows, cols, tokens, accumulate, swiglu, inputScale, w -> RandomBlocks.fill(type, w, rows * 31L + cols));
    }

    /** The product over given blocks of {@code type} (a real model's) instead of random ones: y = W x. */
    public ProductProblem(GgmlType type, MemorySegment blocks, int rows, int cols, int tokens) {
        this(type, rows, cols, tokens, false, false, 1f, w -> w.copyFrom(blocks));
    }

    private ProductProblem(GgmlType type, int rows, int cols, int tokens, boolean accumulate, boolean swiglu, float inputScale,
                           java.util.function.Consumer<MemorySegment> fill) {
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.tokens = tokens;
        this.accumulate = accumulate;
        this.swiglu = swiglu;
        weights = arena.allocate(type.byteSize((long) rows * cols), 16);
        fill.accept(weights);
        x = gaussians(tokens * cols, cols);
        for (int i = 0; i < x.length; i++) x[i] *= inputScale;
        up = gaussians(tokens * cols, cols + 1);
        initial = accumulate ? gaussians(tokens * rows, rows) : new float[tokens * rows];
        input = x.clone();
        if (swiglu) CpuOps.swiglu(x, 0, up, 0, input, 0, input.length);
        expected = new float[tokens * rows];
        CpuOps.matMul(type, weights, rows, cols, input, 0, tokens, expected, 0);
        for (int i = 0; i < expected.length; i++) expected[i] += initial[i];
    }

    /** n standard normal floats from a seed. */
    public static float[] gaussians(int n, long seed) {
        Random r = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) r.nextGaussian();
        return out;
    }

    public GgmlType type() { return type; }

    public float[] expected() { return expected.clone(); }

    /** Multiply-adds of the product. */
    public long multiplyAdds() { return (long) rows * cols * tokens; }

    /** "100x256x37": rows x cols x tokens. */
    public String shape() { return rows + "x" + cols + "x" + tokens; }

    /**
     * The largest difference from the reference relative to the reference's largest magnitude
     * (at least 1, so near-zero outputs do not inflate it); infinite where the result has a NaN.
     */
    public double maxError(float[] actual) {
        return maxError(expected, actual);
    }

    /** {@link #maxError(float[])} of any result against its reference. */
    static double maxError(float[] expected, float[] actual) {
        double scale = 1, worst = 0;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(actual[i])) return Double.POSITIVE_INFINITY;
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        return worst / scale;
    }

    /**
     * The most each output of the int8 products ({@link OnDevice#runInt8}) may differ from the
     * reference for the rounding of their input alone: quantized to 8 bits in blocks of 32, each
     * input value moves by at most half a step, d / 2 = max|block| / 254, so output r of token t
     * moves by at most the sum over blocks of d / 2 * sum |w[r][i]| over the block's columns. The
     * integer dot products are exact; the scales are float32 (their rounding is in the float bound).
     */
    public float[] int8Bounds() {
        return int8Bounds(type, weights, rows, cols, input, tokens);
    }

    /** {@link #int8Bounds()} of any product: {@code tokens} rows of {@code input} through {@code rows x cols} blocks of {@code type}. */
    public static float[] int8Bounds(GgmlType type, MemorySegment weights, int rows, int cols, float[] input, int tokens) {
        int blocks = cols / 32;
        double[] halfStep = new double[tokens * blocks];
        for (int t = 0; t < tokens; t++) {
            for (int b = 0; b < blocks; b++) {
                double amax = 0;
                for (int k = 0; k < 32; k++) amax = Math.max(amax, Math.abs(input[t * cols + 32 * b + k]));
                halfStep[t * blocks + b] = amax / 254;
            }
        }
        float[] bounds = new float[tokens * rows];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            CpuOps.row(type, weights, cols, r, row, 0);
            for (int b = 0; b < blocks; b++) {
                double abs = 0;
                for (int k = 0; k < 32; k++) abs += Math.abs(row[32 * b + k]);
                for (int t = 0; t < tokens; t++) bounds[t * rows + r] += (float) (halfStep[t * blocks + b] * abs);
            }
        }
        return bounds;
    }

    /** The largest of {@link #int8Bounds} relative to the reference's largest magnitude (at least 1), as {@link #maxError} measures. */
    public double int8Bound() {
        double worst = 0;
        for (float b : int8Bounds()) worst = Math.max(worst, b);
        return worst / scale(expected);
    }

    /**
     * Whether every output of an int8 product lies within its own {@link #int8Bounds} plus
     * {@code floatBound} of the reference's largest magnitude (at least 1): the per-output check,
     * much tighter than {@link #int8Bound} for outputs of small weights.
     */
    public boolean withinInt8Bounds(float[] actual, double floatBound) {
        float[] bounds = int8Bounds();
        double slack = floatBound * scale(expected);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= bounds[i] + slack)) return false;
        }
        return true;
    }

    private static double scale(float[] values) {
        double scale = 1;
        for (float v : values) scale = Math.max(scale, Math.abs(v));
        return scale;
    }

    /**
     * Uploads the problem to a device.
     *
     * @param sliceBytes the most bytes of weights per buffer (smaller than the matrix: rows split over buffers)
     */
    public OnDevice upload(VulkanDevice device, long sliceBytes) {
        return new OnDevice(device, sliceBytes);
    }

    /** The problem's weights and inputs on one device. */
    public final class OnDevice implements AutoCloseable {
        private final VulkanDevice device;
        private final WeightUploader uploader;
        private final WeightTensor w;
        private final GpuBuffer xb, ub, halves;

        private OnDevice(VulkanDevice device, long sliceBytes) {
            this.device = device;
            MadeResources made = new MadeResources();
            try {
                uploader = made.keep(new WeightUploader(device, n -> {}, sliceBytes));
                w = made.keep(uploader.matrix("w", type, rows, cols, weights));
                xb = made.keep(DeviceFloats.upload(device, x, "x"));
                ub = made.keep(DeviceFloats.upload(device, up, "up"));
                halves = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * tokens * cols, "float16 input");
            } catch (RuntimeException e) {
                throw made.closeAfter(e);
            }
        }

        /** The product through {@link GpuOps#linear} (kernel null) or the given prompt kernel. */
        public float[] run(PromptKernel kernel) {
            return run((rec, yb) -> record(rec, kernel, yb));
        }

        /** The product through the cooperative-matrix kernel's emulated build (any device with float16). */
        public float[] runEmulatedCoopmat() {
            BufferRange upRange = swiglu ? ub.all() : null;
            return run((rec, yb) -> GpuOps.coopMat(rec, w, xb.all(), upRange, 0, cols, yb.all(), rows, tokens, accumulate,
                    halves.all(), true));
        }

        /** The product through the float decode kernel (matvec.comp), whatever the int8 property says. */
        public float[] runFloatDecode() {
            return run(this::recordFloatDecode);
        }

        /** {@link #micros} of the float decode kernel. */
        public double microsFloatDecode(int repeats) {
            return micros(this::recordFloatDecode, repeats);
        }

        private void recordFloatDecode(CommandRecorder rec, GpuBuffer yb) {
            GpuOps.matVec(rec, w, xb.all(), swiglu ? ub.all() : null, 0, cols, yb.all(), rows, tokens, accumulate);
        }

        /** The product through the int8 decode kernels (quantize_q8_1, then matvec_i8), whatever the property says. */
        public float[] runInt8() {
            return run(this::recordInt8);
        }

        private void recordInt8(CommandRecorder rec, GpuBuffer yb) {
            Int8Decode.Input codes = GpuOps.quantizeInput(rec, xb.all(), swiglu ? ub.all() : null, null, 0f, 0, cols, cols, tokens,
                    halves.all());
            rec.computeBarrier();
            GpuOps.matVecInt8(rec, w, codes, yb.all(), rows, accumulate);
        }

        private float[] run(BiConsumer<CommandRecorder, GpuBuffer> product) {
            try (GpuBuffer yb = DeviceFloats.upload(device, initial, "y");
                 CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin();
                product.accept(rec, yb);
                rec.end().submitAndWait();
                return DeviceFloats.read(device, yb, expected.length);
            }
        }

        /**
         * GPU microseconds per product through the kernel: the mean of {@code repeats} back-to-back
         * runs, timed on a second submission (the first brings the GPU's clocks up: the first shape
         * of a process measured up to 5x slow on an H100).
         */
        public double micros(PromptKernel kernel, int repeats) {
            return micros((rec, yb) -> record(rec, kernel, yb), repeats);
        }

        /** {@link #micros} of the int8 decode kernels, the input's quantization included. */
        public double microsInt8(int repeats) {
            return micros(this::recordInt8, repeats);
        }

        private double micros(BiConsumer<CommandRecorder, GpuBuffer> product, int repeats) {
            try (GpuBuffer yb = DeviceFloats.upload(device, initial, "y timed");
                 TimestampQueries q = TimestampQueries.create(device, 2);
                 CommandRecorder rec = CommandRecorder.create(device)) {
                rec.begin().resetTimestamps(q, 2).timestamp(q, 0);
                for (int i = 0; i < repeats; i++) {
                    product.accept(rec, yb);
                    rec.computeBarrier();
                }
                rec.timestamp(q, 1).end().submitAndWait();
                rec.submitAndWait();
                return q.intervalsNanos(2)[0] / 1e3 / repeats;
            }
        }

        private void record(CommandRecorder rec, PromptKernel kernel, GpuBuffer yb) {
            BufferRange upRange = swiglu ? ub.all() : null;
            if (kernel == null) GpuOps.linear(rec, w, xb.all(), upRange, 0, cols, yb.all(), rows, tokens, accumulate, halves.all());
            else GpuOps.prompt(rec, kernel, w, xb.all(), upRange, 0, cols, yb.all(), rows, tokens, accumulate, halves.all());
        }

        @Override
        public void close() {
            halves.close();
            ub.close();
            xb.close();
            w.close();
            uploader.close();
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
