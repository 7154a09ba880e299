package tandem.engine.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.KHRPushDescriptor.vkCmdPushDescriptorSetKHR;
import static org.lwjgl.vulkan.VK10.*;

import java.util.List;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkBufferCopy;
import org.lwjgl.vulkan.VkCommandBuffer;
import org.lwjgl.vulkan.VkCommandBufferAllocateInfo;
import org.lwjgl.vulkan.VkCommandBufferBeginInfo;
import org.lwjgl.vulkan.VkDescriptorBufferInfo;
import org.lwjgl.vulkan.VkFenceCreateInfo;
import org.lwjgl.vulkan.VkMemoryBarrier;
import org.lwjgl.vulkan.VkSubmitInfo;
import org.lwjgl.vulkan.VkTimelineSemaphoreSubmitInfo;
import org.lwjgl.vulkan.VkWriteDescriptorSet;
import tandem.engine.api.TandemException;

/**
 * One command buffer with its fence. Record once ({@link #begin()} ... {@link #end()}), then
 * {@link #submit()} / {@link #await()} as often as needed: replaying a recorded decode step costs
 * one submit. Recording again after {@link #begin()} replaces the old contents.
 */
public final class CommandRecorder implements DeviceResource {
    /** How long one submit may run before the device is called hung: {@code -Dtandem.fence.timeout.ms}, default 60 s. */
    static long fenceTimeoutNanos() {
        return Math.max(1, Long.getLong("tandem.fence.timeout.ms", 60_000)) * 1_000_000L;
    }

    private final VulkanDevice device;
    private final VkCommandBuffer cmd;
    private final long fence;
    private ComputePipeline bound;
    private boolean pending;
    /** The recorder whose fence covers this one's last submit (submitted together by {@link #submitAll}), or null. */
    private CommandRecorder coveredBy;
    private boolean closed;
    private final FenceWait fenceWait;
    /** When the last submit signalling this recorder's fence was made (System.nanoTime). */
    private long submittedAt;
    /** How long this recording took from submit to signal last time; 0 until seen (and after recording again). */
    private long lastNanos;

    private CommandRecorder(VulkanDevice device, VkCommandBuffer cmd, long fence) {
        this.device = device;
        this.cmd = cmd;
        this.fence = fence;
        this.fenceWait = FenceWait.forDevice(device.physical().type());
    }

    public static CommandRecorder create(VulkanDevice device) {
        try (MemoryStack stack = stackPush()) {
            PointerBuffer p = stack.mallocPointer(1);
            VkCheck.check(vkAllocateCommandBuffers(device.handle(), VkCommandBufferAllocateInfo.calloc(stack).sType$Default()
                    .commandPool(device.commandPool()).level(VK_COMMAND_BUFFER_LEVEL_PRIMARY).commandBufferCount(1), p),
                    "vkAllocateCommandBuffers");
            VkCommandBuffer cmd = new VkCommandBuffer(p.get(0), device.handle());
            var f = stack.mallocLong(1);
            int r = vkCreateFence(device.handle(), VkFenceCreateInfo.calloc(stack).sType$Default(), null, f);
            if (r != VK_SUCCESS) {
                vkFreeCommandBuffers(device.handle(), device.commandPool(), cmd);
                VkCheck.check(r, "vkCreateFence");
            }
            CommandRecorder rec = new CommandRecorder(device, cmd, f.get(0));
            device.track(rec);
            return rec;
        }
    }

    public VulkanDevice device() { return device; }

    public VkCommandBuffer handle() { return cmd; }

    public CommandRecorder begin() {
        await();
        lastNanos = 0; // a new recording: the old one's duration says nothing about it
        VkCheck.check(vkResetCommandBuffer(cmd, 0), "vkResetCommandBuffer");
        try (MemoryStack stack = stackPush()) {
            VkCheck.check(vkBeginCommandBuffer(cmd, VkCommandBufferBeginInfo.calloc(stack).sType$Default()), "vkBeginCommandBuffer");
        }
        bound = null;
        return this;
    }

