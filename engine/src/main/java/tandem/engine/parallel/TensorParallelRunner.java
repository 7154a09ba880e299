package tandem.engine.parallel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import tandem.engine.gguf.GgufFile;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelTensors;
import tandem.engine.model.RopeStyle;
import tandem.engine.runtime.Backend;
import tandem.engine.runtime.DeviceMetrics;
import tandem.engine.runtime.LoadProgress;
import tandem.engine.runtime.ModelRunner;
import tandem.engine.runtime.TandemException;
import tandem.engine.vulkan.BufferRange;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.PhysicalDevice;
import tandem.engine.vulkan.TimelinePoint;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.VulkanInstance;
import tandem.engine.vulkan.model.LayerWeights;
import tandem.engine.vulkan.model.SequenceBuffers;

/**
 * The forward pass with every layer split over several logical Vulkan devices ({@link SplitPlan},
 * tensor mode). Each device computes its KV-head groups' attention and its FFN columns, writes its
 * partial of attn_output and of ffn_down straight into its all-reduce slot, and adds all partials
 * into its copy of the residual stream: two all-reduces per layer. The output projection is split
 * by vocabulary and the host gathers the logits.
 *
 * <p>A step is recorded once per shape as 2L+1 command buffers per device, cut at the all-reduces,
 * and a whole step is submitted ahead: the devices then chain through each other's semaphores
 * with no host in the loop until the logits are ready.
 */
public final class TensorParallelRunner implements ModelRunner {
    /** Tokens per prompt batch; the all-reduce slots hold this many rows of the model width. */
    static final int MAX_BATCH = 32;
    /** Positions whose logits one batch can return when all positions are asked for. */
    static final int MAX_LOGIT_ROWS = 16;

    /** One device: its share of the model (a config with its local heads, FFN and vocabulary). */
    private record Shard(VulkanDevice device, ModelConfig local, ShardWeights weights, SliceRange vocab) {}

    private final VulkanInstance instance;
    private final List<Shard> shards;
    private final VulkanAllReduce allReduce;
    private final ModelConfig config;
    /** All-reduce rounds used so far by every step of every state: rounds are global per all-reduce. */
    private long rounds;

    private TensorParallelRunner(VulkanInstance instance, List<Shard> shards, VulkanAllReduce allReduce, ModelConfig config) {
        this.instance = instance;
        this.shards = List.copyOf(shards);
        this.allReduce = allReduce;
        this.config = config;
    }

    /** Uploads each device's slices of the model; refuses a plan that does not fit before allocating. */
    public static TensorParallelRunner load(GgufFile file, ModelConfig config, ModelTensors tensors, SplitPlan plan,
                                            int contextLength, AllReduceMode mode, LoadProgress progress,
                                            BooleanSupplier cancelled) {
        if (config.qkvBias() || config.qkNorm()) {
            throw new TandemException("tensor split does not run " + config.architecture()
                    + " models yet (Q/K/V biases or q/k norms); use --split-mode layer or one device");
        }
        PlanFit.requireFits(plan.loadPlan());
        List<ModelConfig> locals = plan.devices().stream().map(s -> localConfig(config, s)).toList();
        VulkanInstance instance = VulkanInstance.create();
        List<VulkanDevice> devices = new ArrayList<>();
        List<Shard> shards = new ArrayList<>();
        VulkanAllReduce ar = null;
        try {
            for (DeviceSlices s : plan.devices()) devices.add(VulkanDevice.open(instance, s.budget().physicalIndex()));
            ar = VulkanAllReduce.create(devices, MAX_BATCH * config.dim(), mode);
            long total = plan.loadPlan().devices().stream().mapToLong(d -> d.weightBytes()).sum();
            long[] done = {0};
            for (int d = 0; d < devices.size(); d++) {
                String name = devices.get(d).label();
                ShardWeights w = ShardWeights.upload(devices.get(d), d, plan, file, config, tensors, contextLength, n -> {
                    done[0] += n;
                    progress.update(Math.min(1.0, (double) done[0] / total), "uploading weights to " + name);
                }, cancelled);
                shards.add(new Shard(devices.get(d), locals.get(d), w, plan.devices().get(d).vocabRows()));
            }
            return new TensorParallelRunner(instance, shards, ar, config);
        } catch (RuntimeException e) {
            shards.reversed().forEach(s -> s.weights().close());
            if (ar != null) ar.close();
            devices.reversed().forEach(VulkanDevice::close);
            instance.close();
            throw e;
        }
    }

