package tandem.engine.vulkan.model;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import tandem.engine.gguf.GgufFile;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelTensors;
import tandem.engine.api.Backend;
import tandem.engine.api.CacheType;
import tandem.engine.api.DeviceMetrics;
import tandem.engine.api.KernelTime;
import tandem.engine.api.LoadProgress;
import tandem.engine.runtime.ModelRunner;
import tandem.engine.api.TandemException;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuTimeline;
import tandem.engine.vulkan.Kernels;
import tandem.engine.vulkan.PhysicalDevice;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.VulkanInstance;

/**
 * The Vulkan forward pass. Holds its own instance and a list of per-device models (one entry
 * with split mode none; the list is where tensor parallelism plugs in). Decode steps are recorded
 * once per sequence and replayed with the position in the step buffer; prompts run in batches.
 */
public final class VulkanRunner implements ModelRunner {
    /** Tokens per prompt batch (activations are sized for this); large enough to fill a big GPU with tiles. */
    public static final int MAX_BATCH = 512;
    /** Positions whose logits one batch can return when all positions are asked for. */
    public static final int MAX_LOGIT_ROWS = 16;
    /** Unprofiled decode steps per read of their timestamps (see VulkanState#runLocked). */
    static final int TIMESTAMP_STEPS = 8;
    /** A gap between two decode steps of a sequence longer than this is not counted as the host's time between steps. */
    private static final long IDLE_NANOS = 1_000_000_000L;

    private final VulkanInstance instance;
    /** Whether closing the runner closes its devices and instance (false where the caller keeps them: {@link #loadOnto}). */
    private final boolean ownsDevices;
    private final List<DeviceModel> devices;
    private final ModelConfig config;
    private final boolean profile;
    private final Map<String, double[]> kernelTimes = new LinkedHashMap<>();
    private double gpuNanos;
    private final HostTimes hostTimes = new HostTimes();
    /** Steps several sequences share (parallel streams). */
    private final SharedSteps shared;
    /**
     * Held while recording or submitting: the device's command pool takes one thread at a time, and
     * sessions on other threads may open (recording their decode step) while a step runs.
     */
    private final Object commandPool = new Object();

    /** How the sequences' KV caches store keys and values. */
    private final CacheType cacheType;

    private VulkanRunner(VulkanInstance instance, boolean ownsDevices, List<DeviceModel> devices, ModelConfig config,
                         boolean profile, CacheType cacheType) {
        this.instance = instance;
        this.ownsDevices = ownsDevices;
        this.cacheType = cacheType;
        this.devices = List.copyOf(devices);
        this.config = config;
        this.profile = profile;
        this.shared = new SharedSteps(this.devices.getFirst(), profile, this::account, hostTimes, commandPool);
    }

    /** Whether per-kernel timestamps are on: -Dtandem.profile=true (bench --profile sets it). */
    public static boolean profilingRequested() { return Boolean.getBoolean("tandem.profile"); }

    /**
     * Uploads the model to one device. Refuses, before allocating anything, a model and context
     * that do not fit the device's free memory.
     */
    public static VulkanRunner load(GgufFile file, ModelConfig config, ModelTensors tensors, int deviceIndex,
                                    int contextLength, LoadProgress progress, BooleanSupplier cancelled) {
        return load(file, config, tensors, deviceIndex, contextLength, CacheType.F16, progress, cancelled);
    }

    /** {@link #load} with KV caches of the given type. */
    public static VulkanRunner load(GgufFile file, ModelConfig config, ModelTensors tensors, int deviceIndex,
                                    int contextLength, CacheType cacheType, LoadProgress progress, BooleanSupplier cancelled) {
        requireKernels(tensors);
        cacheType.check(config.headDim());
        VulkanInstance instance = VulkanInstance.create();
        VulkanDevice device = null;
        try {
            PhysicalDevice pd = instance.physicalDevice(deviceIndex);
            long need = DeviceModel.weightBytes(tensors) + SequenceBuffers.cacheBytes(config, contextLength, cacheType)
                    + SequenceBuffers.scratchBytes(config, MAX_BATCH, MAX_LOGIT_ROWS);
            if (need > pd.freeBytes()) {
                throw new TandemException(String.format(Locale.ROOT,
                        "the model does not fit on device %d (%s): it needs %.2f GiB (weights, KV cache for %d tokens, "
                                + "scratch) but %.2f GiB are free; use a smaller --ctx, a smaller quantization or another device",
                        pd.index(), pd.name(), need / 1073741824.0, contextLength, pd.freeBytes() / 1073741824.0));
            }
            device = VulkanDevice.open(instance, pd);
            return upload(device, true, file, config, tensors, contextLength, cacheType, progress, cancelled);
        } catch (RuntimeException e) {
            if (device != null) device.close();
            instance.close();
            throw e;
        }
    }

