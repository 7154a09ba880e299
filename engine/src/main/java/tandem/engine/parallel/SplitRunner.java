package tandem.engine.parallel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import tandem.engine.api.CacheType;
import tandem.engine.cpu.CpuOps;
import tandem.engine.gguf.GgufFile;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelTensors;
import tandem.engine.api.Backend;
import tandem.engine.api.DeviceMetrics;
import tandem.engine.api.LoadProgress;
import tandem.engine.runtime.ModelRunner;
import tandem.engine.api.SplitMode;
import tandem.engine.api.TandemException;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuTimeline;
import tandem.engine.vulkan.PhysicalDevice;
import tandem.engine.vulkan.TimelinePoint;
import tandem.engine.vulkan.TuningKnob;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.VulkanInstance;
import tandem.engine.vulkan.model.ChunkedForward;
import tandem.engine.vulkan.model.DeviceWeights;
import tandem.engine.vulkan.model.SequenceBuffers;
import tandem.engine.vulkan.model.SharedStepPlan;
import tandem.engine.vulkan.model.VulkanRunner;

/**
 * The forward pass over several logical Vulkan devices, tensor or layer split ({@link SplitPlan}).
 * Tensor split: each device computes its KV-head groups' attention and its FFN columns and the
 * all-reduce adds the partials of attn_output and ffn_down into every device's residual stream,
 * twice per block; the output projection is split by vocabulary and the host gathers the logits.
 * Layer split: each device runs its consecutive blocks and hands the residual stream to the next.
 *
 * <p>A step is recorded once per shape, cut into segments per device at the hand-overs
 * ({@link StepSchedule}), and submitted whole ahead of time: the devices then chain through each
 * other's semaphores with no host in the loop until the logits are ready.
 */
public final class SplitRunner implements ModelRunner {
    /** Tokens per prompt batch, as on one device; the all-reduce slots hold this many rows of the model width. */
    static final int MAX_BATCH = VulkanRunner.MAX_BATCH;
    /** Positions whose logits one batch can return when all positions are asked for. */
    static final int MAX_LOGIT_ROWS = VulkanRunner.MAX_LOGIT_ROWS;

    /**
     * Segments of one device per vkQueueSubmit (tuning knob -Dtandem.split.submitGroup; 1 submits
     * each segment alone). Small enough that every device starts early in a step; at most 256, as
     * one call's batch descriptions live on the 64 KiB MemoryStack (~150 bytes each).
     */
    static int submitGroup() { return TuningKnob.get("tandem.split.submitGroup", 16, 1, 256); }

    /**
     * Where a device fails as its segments are handed to the queue; the tests make it throw, as a
     * lost device's vkQueueSubmit would, to check that a step dies cleanly on every device.
     */
    interface SubmitFault {
        SubmitFault NONE = (device, firstSegment) -> {};

        void check(int device, int firstSegment);
    }


    /** One device: its part of the plan, the model as it sees it, and its weights. */
    record Shard(VulkanDevice device, DeviceSlices slices, ModelConfig local, DeviceWeights weights) {}

    private final VulkanInstance instance;
    /** Whether closing the runner closes its devices and instance (false where the caller keeps them: {@link #loadOnto}). */
    private final boolean ownsDevices;
    private final List<Shard> shards;
    private final VulkanAllReduce allReduce;
    private final StepSchedule schedule;
    private final ModelConfig config;
    /** How the sequences' KV caches store keys and values (the plan counted it). */
    private final CacheType cacheType;
    /** Where this runner's submits fail; {@link SubmitFault#NONE} unless a test injects one through {@link #failSubmits}. */
    private volatile SubmitFault submitFault = SubmitFault.NONE;
    /** All-reduce rounds used so far by every step of every state: rounds are global per all-reduce. */
    private long rounds;
    /** Why the runner cannot run any more (a device failed mid-step), or null. */
    private volatile String failure;
    /** GPU time per device since the last metrics read, from each step's timestamps. */
    private final double[] computeNanos;
    private final double[] allReduceNanos;
    /** Steps several sequences share (parallel streams). */
    private final SplitSharedSteps shared;
    /**
     * Held while recording or submitting: the devices' command pools take one thread at a time, and
     * sessions on other threads may open (recording their decode step) while a step runs.
     */
    private final Object commandPool = new Object();

