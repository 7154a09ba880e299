package tandem.engine.vulkan.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tandem.engine.cpu.CpuOps;
import tandem.engine.runtime.ModelRunner.BatchPart;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuTimeline;

/**
 * Steps several sequences share on one device: the activations of all their rows (one buffer set,
 * made on first use), and the recorded steps, one per combination of sequences and row counts,
 * replayed while it repeats (every decode step of the same streams). Each sequence keeps its own KV
 * cache and step parameters ({@link StepRows}).
 */
final class SharedSteps implements AutoCloseable {
    /** Rows one shared step holds: every stream's decode token and a prompt chunk or more. */
    static final int MAX_ROWS = VulkanRunner.MAX_BATCH;
    /** Sequences with logits in one shared step. */
    static final int LOGIT_ROWS = 32;
    /** Recorded combinations kept (each a command buffer with its descriptor sets). */
    private static final int RECORDINGS = 8;

    private final DeviceModel model;
    private final boolean profile;
    private final Consumer<Map<String, Double>> account;
    /** The runner's lock for its device's command pool, held while recording and submitting. */
    private final Object commandPool;
    /** The host's phases of each shared step (write, find or record, wait, copy), beside the single-sequence ones. */
    private final HostTimes host;
    private SequenceBuffers buffers;
    private final StepRecordings<Recording> recordings = new StepRecordings<>(RECORDINGS, Recording::close);

    private record Recording(CommandRecorder commands, GpuTimeline timeline) {
        void close() {
            timeline.close();
            commands.close();
        }
    }

    /**
     * @param account     receives each step's GPU times by label
     * @param commandPool held while recording and submitting (the runner's single-sequence steps hold it too)
     */
    SharedSteps(DeviceModel model, boolean profile, Consumer<Map<String, Double>> account, HostTimes host, Object commandPool) {
        this.model = model;
        this.profile = profile;
        this.account = account;
        this.host = host;
        this.commandPool = commandPool;
    }

    /** Whether this device can bind each sequence's rows of the shared activations. */
    static boolean possible(DeviceModel model) {
        long alignment = model.device().physical().minStorageBufferOffsetAlignment();
        return SharedStepPlan.rowsBindable(alignment, model.config().qDim(), model.config().kvDim());
    }

    /**
     * Runs one group (see {@link SharedStepPlan#groups}) whose parts' buffers are {@code caches};
     * per part its logits or null.
     */
    List<float[]> run(List<BatchPart> group, List<SequenceBuffers> caches) {
        synchronized (commandPool) {
            return runLocked(group, caches);
        }
    }

    private List<float[]> runLocked(List<BatchPart> group, List<SequenceBuffers> caches) {
        if (buffers == null) buffers = SequenceBuffers.sharedStep(model.device(), model.config(), MAX_ROWS, LOGIT_ROWS);
        long t = System.nanoTime();
        for (int i = 0; i < group.size(); i++) {
            BatchPart p = group.get(i);
            caches.get(i).step.write(p.position(), p.tokens(), 0, p.tokens().length);
        }
        int[] ids = SharedStepPlan.ids(group);
        buffers.step.write(0, ids, 0, ids.length);
        t = host.add("shared: write parameters", t);
        Recording r = recordings.get(SharedStepPlan.key(group, caches), () -> record(SharedStepPlan.rows(group, caches)));
        t = host.add("shared: find the step's recording (or record it)", t);
        r.commands().submitAndWait();
        t = host.add("shared: submit and wait for the GPU", t);
        // labelled apart, so the kernel table shows the shared steps' time on its own lines
        Map<String, Double> times = new LinkedHashMap<>();
        r.timeline().read().forEach((label, nanos) -> times.put("shared step: " + label, nanos));
        host.addNanos("shared: (GPU span of the step)", (long) times.values().stream().mapToDouble(Double::doubleValue).sum());
        account.accept(times);
        t = host.add("shared: read timestamps", t);
        List<float[]> logits = logits(group);
        host.add("shared: copy logits", t);
        return logits;
    }

    private Recording record(StepRows rows) {
        long t = System.nanoTime();
        try {
            return recordUntimed(rows);
        } finally {
            host.add("shared: record a new combination of sequences", t);
        }
    }

    private Recording recordUntimed(StepRows rows) {
        int stamps = 4 + model.config().layers() * (profile ? 12 : 1);
        CommandRecorder commands = CommandRecorder.create(model.device());
        GpuTimeline timeline = null;
        try {
            timeline = new GpuTimeline(model.device(), stamps);
            new ForwardRecorder(model, buffers, rows, timeline, profile).record(commands, rows.tokens(), false);
            return new Recording(commands, timeline);
        } catch (RuntimeException e) {
            if (timeline != null) timeline.close();
            commands.close();
            throw e;
        }
    }

    /** The logits rows of the step just run, in order, to the parts that asked for them. */
    private List<float[]> logits(List<BatchPart> group) {
        int vocab = model.config().vocab();
        buffers.logitsHost.invalidate();
        MemorySegment host = buffers.logitsHost.mapped();
        List<float[]> out = new ArrayList<>(group.size());
        int row = 0;
        for (BatchPart p : group) {
            if (!p.logits()) {
                out.add(null);
                continue;
            }
            float[] logits = new float[vocab];
            MemorySegment.copy(host, ValueLayout.JAVA_FLOAT, 4L * row++ * vocab, logits, 0, vocab);
            CpuOps.softcap(logits, 0, vocab, model.config().extras().finalLogitSoftcap());
            out.add(logits);
        }
        return out;
    }

    /** Drops the recordings that use a sequence's buffers (it is closing). */
    void forget(SequenceBuffers cache) {
        recordings.forget(cache);
    }

    @Override
    public void close() {
        recordings.close();
        if (buffers != null) buffers.close();
        buffers = null;
    }
}