    /** The model as one device sees it: all layers and the full width, its heads, FFN columns and vocabulary. */
    static ModelConfig localConfig(ModelConfig c, DeviceSlices s) {
        if (s.kvGroups().isEmpty() || s.ffnColumns().isEmpty() || s.vocabRows().isEmpty()) {
            throw new TandemException("tensor split leaves device " + s.device() + " (" + s.budget().name() + ") with "
                    + s.kvGroups().size() + " KV heads, " + s.ffnColumns().size() + " FFN columns and "
                    + s.vocabRows().size() + " vocabulary rows (the quant blocks are too coarse for this ratio); "
                    + "use fewer devices, another --split or --split-mode layer");
        }
        int groups = s.kvGroups().size();
        return new ModelConfig(c.architecture(), c.dim(), c.layers(), groups * c.groupSize(), groups, c.headDim(),
                c.ropeDim(), s.ffnColumns().size(), s.vocabRows().size(), c.rmsEps(), c.ropeTheta(), c.contextLength(),
                c.tiedOutput());
    }

    @Override public ModelConfig config() { return config; }

    @Override public Backend backend() { return Backend.VULKAN; }

    /** Which path the all-reduce takes: "shared timeline semaphores" or "host relay". */
    public String allReducePath() { return allReduce.path(); }

    @Override
    public State newState(int contextLength) {
        if (contextLength > shards.getFirst().weights().ropePositions) {
            throw new TandemException("context " + contextLength + " exceeds the " + shards.getFirst().weights().ropePositions
                    + " positions this model was loaded for; reload with a larger --ctx");
        }
        return new SplitState(contextLength);
    }

    @Override
    public List<DeviceMetrics> deviceMetrics(long windowNanos, long forwardNanos, long tokens) {
        List<DeviceMetrics> out = new ArrayList<>();
        for (int d = 0; d < shards.size(); d++) {
            PhysicalDevice pd = shards.get(d).device().physical();
            out.add(new DeviceMetrics(d, pd.name(), 0, 0, 0, pd.deviceLocalBytes() - pd.freeBytes(), pd.deviceLocalBytes()));
        }
        return out;
    }

    @Override
    public void close() {
        for (Shard s : shards) s.device().waitIdle();
        allReduce.close();
        for (Shard s : shards.reversed()) {
            s.weights().close();
            s.device().close();
        }
        instance.close();
    }

    /** One sequence: per device its KV cache and activations, and the recorded steps. */
    private final class SplitState implements State {
        private final List<SequenceBuffers> buffers = new ArrayList<>();
        private final List<List<CommandRecorder>> decode = new ArrayList<>();
        private final List<List<CommandRecorder>> batch = new ArrayList<>();
        private final int capacity;
        private int batchTokens = -1;
        private boolean batchAllLogits;