    /**
     * Records one dispatch. Bindings go to bindings 0..n-1 of set 0; each range must start at a
     * multiple of minStorageBufferOffsetAlignment and be at most maxStorageBufferRange long.
     */
    public CommandRecorder dispatch(ComputePipeline pipeline, List<BufferRange> bindings, int[] push, int x, int y, int z) {
        if (bindings.size() != pipeline.bindings()) {
            throw new IllegalArgumentException(pipeline.name() + " takes " + pipeline.bindings() + " buffers, got " + bindings.size());
        }
        if (push.length != pipeline.pushWords()) {
            throw new IllegalArgumentException(pipeline.name() + " takes " + pipeline.pushWords() + " push words, got " + push.length);
        }
        try (MemoryStack stack = stackPush()) {
            if (bound != pipeline) {
                vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.handle());
                bound = pipeline;
            }
            VkWriteDescriptorSet.Buffer writes = VkWriteDescriptorSet.calloc(bindings.size(), stack);
            for (int i = 0; i < bindings.size(); i++) {
                BufferRange r = checkedRange(bindings.get(i), pipeline);
                writes.get(i).sType$Default().dstBinding(i).descriptorCount(1)
                        .descriptorType(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER)
                        .pBufferInfo(VkDescriptorBufferInfo.calloc(1, stack).buffer(r.buffer().handle())
                                .offset(r.offset()).range(r.size()));
            }
            vkCmdPushDescriptorSetKHR(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout(), 0, writes);
            if (push.length > 0) vkCmdPushConstants(cmd, pipeline.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, push);
            vkCmdDispatch(cmd, x, y, z);
        }
        return this;
    }

    private BufferRange checkedRange(BufferRange r, ComputePipeline p) {
        PhysicalDevice pd = device.physical();
        if (r.offset() % pd.minStorageBufferOffsetAlignment() != 0) {
            throw new IllegalArgumentException(p.name() + ": binding offset " + r.offset() + " of " + r.buffer().name()
                    + " is not a multiple of " + pd.minStorageBufferOffsetAlignment());
        }
        if (r.size() > pd.maxStorageBufferRange()) {
            throw new IllegalArgumentException(p.name() + ": binding of " + r.size() + " bytes of " + r.buffer().name()
                    + " exceeds maxStorageBufferRange " + pd.maxStorageBufferRange());
        }
        return r;
    }

    /**
     * Makes earlier shader writes visible to later shaders, and nothing more: the barrier between
     * dependent kernels of a step. (Host and transfer scopes make drivers flush caches; on an H100
     * every full {@link #barrier()} between kernels cost several microseconds.)
     */
    public CommandRecorder computeBarrier() {
        try (MemoryStack stack = stackPush()) {
            VkMemoryBarrier.Buffer b = VkMemoryBarrier.calloc(1, stack).sType$Default()
                    .srcAccessMask(VK_ACCESS_SHADER_WRITE_BIT)
                    .dstAccessMask(VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
            vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, b, null, null);
        }
        return this;
    }

    /** Makes earlier shader, copy and host writes visible to later shaders, copies and the host. */
    public CommandRecorder barrier() {
        try (MemoryStack stack = stackPush()) {
            VkMemoryBarrier.Buffer b = VkMemoryBarrier.calloc(1, stack).sType$Default()
                    .srcAccessMask(VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_WRITE_BIT)
                    .dstAccessMask(VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT
                            | VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_READ_BIT);
            vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_HOST_BIT,
                    VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_HOST_BIT,
                    0, b, null, null);
        }
        return this;
    }

    public CommandRecorder copy(BufferRange src, BufferRange dst) {
        if (src.size() != dst.size()) throw new IllegalArgumentException("copy of " + src.size() + " bytes into " + dst.size());
        try (MemoryStack stack = stackPush()) {
            vkCmdCopyBuffer(cmd, src.buffer().handle(), dst.buffer().handle(),
                    VkBufferCopy.calloc(1, stack).srcOffset(src.offset()).dstOffset(dst.offset()).size(src.size()));
        }
        return this;
    }

    /** Fills a range with a 32-bit pattern (size a multiple of 4). */
    public CommandRecorder fill(BufferRange dst, int word) {
        vkCmdFillBuffer(cmd, dst.buffer().handle(), dst.offset(), dst.size(), word);
        return this;
    }

    /** Resets slots [0, count) of the pool; record before the first {@link #timestamp}. */
    public CommandRecorder resetTimestamps(TimestampQueries q, int count) {
        vkCmdResetQueryPool(cmd, q.handle(), 0, count);
        return this;
    }

    /**
     * Copies slots [0, count) of the pool, as 64-bit values, into {@code dst} once they are written (the copy waits
     * for them on the GPU), and makes the copy visible to the host.
     */
    public CommandRecorder copyTimestamps(TimestampQueries q, int count, BufferRange dst) {
        if (dst.size() < 8L * count) throw new IllegalArgumentException(count + " timestamps into " + dst.size() + " bytes");
        vkCmdCopyQueryPoolResults(cmd, q.handle(), 0, count, dst.buffer().handle(), dst.offset(), 8,
                VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
        return barrier();
    }

    /** Writes a timestamp once all earlier commands have finished. */
    public CommandRecorder timestamp(TimestampQueries q, int index) {
        vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, q.handle(), index);
        return this;
    }

    public CommandRecorder end() {
        VkCheck.check(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
        return this;
    }

    /** Submits the recorded commands; {@link #await()} waits for them. */
    public void submit() {
        submit(List.of(), List.of());
    }

    /**
     * Submits the recorded commands once the timeline points {@code waits} are reached (before any
     * of its commands start), and signals {@code signals} when they are done: how devices chain
     * their work through each other's semaphores with no host in the loop.
     */
    public void submit(List<TimelinePoint> waits, List<TimelinePoint> signals) {
        submitAll(List.of(this), List.of(waits), List.of(signals));
    }

    /**
     * Submits several recorders of one device in one vkQueueSubmit, one batch each with its own
     * waits and signals, in order: a step split into many segments then costs the host one call
     * instead of one per segment (one host thread submits for every device; with a call per
     * segment it fell behind the GPUs). Only the last recorder's fence is used: awaiting any of
     * them waits for all (and, once the last is submitted again, for that later submit too).
     */
    public static void submitAll(List<CommandRecorder> recorders, List<List<TimelinePoint>> waits,
                                 List<List<TimelinePoint>> signals) {
        int n = recorders.size();
        if (n == 0 || waits.size() != n || signals.size() != n) throw new IllegalArgumentException("one waits and signals list per recorder");
        CommandRecorder last = recorders.getLast();
        VulkanDevice device = last.device;
        for (CommandRecorder r : recorders) {
            if (r.device != device) throw new IllegalArgumentException("one submit serves one device");
            r.await();
        }
        try (MemoryStack stack = stackPush()) {
            VkCheck.check(vkResetFences(device.handle(), last.fence), "vkResetFences");
            VkSubmitInfo.Buffer infos = VkSubmitInfo.calloc(n, stack);
            for (int i = 0; i < n; i++) {
                describe(infos.get(i), stack, recorders.get(i).cmd, waits.get(i), signals.get(i));
            }
            synchronized (device.queue()) {
                VkCheck.check(vkQueueSubmit(device.queue(), infos, last.fence), "vkQueueSubmit on " + device.label());
            }
            last.submittedAt = System.nanoTime();
        }
        for (CommandRecorder r : recorders) r.coveredBy = last;
        last.coveredBy = null;
        last.pending = true;
    }

    /** One batch: the command buffer, waited timeline points (before any command) and signalled ones. */
    private static void describe(VkSubmitInfo submit, MemoryStack stack, VkCommandBuffer cmd, List<TimelinePoint> waits,
                                 List<TimelinePoint> signals) {
        submit.sType$Default().pCommandBuffers(stack.pointers(cmd));
        if (waits.isEmpty() && signals.isEmpty()) return;
        var waitHandles = stack.mallocLong(waits.size());
        var waitValues = stack.mallocLong(waits.size());
        var stages = stack.mallocInt(waits.size());
        for (TimelinePoint w : waits) {
            waitHandles.put(w.semaphore());
            waitValues.put(w.value());
            stages.put(VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
        }
        var signalHandles = stack.mallocLong(signals.size());
        var signalValues = stack.mallocLong(signals.size());
        for (TimelinePoint s : signals) {
            signalHandles.put(s.semaphore());
            signalValues.put(s.value());
        }
        waitHandles.flip(); waitValues.flip(); stages.flip(); signalHandles.flip(); signalValues.flip();
        submit.pNext(VkTimelineSemaphoreSubmitInfo.calloc(stack).sType$Default()
                        .pWaitSemaphoreValues(waitValues).pSignalSemaphoreValues(signalValues))
                .waitSemaphoreCount(waits.size()).pWaitSemaphores(waitHandles).pWaitDstStageMask(stages)
                .pSignalSemaphores(signalHandles);
    }

    public void await() {
        if (coveredBy != null) {
            CommandRecorder c = coveredBy;
            coveredBy = null;
            c.await();
            return;
        }
        if (!pending) return;
        long timeout = fenceTimeoutNanos();
        int r = fenceWait.await(device.handle(), fence, submittedAt, lastNanos, timeout);
        if (r == VK_SUCCESS) lastNanos = System.nanoTime() - submittedAt;
        if (r == VK_TIMEOUT) {
            // Still pending: the GPU may yet run this buffer, so close() must not free it (see there).
            throw new TandemException(device.label() + " did not finish its work within " + timeout / 1_000_000_000.0
                    + " s; the driver may be hung (-Dtandem.fence.timeout.ms sets the limit)");
        }
        pending = false;
        if (r == VK_ERROR_DEVICE_LOST) {
            throw new TandemException(device.label() + " was lost (driver reset or crash); reload the model to continue");
        }
        VkCheck.check(r, "vkWaitForFences on " + device.label());
    }

    public void submitAndWait() {
        submit();
        await();
    }

    @Override
    public void close() {
        if (closed) return;
        // Only a submit still pending on the group's fence: after a failed vkQueueSubmit that fence
        // stays reset, and waiting on it would take the whole timeout.
        CommandRecorder group = coveredBy;
        boolean stillRunning = pending && vkWaitForFences(device.handle(), fence, true, fenceTimeoutNanos()) == VK_TIMEOUT
                || group != null && group.pending && !group.closed
                && vkWaitForFences(device.handle(), group.fence, true, fenceTimeoutNanos()) == VK_TIMEOUT;
        if (stillRunning) {
            // Freeing a command buffer or fence the GPU still uses is undefined (lavapipe crashed the
            // JVM): leave this recorder to the device, which waits until idle before it closes what is left.
            return;
        }
        closed = true;
        // Recorders this one covers may still await it: they must find nothing pending, not the destroyed fence.
        pending = false;
        coveredBy = null;
        vkDestroyFence(device.handle(), fence, null);
        vkFreeCommandBuffers(device.handle(), device.commandPool(), cmd);
        device.untrack(this);
    }
}