    private SplitRunner(VulkanInstance instance, boolean ownsDevices, List<Shard> shards, VulkanAllReduce allReduce,
                        SplitMode mode, ModelConfig config, CacheType cacheType) {
        this.cacheType = cacheType;
        this.instance = instance;
        this.ownsDevices = ownsDevices;
        this.shards = List.copyOf(shards);
        this.allReduce = allReduce;
        this.config = config;
        this.computeNanos = new double[shards.size()];
        this.allReduceNanos = new double[shards.size()];
        this.schedule = mode == SplitMode.TENSOR ? new TensorSchedule(this.shards, allReduce, config.layers(), config.dim())
                : new LayerSchedule(this.shards, allReduce, config.dim());
        this.shared = new SplitSharedSteps(this.shards, schedule, config, this::recorders, this::submitStep, this::account,
                commandPool);
    }

    /** Uploads each device's part of the model; refuses a plan that does not fit before allocating. */
    public static SplitRunner load(GgufFile file, ModelConfig config, ModelTensors tensors, SplitPlan plan,
                                   int contextLength, AllReduceMode mode, LoadProgress progress, BooleanSupplier cancelled) {
        PlanFit.requireFits(plan.loadPlan());
        VulkanInstance instance = VulkanInstance.create();
        List<VulkanDevice> devices = new ArrayList<>();
        try {
            for (DeviceSlices s : plan.devices()) devices.add(VulkanDevice.open(instance, s.budget().physicalIndex()));
            return upload(instance, devices, true, file, config, tensors, plan, contextLength, mode, progress, cancelled);
        } catch (RuntimeException e) {
            devices.reversed().forEach(VulkanDevice::close);
            instance.close();
            throw e;
        }
    }

    /**
     * Uploads each device's part of the model to devices the caller opened (one per device of the
     * plan, in its order) and keeps: closing the runner frees what the model allocated and leaves
     * the devices, their allocators and the instance open. How a test loads and unloads models many
     * times inside the same VMA allocators.
     */
    static SplitRunner loadOnto(List<VulkanDevice> devices, GgufFile file, ModelConfig config, ModelTensors tensors,
                                SplitPlan plan, int contextLength, AllReduceMode mode) {
        if (devices.size() != plan.devices().size()) {
            throw new IllegalArgumentException(plan.devices().size() + " devices in the plan, " + devices.size() + " given");
        }
        return upload(devices.getFirst().instance(), devices, false, file, config, tensors, plan, contextLength, mode,
                LoadProgress.NONE, () -> false);
    }

    private static SplitRunner upload(VulkanInstance instance, List<VulkanDevice> devices, boolean ownsDevices, GgufFile file,
                                      ModelConfig config, ModelTensors tensors, SplitPlan plan, int contextLength,
                                      AllReduceMode mode, LoadProgress progress, BooleanSupplier cancelled) {
        List<ModelConfig> locals = plan.devices().stream().map(s -> localConfig(plan.mode(), config, s)).toList();
        List<Shard> shards = new ArrayList<>();
        VulkanAllReduce ar = null;
        try {
            ar = VulkanAllReduce.create(devices, MAX_BATCH * config.dim(), mode);
            long total = plan.loadPlan().devices().stream().mapToLong(d -> d.weightBytes()).sum();
            long[] done = {0};
            for (int d = 0; d < devices.size(); d++) {
                String name = devices.get(d).label();
                DeviceWeights w = DeviceWeights.upload(devices.get(d), file, config, tensors, plan.share(d), contextLength, n -> {
                    done[0] += n;
                    progress.update(Math.min(1.0, (double) done[0] / total), "uploading weights to " + name);
                }, cancelled);
                shards.add(new Shard(devices.get(d), plan.devices().get(d), locals.get(d), w));
            }
            return new SplitRunner(instance, ownsDevices, shards, ar, plan.mode(), config, plan.loadPlan().cacheType());
        } catch (RuntimeException e) {
            shards.reversed().forEach(s -> s.weights().close());
            if (ar != null) ar.close();
            throw e;
        }
    }