    /**
     * Uploads the model to a device the caller opened and keeps: closing the runner frees what the
     * model allocated and leaves the device, its allocator and its instance open. How a test loads
     * and unloads models many times inside one VMA allocator.
     */
    static VulkanRunner loadOnto(VulkanDevice device, GgufFile file, ModelConfig config, ModelTensors tensors,
                                 int contextLength, CacheType cacheType) {
        requireKernels(tensors);
        cacheType.check(config.headDim());
        return upload(device, false, file, config, tensors, contextLength, cacheType, LoadProgress.NONE, () -> false);
    }

    private static VulkanRunner upload(VulkanDevice device, boolean ownsDevice, GgufFile file, ModelConfig config,
                                       ModelTensors tensors, int contextLength, CacheType cacheType, LoadProgress progress,
                                       BooleanSupplier cancelled) {
        long total = DeviceModel.weightBytes(tensors);
        long[] done = {0};
        String name = device.physical().name();
        DeviceModel model = DeviceModel.upload(device, file, config, tensors, contextLength, n -> {
            done[0] += n;
            progress.update(Math.min(1.0, (double) done[0] / total), "uploading weights to " + name);
        }, cancelled);
        return new VulkanRunner(device.instance(), ownsDevice, List.of(model), config, profilingRequested(), cacheType);
    }

    private static void requireKernels(ModelTensors tensors) {
        for (var t : tensors.all()) {
            if (t.rank() >= 2 && !Kernels.WEIGHT_TYPES.contains(t.type())) {
                throw new TandemException("tensor " + t.name() + " has type " + t.type()
                        + ", which the Vulkan backend cannot run yet; use --backend cpu");
            }
        }
    }

    @Override public ModelConfig config() { return config; }

    @Override public Backend backend() { return Backend.VULKAN; }

    @Override
    public State newState(int contextLength) {
        DeviceModel m = devices.getFirst();
        if (contextLength > m.weights().ropePositions()) {
            throw new TandemException("context " + contextLength + " exceeds the " + m.weights().ropePositions()
                    + " positions this model was loaded for; reload with a larger --ctx");
        }
        synchronized (commandPool) {
            return new VulkanState(m, contextLength);
        }
    }

    /**
     * Several sequences in one step: one product per weight over all their rows, each sequence's
     * attention on its own cache (one recorded step per combination, replayed while it repeats).
     * Where the device cannot bind the sequences' rows apart (an offset alignment wider than a row
     * of keys), they run one after another.
     */
    @Override
    public List<float[]> forwardBatch(List<BatchPart> parts) {
        if (parts.size() < 2 || !SharedSteps.possible(devices.getFirst())) return ModelRunner.super.forwardBatch(parts);
        boolean int8 = SharedStepPlan.int8On(List.of(devices.getFirst().device()));
        return SharedStepPlan.run(parts, SharedSteps.MAX_ROWS, SharedSteps.LOGIT_ROWS, int8, ModelRunner.super::forwardBatch, group -> {
            List<float[]> logits = shared.run(group, group.stream().map(p -> stateOf(p).buffers).toList());
            group.forEach(p -> {
                VulkanState s = stateOf(p);
                s.end = p.position() + p.tokens().length;
                s.lastCollected = 0; // its next step alone follows a shared one, not a step of its own
            });
            return logits;
        });
    }

    @Override
    public int maxBatchRows() { return SharedSteps.MAX_ROWS; }

