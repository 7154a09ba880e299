package tandem.engine.vulkan.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
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
    private final BiConsumer<Map<String, Double>, Integer> account;
    /** Steps run since timestamps were last read (unprofiled steps read them every VulkanRunner.TIMESTAMP_STEPS). */
    private int unreadSteps;
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
     * @param account     receives a step's GPU times by label, with the number of steps they stand for
     * @param commandPool held while recording and submitting (the runner's single-sequence steps hold it too)
     */
    SharedSteps(DeviceModel model, boolean profile, BiConsumer<Map<String, Double>, Integer> account, HostTimes host,
                Object commandPool) {
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
        // as a single sequence's decode: timestamps every few steps unless profiling, their times for the steps since
        if (++unreadSteps >= VulkanRunner.TIMESTAMP_STEPS || profile) {
            // labelled apart, so the kernel table shows the shared steps' time on its own lines
            Map<String, Double> times = new LinkedHashMap<>();
            r.timeline().read().forEach((label, nanos) -> times.put("shared step: " + label, nanos));
            host.addGpuSpan("shared", times);
            account.accept(times, unreadSteps);
            unreadSteps = 0;
            t = host.add("shared: read timestamps", t);
        }
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

    /**
     * The logits rows of the step just run, in order, to the parts that asked for them. The rows are copied on several
     * threads: one 128K-vocabulary row is half a megabyte, and eight of them one after another cost ~1 ms a step with
     * the GPU idle (4 rows: 630 µs on an H100 host).
     */
    private List<float[]> logits(List<BatchPart> group) {
        int vocab = model.config().vocab();
        float cap = model.config().extras().finalLogitSoftcap();
        buffers.logitsHost.invalidate();
        MemorySegment host = buffers.logitsHost.mapped();
        float[][] out = new float[group.size()][];
        int[] rows = new int[group.size()];
        int row = 0;
        for (int i = 0; i < group.size(); i++) rows[i] = group.get(i).logits() ? row++ : -1;
        IntStream.range(0, group.size()).parallel().filter(i -> rows[i] >= 0).forEach(i -> {
            float[] logits = group.get(i).logitsRow(vocab);
            MemorySegment.copy(host, ValueLayout.JAVA_FLOAT, 4L * rows[i] * vocab, logits, 0, vocab);
            CpuOps.softcap(logits, 0, vocab, cap);
            out[i] = logits;
        });
        return java.util.Arrays.asList(out);
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