    /**
     * The model as one device sees it. Tensor split: all layers at full width, with its heads, FFN
     * columns and vocabulary rows. Layer split: its layers only.
     */
    static ModelConfig localConfig(SplitMode mode, ModelConfig c, DeviceSlices s) {
        if (mode == SplitMode.LAYER) {
            if (s.layers().isEmpty()) {
                throw new TandemException("layer split leaves device " + s.device() + " (" + s.budget().name()
                        + ") no layers; use fewer devices or another --split");
            }
            return c.slice(s.layers().size(), c.heads(), c.kvHeads(), c.ffnSplitWidth(), c.vocab());
        }
        if (s.queryHeads().isEmpty() || s.ffnColumns().isEmpty() || s.vocabRows().isEmpty()) {
            throw new TandemException("tensor split leaves device " + s.device() + " (" + s.budget().name() + ") with "
                    + s.queryHeads().size() + " query heads, " + s.ffnColumns().size() + " FFN columns and "
                    + s.vocabRows().size() + " vocabulary rows (the quant blocks are too coarse for this ratio); "
                    + "use fewer devices, another --split or --split-mode layer");
        }
        // whole KV-head groups, or part of one group with its (copied) KV head: either way the
        // kernels' query head h / (heads / kvHeads) is the right KV head
        return c.slice(c.layers(), s.queryHeads().size(), s.kvGroups().size(), s.ffnColumns().size(),
                s.vocabRows().size());
    }

    /** Injects a fault into this runner's later submits (a test's seam; no other runner is affected). */
    void failSubmits(SubmitFault fault) { submitFault = fault; }

    @Override public ModelConfig config() { return config; }

    @Override public Backend backend() { return Backend.VULKAN; }

    /** Which path the all-reduce takes: "shared timeline semaphores" or "host relay". */
    public String allReducePath() { return allReduce.path(); }

    @Override
    public State newState(int contextLength) {
        int positions = shards.getFirst().weights().ropePositions();
        if (contextLength > positions) {
            throw new TandemException("context " + contextLength + " exceeds the " + positions
                    + " positions this model was loaded for; reload with a larger --ctx");
        }
        synchronized (commandPool) {
            return new SplitState(contextLength);
        }
    }

    /**
     * Several sequences in one step on every device: one product per weight slice over all their
     * rows, each sequence's attention on its own cache; one recorded step per combination of
     * sequences, replayed while it repeats. Where a device cannot bind the sequences' rows apart,
     * they run one after another.
     */
    @Override
    public List<float[]> forwardBatch(List<BatchPart> parts) {
        if (parts.size() < 2 || !shared.possible()) return ModelRunner.super.forwardBatch(parts);
        boolean int8 = SharedStepPlan.int8On(shards.stream().map(Shard::device).toList());
        return SharedStepPlan.run(parts, SplitSharedSteps.MAX_ROWS, SplitSharedSteps.LOGIT_ROWS, int8, ModelRunner.super::forwardBatch,
                group -> {
                    List<float[]> logits = shared.run(group, group.stream().map(p -> stateOf(p).buffers).toList());
                    group.forEach(p -> stateOf(p).end = p.position() + p.tokens().length);
                    return logits;
                });
    }

    @Override
    public int maxBatchRows() { return SplitSharedSteps.MAX_ROWS; }

    @Override
    public int prefillChunk() {
        return ChunkedForward.prefillChunk(shards.stream().map(Shard::device).toList(), MAX_BATCH, ModelRunner.super.prefillChunk());
    }

    /** Steps several sequences shared since load. */
    long sharedStepsRun() { return shared.stepsRun(); }

    private SplitState stateOf(BatchPart p) {
        if (!(p.state() instanceof SplitState s) || s.runner() != this) {
            throw new IllegalArgumentException("a batched step takes states of this runner only");
        }
        return s;
    }