        SplitState(int capacity) {
            this.capacity = capacity;
            try {
                for (int d = 0; d < shards.size(); d++) {
                    Shard s = shards.get(d);
                    buffers.add(new SequenceBuffers(s.device(), s.local(), capacity, Math.min(MAX_BATCH, capacity), MAX_LOGIT_ROWS));
                    decode.add(recorders(s.device()));
                    batch.add(recorders(s.device()));
                    record(d, decode.get(d), 1, false);
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private List<CommandRecorder> recorders(VulkanDevice device) {
            List<CommandRecorder> list = new ArrayList<>();
            for (int i = 0; i <= 2 * config.layers(); i++) list.add(CommandRecorder.create(device));
            return list;
        }

        @Override public int capacity() { return capacity; }

        @Override
        public float[] forward(int[] tokens, int position, boolean allPositions) {
            if (tokens.length == 0) throw new IllegalArgumentException("forward needs at least one token");
            if (position < 0 || position + tokens.length > capacity) {
                throw new TandemException("context full (" + capacity + " tokens); start a new conversation or load with a larger --ctx");
            }
            for (int id : tokens) {
                if (id < 0 || id >= config.vocab()) {
                    throw new TandemException("token id " + id + " is outside the vocabulary (0.." + (config.vocab() - 1) + ")");
                }
            }
            int vocab = config.vocab();
            int maxTokens = buffers.getFirst().maxTokens;
            float[] result = new float[(allPositions ? tokens.length : 1) * vocab];
            int chunk = allPositions ? Math.min(maxTokens, MAX_LOGIT_ROWS) : maxTokens;
            for (int from = 0; from < tokens.length; from += chunk) {
                int count = Math.min(chunk, tokens.length - from);
                for (SequenceBuffers b : buffers) b.step.write(position + from, tokens, from, count);
                List<List<CommandRecorder>> steps;
                if (count == 1 && !allPositions) {
                    steps = decode;
                } else {
                    if (count != batchTokens || allPositions != batchAllLogits) {
                        for (int d = 0; d < shards.size(); d++) record(d, batch.get(d), count, allPositions);
                        batchTokens = count;
                        batchAllLogits = allPositions;
                    }
                    steps = batch;
                }
                run(steps);
                int rows = allPositions ? count : 1;
                if (allPositions || from + count == tokens.length) gather(result, allPositions ? from : 0, rows);
            }
            return result;
        }

        /** Submits a whole step on every device, chained through the all-reduce, then waits for the logits. */
        private void run(List<List<CommandRecorder>> steps) {
            int segments = 2 * config.layers();
            long base = rounds;
            rounds += segments;
            for (int d = 0; d < steps.size(); d++) {
                List<CommandRecorder> s = steps.get(d);
                for (int j = 0; j <= segments; j++) {
                    List<TimelinePoint> waits = j == 0 ? List.of() : allReduce.peersWritten(d, base + j);
                    List<TimelinePoint> signals = j < segments ? List.of(allReduce.written(d, base + j + 1)) : List.of();
                    s.get(j).submit(waits, signals);
                }
            }
            for (List<CommandRecorder> s : steps) s.forEach(CommandRecorder::await);
        }

        /** Copies each device's vocabulary slice of {@code rows} logit rows into place. */
        private void gather(float[] result, int firstRow, int rows) {
            int vocab = config.vocab();
            for (int d = 0; d < shards.size(); d++) {
                SliceRange v = shards.get(d).vocab();
                SequenceBuffers b = buffers.get(d);
                b.logitsHost.invalidate();
                MemorySegment host = b.logitsHost.mapped();
                for (int r = 0; r < rows; r++) {
                    MemorySegment.copy(host, ValueLayout.JAVA_FLOAT, (long) r * v.size() * Float.BYTES, result,
                            (firstRow + r) * vocab + v.start(), v.size());
                }
            }
        }

        /** Records one step of {@code tokens} tokens on device {@code d}, cut into segments at the all-reduces. */
        private void record(int d, List<CommandRecorder> segments, int tokens, boolean allLogits) {
            Shard s = shards.get(d);
            ModelConfig c = s.local();
            ShardWeights m = s.weights();
            SequenceBuffers b = buffers.get(d);
            int dim = c.dim(), qDim = c.qDim(), kvDim = c.kvDim(), ffn = c.ffn();
            BufferRange step = b.step.range();
            boolean neox = c.ropeStyle() == RopeStyle.NEOX;
            int round = 0;
            CommandRecorder rec = segments.get(round).begin();
            GpuOps.getRows(rec, m.embedding, step, 0, b.x.all(), tokens);
            rec.barrier();
            for (int l = 0; l < c.layers(); l++) {
                LayerWeights w = m.layers.get(l);
                GpuOps.rmsNorm(rec, b.x.all(), 0, w.attnNorm().all(), b.normed.all(), dim, c.rmsEps(), tokens);
                rec.barrier();
                GpuOps.matVec(rec, w.q(), b.normed.all(), null, 0, dim, b.q.all(), qDim, tokens, false);
                GpuOps.matVec(rec, w.k(), b.normed.all(), null, 0, dim, b.k.all(), kvDim, tokens, false);
                GpuOps.matVec(rec, w.v(), b.normed.all(), null, 0, dim, b.v.all(), kvDim, tokens, false);
                rec.barrier();
                GpuOps.ropeStore(rec, b.q.all(), b.k.all(), b.v.all(), b.keys.get(l).all(), b.values.get(l).all(),
                        m.ropeTable.all(), step, c.heads(), c.kvHeads(), c.headDim(), c.ropeDim(), neox, tokens);
                rec.barrier();
                GpuOps.attention(rec, b.q.all(), b.keys.get(l).all(), b.values.get(l).all(), b.attended.all(), step,
                        c.heads(), c.kvHeads(), c.headDim(), tokens);
                rec.barrier();
                rec = reduceInto(rec, segments, d, ++round, w.attnOutput(), b.attended.all(), null, qDim, b, tokens);
                GpuOps.rmsNorm(rec, b.x.all(), 0, w.ffnNorm().all(), b.normed.all(), dim, c.rmsEps(), tokens);
                rec.barrier();
                GpuOps.matVec(rec, w.gate(), b.normed.all(), null, 0, dim, b.gate.all(), ffn, tokens, false);
                GpuOps.matVec(rec, w.up(), b.normed.all(), null, 0, dim, b.up.all(), ffn, tokens, false);
                rec.barrier();
                // SwiGLU is fused into the down projection's input.
                rec = reduceInto(rec, segments, d, ++round, w.down(), b.gate.all(), b.up.all(), ffn, b, tokens);
            }
            int first = allLogits ? 0 : tokens - 1;
            int rows = tokens - first;
            GpuOps.rmsNorm(rec, b.x.all(), first * dim, m.outputNorm.all(), b.normed.all(), dim, c.rmsEps(), rows);
            rec.barrier();
            GpuOps.matVec(rec, m.output, b.normed.all(), null, 0, dim, b.logits.all(), c.vocab(), rows, false);
            rec.barrier();
            long bytes = 4L * rows * c.vocab();
            rec.copy(b.logits.range(0, bytes), b.logitsHost.range(0, bytes));
            rec.barrier();
            rec.end();
        }

        /**
         * Ends the current segment with this device's partial W·in written into its all-reduce slot
         * of {@code round}, and starts the next one by adding every device's partial to the residual.
         */
        private CommandRecorder reduceInto(CommandRecorder rec, List<CommandRecorder> segments, int d, int round,
                                           tandem.engine.vulkan.WeightTensor w, BufferRange in, BufferRange up,
                                           int inWidth, SequenceBuffers b, int tokens) {
            int dim = config.dim();
            allReduce.recordAcquireSlot(rec, d, round);
            GpuOps.matVec(rec, w, in, up, 0, inWidth, allReduce.slot(d, round), dim, tokens, false);
            allReduce.recordRelease(rec, d, round);
            rec.end();
            CommandRecorder next = segments.get(round).begin();
            allReduce.recordSum(next, d, round, b.x.range(0, 4L * tokens * dim), tokens * dim, true);
            return next;
        }

        @Override
        public void close() {
            for (Shard s : shards) s.device().waitIdle();
            for (List<CommandRecorder> l : batch) l.forEach(CommandRecorder::close);
            for (List<CommandRecorder> l : decode) l.forEach(CommandRecorder::close);
            buffers.forEach(SequenceBuffers::close);
        }
    }
}
