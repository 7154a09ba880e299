package tandem.engine.parallel;

import java.lang.foreign.MemorySegment;
import java.util.List;

import tandem.engine.vulkan.GpuBuffer;

/**
 * The all-reduce's data path where host memory cannot be imported into a device (no
 * {@code VK_EXT_external_memory_host}): each device has its own mapped host-visible copy of all
 * slots, and the relay thread copies a device's freshly written slot into every other device's
 * copy before it tells them the round is ready.
 */
final class SlotCopies {
    private final List<GpuBuffer> buffers;
    private final long slotStride;
    private final int parities;

    SlotCopies(List<GpuBuffer> buffers, long slotStride, int parities) {
        this.buffers = List.copyOf(buffers);
        this.slotStride = slotStride;
        this.parities = parities;
    }

    /** Copies device {@code device}'s slot of {@code round} into every other device's copy. */
    void publish(int device, long round) {
        long offset = ((round % parities) * buffers.size() + device) * slotStride;
        GpuBuffer source = buffers.get(device);
        source.invalidate();
        MemorySegment from = source.mapped();
        for (int e = 0; e < buffers.size(); e++) {
            if (e == device) continue;
            GpuBuffer target = buffers.get(e);
            MemorySegment.copy(from, offset, target.mapped(), offset, slotStride);
            target.flush();
        }
    }
}