    /**
     * Per device: busy = GPU time in its own work over the window; all-reduce = GPU time from the end
     * of its partial to the end of the sum (waiting for the slowest peer included), per token.
     */
    @Override
    public synchronized List<DeviceMetrics> deviceMetrics(long windowNanos, long forwardNanos, long tokens) {
        List<DeviceMetrics> out = new ArrayList<>();
        for (int d = 0; d < shards.size(); d++) {
            PhysicalDevice pd = shards.get(d).device().physical();
            double busy = windowNanos <= 0 ? 0 : Math.min(1.0, computeNanos[d] / windowNanos);
            double compute = tokens == 0 ? 0 : computeNanos[d] / 1e3 / tokens;
            double reduce = tokens == 0 ? 0 : allReduceNanos[d] / 1e3 / tokens;
            // What this device's allocator holds now (VMA's heap budgets; VK_EXT_memory_budget where present),
            // not the free memory seen at discovery, which stays put while the model lives.
            long used = shards.get(d).device().deviceLocalUsage()[0];
            out.add(new DeviceMetrics(d, pd.name(), busy, compute, reduce, used, pd.deviceLocalBytes()));
            computeNanos[d] = 0;
            allReduceNanos[d] = 0;
        }
        return out;
    }

    private synchronized void account(int device, Map<String, Double> times) {
        computeNanos[device] += times.getOrDefault("compute", 0.0);
        allReduceNanos[device] += times.getOrDefault("all-reduce", 0.0);
    }

    private static void awaitQuietly(CommandRecorder rec) {
        try {
            rec.await();
        } catch (RuntimeException gone) {
            // a lost device's work never completes; its recorder is freed with the device
        }
    }

    private void drain() {
        for (Shard s : shards) {
            try {
                s.device().waitIdle();
            } catch (RuntimeException gone) {
                // a lost device: closing it still frees what it holds
            }
        }
    }

    @Override
    public void close() {
        drain();
        shared.close();
        allReduce.close();
        for (Shard s : shards.reversed()) {
            s.weights().close();
            if (ownsDevices) s.device().close();
        }
        if (ownsDevices) instance.close();
    }

    /** Submits a whole step on every device, chained through the all-reduce, then waits for the logits. */
    private void submitStep(List<List<CommandRecorder>> steps) {
        if (failure != null) throw new TandemException(failure);
        long base = rounds;
        rounds += (schedule.rounds() + 1) / 2 * 2; // even, so recorded slot parities hold
        try {
            // a group of segments per device in turn, so every device starts at once instead of waiting
            // for the host to queue the whole step of the devices before it, and in groups per call
            // (CommandRecorder.submitAll), so the host keeps ahead of the GPUs
            int most = steps.stream().mapToInt(List::size).max().orElse(0);
            int group = submitGroup();
            for (int j0 = 0; j0 < most; j0 += group) {
                for (int d = 0; d < steps.size(); d++) {
                    List<CommandRecorder> s = steps.get(d);
                    int end = Math.min(s.size(), j0 + group);
                    if (j0 >= end) continue;
                    List<List<TimelinePoint>> waits = new ArrayList<>(), signals = new ArrayList<>();
                    for (int j = j0; j < end; j++) {
                        waits.add(schedule.waits(d, j, base));
                        signals.add(schedule.signals(d, j, base));
                    }
                    submitFault.check(d, j0);
                    CommandRecorder.submitAll(s.subList(j0, end), waits, signals);
                }
            }
            for (List<CommandRecorder> s : steps) s.forEach(CommandRecorder::await);
        } catch (RuntimeException e) {
            // one device failed: release the others from their waits so every queue drains, then
            // refuse further steps (the semaphores are spent); the model can be loaded again
            allReduce.releaseWaiters();
            for (List<CommandRecorder> s : steps) s.forEach(SplitRunner::awaitQuietly);
            failure = "a device failed during the step (" + e.getMessage() + "); the generation stopped: load the model again";
            throw new TandemException(failure, e);
        }
    }

    /**
     * Copies the first {@code rows} logit rows of the step just run, each device's vocabulary rows
     * from its {@code buffers}, into {@code result} from row {@code firstRow}, soft-capped.
     */
    static void gatherLogits(List<Shard> shards, List<SequenceBuffers> buffers, ModelConfig config, float[] result, int firstRow,
                             int rows) {
        gatherLogits(shards, buffers, config, 0, result, firstRow, rows);
    }

