package tandem.engine.parallel;

import java.util.List;

import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuTimeline;
import tandem.engine.vulkan.TimelinePoint;
import tandem.engine.vulkan.model.BlockRecorder;
import tandem.engine.vulkan.model.SequenceBuffers;
import tandem.engine.vulkan.model.StepRows;

/**
 * Tensor split: every device runs every block on its heads and FFN columns; each of the two
 * residual adds per block is a product into this device's all-reduce slot, the end of a segment,
 * and the sum of all devices' partials into the residual stream at the start of the next. So a
 * step is 2L+1 segments per device, segment j > 0 waiting for every peer's partial of round j.
 */
record TensorSchedule(List<SplitRunner.Shard> shards, VulkanAllReduce allReduce, int layers, int dim)
        implements StepSchedule {
    @Override public int rounds() { return 2 * layers; }

    @Override public int segments(int device) { return 2 * layers + 1; }

    @Override public int marks(int device) { return 4 * layers + 4; }

    @Override
    public void record(int device, List<CommandRecorder> segments, SequenceBuffers b, StepRows rows, GpuTimeline timeline,
                       int tokens, boolean allLogits) {
        SplitRunner.Shard s = shards.get(device);
        BlockRecorder blocks = new BlockRecorder(s.local(), s.weights(), b, rows, null);
        int[] round = {0};
        CommandRecorder rec = segments.getFirst().begin();
        timeline.begin(rec);
        blocks.embedding(rec, tokens);
        for (int l = 0; l < layers; l++) {
            rec = blocks.block(rec, l, l, tokens, (r, site, weightType, product, out, accumulate) -> {
                int k = ++round[0];
                allReduce.recordAcquireSlot(r, device, k);
                product.record(r, allReduce.slot(device, k), false);
                allReduce.recordRelease(r, device, k);
                timeline.mark("compute");
                r.end();
                CommandRecorder next = segments.get(k).begin();
                timeline.switchTo(next);
                allReduce.recordSum(next, device, k, out.buffer().range(out.offset(), 4L * tokens * dim), tokens * dim, accumulate);
                timeline.mark("all-reduce");
                return next;
            });
        }
        blocks.output(rec, tokens, allLogits);
        timeline.mark("compute");
        timeline.end();
        rec.end();
    }

    @Override
    public List<TimelinePoint> waits(int device, int segment, long base) {
        return segment == 0 ? List.of() : allReduce.peersWritten(device, base + segment);
    }

    @Override
    public List<TimelinePoint> signals(int device, int segment, long base) {
        return segment < 2 * layers ? List.of(allReduce.written(device, base + segment + 1)) : List.of();
    }
}
