package tandem.engine.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import tandem.engine.model.ModelConfig;
import tandem.engine.runtime.ModelRunner.BatchPart;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuTimeline;
import tandem.engine.vulkan.model.SequenceBuffers;
import tandem.engine.vulkan.model.SharedStepPlan;
import tandem.engine.vulkan.model.StepRecordings;
import tandem.engine.vulkan.model.StepRows;

/**
 * Steps several sequences share under tensor or layer split: on every device the activations of
 * all their rows (made on first use) and, per combination of sequences and row counts, one
 * recorded step per device ({@link StepSchedule}), replayed while it repeats. Each sequence keeps
 * its own KV cache and step parameters on every device.
 */
final class SplitSharedSteps implements AutoCloseable {
    /** Rows one shared step holds (the all-reduce slots hold this many rows). */
    static final int MAX_ROWS = SplitRunner.MAX_BATCH;
    /** Sequences with logits in one shared step. */
    static final int LOGIT_ROWS = 32;
    private static final int RECORDINGS = 8;

    private final List<SplitRunner.Shard> shards;
    private final StepSchedule schedule;
    private final ModelConfig config;
    private final IntFunction<List<CommandRecorder>> recorders;
    private final Consumer<List<List<CommandRecorder>>> submit;
    private final BiConsumer<Integer, Map<String, Double>> account;
    /** The runner's lock for its devices' command pools, held while recording and submitting. */
    private final Object commandPool;
    private List<SequenceBuffers> buffers;
    private final StepRecordings<Recording> recordings = new StepRecordings<>(RECORDINGS, Recording::close);
    private long stepsRun;

    /** One combination's recorded step: per device its segments and timeline. */
    private record Recording(List<List<CommandRecorder>> segments, List<GpuTimeline> timelines) {
        void close() {
            timelines.forEach(GpuTimeline::close);
            segments.forEach(l -> l.forEach(CommandRecorder::close));
        }
    }

    /**
     * @param recorders a device's command buffers for one step
     * @param submit    submits one step on every device and waits for it
     * @param account   takes a device's GPU times of the step
     * @param commandPool held while recording and submitting (the runner's single-sequence steps hold it too)
     */
    SplitSharedSteps(List<SplitRunner.Shard> shards, StepSchedule schedule, ModelConfig config,
                     IntFunction<List<CommandRecorder>> recorders, Consumer<List<List<CommandRecorder>>> submit,
                     BiConsumer<Integer, Map<String, Double>> account, Object commandPool) {
        this.commandPool = commandPool;
        this.shards = shards;
        this.schedule = schedule;
        this.config = config;
        this.recorders = recorders;
        this.submit = submit;
        this.account = account;
    }

    /** Whether every device can bind each sequence's rows of the shared activations. */
    boolean possible() {
        for (SplitRunner.Shard s : shards) {
            long alignment = s.device().physical().minStorageBufferOffsetAlignment();
            if (!SharedStepPlan.rowsBindable(alignment, s.local().qDim(), s.local().kvDim(), s.local().dim())) return false;
        }
        return true;
    }

    /**
     * Runs one group ({@link SharedStepPlan#groups}); {@code caches.get(i)} are part i's buffers on
     * every device. Per part its logits or null.
     */
    List<float[]> run(List<BatchPart> group, List<List<SequenceBuffers>> caches) {
        synchronized (commandPool) {
            return runLocked(group, caches);
        }
    }

    private List<float[]> runLocked(List<BatchPart> group, List<List<SequenceBuffers>> caches) {
        if (buffers == null) {
            buffers = new ArrayList<>();
            for (SplitRunner.Shard s : shards) buffers.add(SequenceBuffers.sharedStep(s.device(), s.local(), MAX_ROWS, LOGIT_ROWS));
        }
        int[] ids = SharedStepPlan.ids(group);
        for (int d = 0; d < shards.size(); d++) {
            for (int i = 0; i < group.size(); i++) {
                BatchPart p = group.get(i);
                caches.get(i).get(d).step.write(p.position(), p.tokens(), 0, p.tokens().length);
            }
            buffers.get(d).step.write(0, ids, 0, ids.length);
        }
        List<SequenceBuffers> first = caches.stream().map(List::getFirst).toList();
        Recording r = recordings.get(SharedStepPlan.key(group, first), () -> record(group, caches));
        submit.accept(r.segments());
        stepsRun++;
        for (int d = 0; d < shards.size(); d++) account.accept(d, r.timelines().get(d).read());
        return logits(group);
    }

    private Recording record(List<BatchPart> group, List<List<SequenceBuffers>> caches) {
        Recording r = new Recording(new ArrayList<>(), new ArrayList<>());
        try {
            for (int d = 0; d < shards.size(); d++) {
                int device = d;
                r.segments().add(recorders.apply(d));
                r.timelines().add(new GpuTimeline(shards.get(d).device(), schedule.marks(d)));
                StepRows rows = SharedStepPlan.rows(group, caches.stream().map(c -> c.get(device)).toList());
                schedule.record(d, r.segments().get(d), buffers.get(d), rows, r.timelines().get(d));
            }
            return r;
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** The logits rows of the step just run, in order, to the parts that asked for them (into their own arrays where given). */
    private List<float[]> logits(List<BatchPart> group) {
        int vocab = config.vocab();
        List<float[]> out = new ArrayList<>();
        int row = 0;
        for (BatchPart p : group) {
            if (!p.logits()) {
                out.add(null);
                continue;
            }
            float[] logits = p.logitsRow(vocab);
            SplitRunner.gatherLogits(shards, buffers, config, row++, logits, 0, 1);
            out.add(logits);
        }
        return out;
    }

    /** Shared steps run since load. */
    long stepsRun() {
        synchronized (commandPool) {
            return stepsRun;
        }
    }

    /** Drops the recordings that use a sequence's buffers (it is closing). */
    void forget(SequenceBuffers cache) {
        recordings.forget(cache);
    }

    @Override
    public void close() {
        recordings.close();
        if (buffers != null) buffers.reversed().forEach(SequenceBuffers::close);
        buffers = null;
    }
}