    @Override
    public int prefillChunk() {
        return ChunkedForward.prefillChunk(List.of(devices.getFirst().device()), MAX_BATCH, ModelRunner.super.prefillChunk());
    }

    private VulkanState stateOf(BatchPart p) {
        if (!(p.state() instanceof VulkanState s) || s.runner() != this) {
            throw new IllegalArgumentException("a batched step takes states of this runner only");
        }
        return s;
    }

    @Override
    public synchronized List<KernelTime> kernelTimes() {
        List<KernelTime> out = new ArrayList<>();
        kernelTimes.forEach((k, v) -> out.add(new KernelTime(k, v[0] / 1e3, (long) v[1])));
        out.sort(java.util.Comparator.comparingDouble(KernelTime::totalMicros).reversed());
        return out;
    }

    @Override
    public List<KernelTime> hostTimes() { return hostTimes.times(); }

    /** Adds one step's GPU times as those of {@code steps} steps (the steps since timestamps were last read). */
    private synchronized void account(Map<String, Double> times, int steps) {
        for (Map.Entry<String, Double> e : times.entrySet()) {
            double[] t = kernelTimes.get(e.getKey());
            if (t == null) kernelTimes.put(e.getKey(), t = new double[2]);
            double ns = e.getValue();
            t[0] += ns * steps;
            t[1] += steps;
            gpuNanos += ns * steps;
        }
    }

