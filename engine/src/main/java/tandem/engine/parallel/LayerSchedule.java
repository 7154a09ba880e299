package tandem.engine.parallel;

import java.util.List;

import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuTimeline;
import tandem.engine.vulkan.TimelinePoint;
import tandem.engine.vulkan.model.BlockRecorder;
import tandem.engine.vulkan.model.SequenceBuffers;
import tandem.engine.vulkan.model.StepRows;

/**
 * Layer split: device k runs its consecutive blocks on the residual stream device k-1 handed it
 * through host memory (round k of the step) and hands the result on (round k+1); the last device
 * computes the logits. Each device submits two segments: an empty one that at once signals "written"
 * for the rounds it sends nothing in before its turn, and its work, which signals every later round
 * when done (a timeline signal of n-1 covers all of them).
 */
record LayerSchedule(List<SplitRunner.Shard> shards, VulkanAllReduce allReduce, int dim) implements StepSchedule {
    @Override public int rounds() { return shards.size() - 1; }

    @Override public int segments(int device) { return 2; }

    @Override public int marks(int device) { return 4; }

    @Override
    public void record(int device, List<CommandRecorder> segments, SequenceBuffers b, StepRows rows, GpuTimeline timeline,
                       int tokens, boolean allLogits) {
        SplitRunner.Shard s = shards.get(device);
        BlockRecorder blocks = new BlockRecorder(s.local(), s.weights(), b, rows, null);
        segments.get(0).begin().end();
        CommandRecorder rec = segments.get(1).begin();
        timeline.begin(rec);
        int width = tokens * dim;
        if (device == 0) {
            blocks.embedding(rec, tokens);
        } else {
            allReduce.recordCopyFrom(rec, device, device, device - 1, b.x.range(0, 4L * width), width);
            timeline.mark("all-reduce");
        }
        SliceRange layers = s.slices().layers();
        for (int l = layers.start(); l < layers.end(); l++) {
            rec = blocks.block(rec, l, l - layers.start(), tokens, (r, site, weightType, product, out, accumulate) -> {
                blocks.addLocally(r, product, out, accumulate);
                r.barrier();
                return r;
            });
        }
        if (device == shards.size() - 1) blocks.output(rec, tokens, allLogits);
        else allReduce.recordStage(rec, device, device + 1, b.x.range(0, 4L * width), width);
        timeline.mark("compute");
        timeline.end();
        rec.end();
    }

    @Override
    public List<TimelinePoint> waits(int device, int segment, long base) {
        return segment == 1 && device > 0 ? allReduce.peersWritten(device, base + device) : List.of();
    }

    @Override
    public List<TimelinePoint> signals(int device, int segment, long base) {
        boolean last = device == shards.size() - 1;
        if (segment == 0) return device > 0 ? List.of(allReduce.written(device, base + device)) : List.of();
        return last ? List.of() : List.of(allReduce.written(device, base + rounds()));
    }
}