    /** {@link #gatherLogits} of the step's rows from {@code hostRow} on. */
    static void gatherLogits(List<Shard> shards, List<SequenceBuffers> buffers, ModelConfig config, int hostRow, float[] result,
                             int firstRow, int rows) {
        int vocab = config.vocab();
        for (int d = 0; d < shards.size(); d++) {
            SliceRange v = shards.get(d).slices().vocabRows();
            if (v.isEmpty()) continue;
            SequenceBuffers b = buffers.get(d);
            b.logitsHost.invalidate();
            MemorySegment host = b.logitsHost.mapped();
            for (int r = 0; r < rows; r++) {
                MemorySegment.copy(host, ValueLayout.JAVA_FLOAT, (long) (hostRow + r) * v.size() * Float.BYTES, result,
                        (firstRow + r) * vocab + v.start(), v.size());
            }
        }
        CpuOps.softcap(result, firstRow * vocab, rows * vocab, config.extras().finalLogitSoftcap());
    }

    /** Command buffers for one recorded step of a device, one per segment. */
    private List<CommandRecorder> recorders(int device) {
        List<CommandRecorder> list = new ArrayList<>();
        for (int i = 0; i < schedule.segments(device); i++) list.add(CommandRecorder.create(shards.get(device).device()));
        return list;
    }

    /** One sequence: per device its KV cache and activations, and the recorded steps. */
    private final class SplitState implements State, ChunkedForward.Steps {
        private final List<SequenceBuffers> buffers = new ArrayList<>();
        private final List<List<CommandRecorder>> decode = new ArrayList<>();
        private final List<List<CommandRecorder>> batch = new ArrayList<>();
        private final List<GpuTimeline> decodeTimelines = new ArrayList<>();
        private final List<GpuTimeline> batchTimelines = new ArrayList<>();
        private final int capacity;
        private int batchTokens = -1;
        private boolean batchAllLogits;
        /** One past the last position written. */
        private int end;

        SplitState(int capacity) {
            this.capacity = capacity;
            try {
                for (int d = 0; d < shards.size(); d++) {
                    Shard s = shards.get(d);
                    buffers.add(new SequenceBuffers(s.device(), s.local(), s.slices().layers().start(), capacity,
                            Math.min(MAX_BATCH, capacity), MAX_LOGIT_ROWS, cacheType));
                    decode.add(recorders(d));
                    batch.add(recorders(d));
                    decodeTimelines.add(new GpuTimeline(s.device(), schedule.marks(d)));
                    batchTimelines.add(new GpuTimeline(s.device(), schedule.marks(d)));
                    schedule.record(d, decode.get(d), buffers.get(d), decodeTimelines.get(d), 1, false);
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }


        @Override public int capacity() { return capacity; }

        SplitRunner runner() { return SplitRunner.this; }

        @Override public int earliestContinuation() { return buffers.getFirst().earliestContinuation(config, end); }

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
            float[] logits = ChunkedForward.forward(tokens, position, allPositions, into, capacity, config.vocab(), buffers.getFirst().maxTokens,
                    MAX_LOGIT_ROWS, this);
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
            for (SequenceBuffers b : buffers) b.step.write(position, tokens, from, count);
            if (!decodeStep && (count != batchTokens || allPositions != batchAllLogits)) {
                for (int d = 0; d < shards.size(); d++) {
                    schedule.record(d, batch.get(d), buffers.get(d), batchTimelines.get(d), count, allPositions);
                }
                batchTokens = count;
                batchAllLogits = allPositions;
            }
            submitStep(decodeStep ? decode : batch);
            List<GpuTimeline> timelines = decodeStep ? decodeTimelines : batchTimelines;
            for (int d = 0; d < shards.size(); d++) account(d, timelines.get(d).read());
        }

        /** Copies each device's vocabulary rows of {@code rows} logit rows into place. */
        @Override
        public void collect(float[] result, int firstRow, int rows) {
            gatherLogits(shards, buffers, config, result, firstRow, rows);
        }

        @Override
        public void close() {
            synchronized (commandPool) {
                closeLocked();
            }
        }

        private void closeLocked() {
            drain();
            if (!buffers.isEmpty()) shared.forget(buffers.getFirst());
            for (List<CommandRecorder> l : batch) l.forEach(CommandRecorder::close);
            for (List<CommandRecorder> l : decode) l.forEach(CommandRecorder::close);
            batchTimelines.forEach(GpuTimeline::close);
            decodeTimelines.forEach(GpuTimeline::close);
            buffers.forEach(SequenceBuffers::close);
        }
    }
}