    @Override
    public synchronized List<DeviceMetrics> deviceMetrics(long windowNanos, long forwardNanos, long tokens) {
        List<DeviceMetrics> out = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            VulkanDevice device = devices.get(i).device();
            double busy = windowNanos <= 0 ? 0 : Math.min(1.0, gpuNanos / windowNanos);
            double perToken = tokens == 0 ? 0 : gpuNanos / 1e3 / tokens;
            long[] memory = device.deviceLocalUsage();
            out.add(new DeviceMetrics(i, device.physical().name(), busy, perToken, 0, memory[0],
                    device.physical().deviceLocalBytes()));
        }
        gpuNanos = 0;
        return out;
    }

    @Override
    public void close() {
        shared.close();
        for (DeviceModel m : devices.reversed()) {
            m.close();
            if (ownsDevices) m.device().close();
        }
        if (ownsDevices) instance.close();
    }

    /** One sequence on the device: its buffers, the recorded decode step and a prompt recorder. */
    private final class VulkanState implements State, ChunkedForward.Steps {
        private final DeviceModel model;
        private final SequenceBuffers buffers;
        private final CommandRecorder decode;
        private final CommandRecorder batch;
        private final GpuTimeline decodeTimeline;
        /** Decode steps run since the decode timestamps were last read (unprofiled decode reads them every TIMESTAMP_STEPS). */
        private int unreadDecodeSteps;
        private final GpuTimeline batchTimeline;
        private int batchTokens = -1;
        private boolean batchAllLogits;
        /** One past the last position written. */
        private int end;
        /** When the last step's logits were copied out (System.nanoTime; 0 before the first): the host's time between steps starts there. */
        private long lastCollected;

        VulkanState(DeviceModel model, int capacity) {
            this.model = model;
            VulkanDevice d = model.device();
            int stamps = 4 + config.layers() * (profile ? 12 : 1);
            this.buffers = new SequenceBuffers(d, config, 0, capacity, Math.min(MAX_BATCH, capacity), MAX_LOGIT_ROWS, cacheType);
            this.decode = CommandRecorder.create(d);
            this.batch = CommandRecorder.create(d);
            this.decodeTimeline = new GpuTimeline(d, stamps);
            this.batchTimeline = new GpuTimeline(d, stamps);
            new ForwardRecorder(model, buffers, decodeTimeline, profile).record(decode, 1, false);
        }

        @Override public int capacity() { return buffers.capacity; }

        VulkanRunner runner() { return VulkanRunner.this; }

        @Override public int earliestContinuation() { return buffers.earliestContinuation(config, end); }

        @Override
        public float[] forward(int[] tokens, int position, boolean allPositions) {
            return forward(tokens, position, allPositions, null);
        }

        @Override
        public float[] forwardInto(int[] tokens, int position, float[] into) {
            return forward(tokens, position, false, into);
        }

        private float[] forward(int[] tokens, int position, boolean allPositions, float[] into) {
            int next = ChunkedForward.requireContinuation(position, tokens.length, earliestContinuation());
            float[] logits = ChunkedForward.forward(tokens, position, allPositions, into, buffers.capacity, config.vocab(), buffers.maxTokens,
                    buffers.logitRows, this);
            end = next;
            return logits;
        }

        @Override
        public void run(int[] tokens, int from, int count, int position, boolean decodeStep, boolean allPositions) {
            synchronized (commandPool) {
                runLocked(tokens, from, count, position, decodeStep, allPositions);
            }
        }

        private void runLocked(int[] tokens, int from, int count, int position, boolean decodeStep, boolean allPositions) {
            long t = System.nanoTime();
            // the caller's own time between this sequence's steps (sampling, streaming, the session's bookkeeping): the GPU
            // idles through it. A gap over a second is the caller idle between generations, not host work of a step.
            if (decodeStep && lastCollected != 0 && t - lastCollected < IDLE_NANOS) {
                hostTimes.addNanos("decode: host between steps", t - lastCollected);
            }
            buffers.step.write(position, tokens, from, count);
            if (decodeStep) {
                t = hostTimes.add("decode: write parameters", t);
                decode.submit();
                t = hostTimes.add("decode: submit", t);
                decode.await();
                t = hostTimes.add("decode: wait for the GPU", t);
            } else {
                if (count != batchTokens || allPositions != batchAllLogits) {
                    new ForwardRecorder(model, buffers, batchTimeline, profile).record(batch, count, allPositions);
                    batchTokens = count;
                    batchAllLogits = allPositions;
                    // a prompt of a new length is recorded before it runs, with the GPU idle (a chat's every turn)
                    t = hostTimes.add("prompt: record the step", t);
                }
                batch.submitAndWait();
                t = hostTimes.add("prompt: submit and wait for the GPU", t);
            }
            // Reading the timestamps cost ~125 µs a step on an H100 host (before each recording copied them to host memory,
            // now Java the JIT rarely compiles), with the GPU idle: unprofiled decode reads them every
            // TIMESTAMP_STEPS steps and counts that step's times for the steps since the last read (up to
            // TIMESTAMP_STEPS - 1 steps at the end of a generation go uncounted in the busy share).
            if (decodeStep) {
                if (++unreadDecodeSteps >= TIMESTAMP_STEPS || profile) readDecodeTimes(t);
            } else {
                // the decode steps not yet read first (their timeline still holds the last one's times)
                if (unreadDecodeSteps > 0) readDecodeTimes(System.nanoTime());
                readTimes("prompt", batchTimeline, 1, t);
            }
        }

        private void readDecodeTimes(long since) {
            readTimes("decode", decodeTimeline, unreadDecodeSteps, since);
            unreadDecodeSteps = 0;
        }

        private void readTimes(String kind, GpuTimeline timeline, int steps, long since) {
            Map<String, Double> times = timeline.read();
            // the GPU's own span of the step, beside the host's wait for it: their difference is the wake-up and submit latency
            hostTimes.addGpuSpan(kind, times);
            account(times, steps);
            hostTimes.add(kind + ": read timestamps", since);
        }

        @Override
        public void collect(float[] result, int firstRow, int rows) {
            int vocab = config.vocab();
            long t = System.nanoTime();
            buffers.logitsHost.invalidate();
            java.lang.foreign.MemorySegment.copy(buffers.logitsHost.mapped(), ValueLayout.JAVA_FLOAT, 0, result,
                    firstRow * vocab, rows * vocab);
            tandem.engine.cpu.CpuOps.softcap(result, firstRow * vocab, rows * vocab, config.extras().finalLogitSoftcap());
            lastCollected = hostTimes.add("copy logits", t);
        }

        @Override
        public void close() {
            synchronized (commandPool) {
                closeLocked();
            }
        }

        private void closeLocked() {
            shared.forget(buffers);
            batchTimeline.close();
            decodeTimeline.close();
            batch.close();
            decode.close();
            buffers.close();
        }
    }
}
