package tandem.engine.parallel;

import java.util.List;

import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.TimelinePoint;
import tandem.engine.vulkan.model.SequenceBuffers;

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

    void record(int device, List<CommandRecorder> segments, SequenceBuffers buffers, int tokens, boolean allLogits);

    /** What segment {@code segment} of device {@code device} waits for before it starts. */
    List<TimelinePoint> waits(int device, int segment, long base);

    /** What it signals when done. */
    List<TimelinePoint> signals(int device, int segment, long base);
}
