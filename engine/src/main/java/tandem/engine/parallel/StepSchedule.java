package tandem.engine.parallel;

import java.util.List;

import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuTimeline;
import tandem.engine.vulkan.TimelinePoint;
import tandem.engine.vulkan.model.SequenceBuffers;
import tandem.engine.vulkan.model.StepRows;

/**
 * How one forward step is cut into command buffers per device and chained across devices through
 * the all-reduce's rounds. A step's rounds are numbered from 1 when recorded; at submit time they
 * are offset by {@code base}, an even number, so the slot each recorded round uses stays right.
 */
interface StepSchedule {
    /** All-reduce rounds one step uses. */
    int rounds();

    /** Command buffers device {@code device} submits per step, in order. */
    int segments(int device);

    /**
     * Records the step. The timeline gets "compute" marks after work and "all-reduce" marks after
     * each hand-over (the wait for the peers included), so its intervals split the device's time.
     */
    default void record(int device, List<CommandRecorder> segments, SequenceBuffers buffers, GpuTimeline timeline, int tokens,
                        boolean allLogits) {
        record(device, segments, buffers, null, timeline, tokens, allLogits);
    }

    /**
     * Records a step several sequences share: {@code buffers} holds the activations of all their
     * rows, {@code rows} says whose cache each row's attention uses on this device.
     */
    default void record(int device, List<CommandRecorder> segments, SequenceBuffers buffers, StepRows rows, GpuTimeline timeline) {
        record(device, segments, buffers, rows, timeline, rows.tokens(), false);
    }

    /** Either of the above: {@code rows} null for one sequence (whose cache {@code buffers} holds). */
    void record(int device, List<CommandRecorder> segments, SequenceBuffers buffers, StepRows rows, GpuTimeline timeline,
                int tokens, boolean allLogits);

    /** Timestamps one recorded step of device {@code device} needs at most. */
    int marks(int device);

    /** What segment {@code segment} of device {@code device} waits for before it starts. */
    List<TimelinePoint> waits(int device, int segment, long base);

    /** What it signals when done. */
    List<TimelinePoint> signals(int device, int segment, long base);
}
