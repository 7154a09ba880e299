package tandem.engine.vulkan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.VK10.*;

import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkQueryPoolCreateInfo;

/**
 * A pool of GPU timestamps. A recorder resets the slots it uses at the start of its command
 * buffer, so a buffer recorded once can be replayed and read again after every submit.
 */
public final class TimestampQueries implements DeviceResource {
    private final VulkanDevice device;
    private final long pool;
    private final int capacity;
    /**
     * Where a recording copies its stamps at its end ({@link #recordCopy}): reading them is then a read of host memory.
     * vkGetQueryPoolResults cost ~125 µs a call on an H100 host (and more on lavapipe), on the critical path of decode.
     */
    private final GpuBuffer copied;
    private boolean closed;

    private TimestampQueries(VulkanDevice device, long pool, int capacity, GpuBuffer copied) {
        this.device = device;
        this.pool = pool;
        this.capacity = capacity;
        this.copied = copied;
    }

    public static TimestampQueries create(VulkanDevice device, int capacity) {
        try (MemoryStack stack = stackPush()) {
            var p = stack.mallocLong(1);
            VkCheck.check(vkCreateQueryPool(device.handle(), VkQueryPoolCreateInfo.calloc(stack).sType$Default()
                    .queryType(VK_QUERY_TYPE_TIMESTAMP).queryCount(capacity), null, p), "vkCreateQueryPool");
            GpuBuffer copied;
            try {
                copied = GpuBuffer.create(device, BufferKind.READBACK, 8L * capacity, "timestamps");
            } catch (RuntimeException e) {
                vkDestroyQueryPool(device.handle(), p.get(0), null);
                throw e;
            }
            TimestampQueries q = new TimestampQueries(device, p.get(0), capacity, copied);
            device.track(q);
            return q;
        }
    }

    public int capacity() { return capacity; }

    long handle() { return pool; }

    /** Records, at the end of the work, the copy of stamps [0, count) that {@link #copiedIntervalsNanos} reads. */
    public void recordCopy(CommandRecorder rec, int count) {
        rec.copyTimestamps(this, count, copied.range(0, 8L * count));
    }

    /** {@link #intervalsNanos} from the copy a recording made at its end ({@link #recordCopy}): no driver call. */
    public double[] copiedIntervalsNanos(int count) {
        long[] ticks = new long[count];
        copied.invalidate();
        MemorySegment.copy(copied.mapped(), ValueLayout.JAVA_LONG, 0, ticks, 0, count);
        return intervals(ticks);
    }

    /**
     * Nanoseconds between consecutive timestamps 0..count-1 after the work completed:
     * element i is the time from stamp i to stamp i+1 (count-1 values).
     */
    public double[] intervalsNanos(int count) {
        long[] ticks = new long[count];
        try (MemoryStack stack = stackPush()) {
            var out = stack.mallocLong(count);
            // off the decode path since the steps copy their stamps at their end (copiedIntervalsNanos)
            VkCheck.check(vkGetQueryPoolResults(device.handle(), pool, 0, count, out, 8,
                    VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT), "vkGetQueryPoolResults");
            out.get(ticks);
        }
        return intervals(ticks);
    }

    private double[] intervals(long[] ticks) {
        int count = ticks.length;
        int bits = device.physical().timestampValidBits();
        long mask = bits >= 64 ? -1L : (1L << bits) - 1;
        double period = device.physical().timestampPeriodNs();
        double[] nanos = new double[count - 1];
        for (int i = 0; i + 1 < count; i++) nanos[i] = ((ticks[i + 1] - ticks[i]) & mask) * period;
        return nanos;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        copied.close();
        vkDestroyQueryPool(device.handle(), pool, null);
        device.untrack(this);
    }
}
