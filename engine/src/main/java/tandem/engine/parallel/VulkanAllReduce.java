package tandem.engine.parallel;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.system.MemoryUtil.memSet;
import static org.lwjgl.system.MemoryUtil.nmemAlignedAlloc;
import static org.lwjgl.system.MemoryUtil.nmemAlignedFree;
import static org.lwjgl.vulkan.EXTExternalMemoryHost.VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME;
import static org.lwjgl.vulkan.EXTQueueFamilyForeign.VK_EXT_QUEUE_FAMILY_FOREIGN_EXTENSION_NAME;
import static org.lwjgl.vulkan.EXTQueueFamilyForeign.VK_QUEUE_FAMILY_FOREIGN_EXT;
import static org.lwjgl.vulkan.VK10.*;
import static org.lwjgl.vulkan.VK11.VK_QUEUE_FAMILY_EXTERNAL;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkBufferMemoryBarrier;

import tandem.engine.api.TandemException;
import tandem.engine.vulkan.BufferKind;
import tandem.engine.vulkan.BufferRange;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.ComputePipeline;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.TimelinePoint;
import tandem.engine.vulkan.VulkanDevice;

/**
 * Sum of every device's partial vector, the result on every device, through host memory (Vulkan
 * offers no GPU-to-GPU path between these devices; see shared/BASELINES.md).
 *
 * <p>One host allocation is imported into every device. For round k each device writes its
 * partial into its own slot (a shader store), releases the slot, and signals "written k"; each
 * device's next submit waits for all peers' "written k" ({@link PeerSignals}: shared semaphores
 * or the host relay), acquires all slots and adds them in device order into its device-local
 * result. Ownership of the slots moves through {@code VK_QUEUE_FAMILY_FOREIGN_EXT}: on NVIDIA
 * only that acquire makes the peer's write visible (every other barrier read stale data);
 * drivers without the extension (lavapipe) use {@code VK_QUEUE_FAMILY_EXTERNAL}. Between uses a
 * slot is owned by that outside family, so every acquire has its release.
 *
 * <p>Slots alternate between two sets by the round's parity: a device writes round k+2 into the
 * slot of round k only after waiting for its peers' round k+1, which each peer signals after it
 * finished reading round k — so no slot is overwritten while a peer still reads it.
 *
 * <p>Usage per device and round k, all recorded and submitted ahead (nothing here waits):
 * {@link #recordStage} (or a producer writing {@link #slot} between {@link #recordAcquireSlot}
 * and {@link #recordRelease}) in a submit that signals {@link #written}; then, in a later submit
 * that waits on {@link #peersWritten}, {@link #recordSum}.
 */
public final class VulkanAllReduce implements AutoCloseable {
    /** Slot starts are multiples of this: at least minStorageBufferOffsetAlignment on every driver. */
    private static final long SLOT_ALIGNMENT = 256;
    /** Host address and size alignment: a multiple of every driver's minImportedHostPointerAlignment. */
    private static final long HOST_ALIGNMENT = 65536;
    private static final int WORKGROUP = 256;
    private static final int PARITIES = 2;

    private final List<VulkanDevice> devices;
    private final int maxLength;
    private final long slotStride;
    private final long hostAddress;
    private final List<GpuBuffer> slots = new ArrayList<>();
    private final List<ComputePipeline> sum = new ArrayList<>();
    private final List<ComputePipeline> stage = new ArrayList<>();
    private final int outsideFamily;
    /** False only to reproduce the stale reads the transfers prevent ({@code tandem allreduce --no-ownership-transfer}). */
    private final boolean ownershipTransfers;
    /** Non-null where each device has its own copy of the slots (no host-memory import): the relay copies between them. */
    private SlotCopies copies;
    private PeerSignals signals;

    private VulkanAllReduce(List<VulkanDevice> devices, int maxLength, boolean ownershipTransfers) {
        this.devices = List.copyOf(devices);
        this.ownershipTransfers = ownershipTransfers;
        this.maxLength = maxLength;
        this.slotStride = roundUp((long) maxLength * Float.BYTES, SLOT_ALIGNMENT);
        long hostBytes = roundUp(PARITIES * devices.size() * slotStride, HOST_ALIGNMENT);
        this.hostAddress = nmemAlignedAlloc(HOST_ALIGNMENT, hostBytes);
        if (hostAddress == 0) throw new TandemException("out of host memory for the all-reduce (" + hostBytes + " bytes)");
        memSet(hostAddress, 0, hostBytes);
        boolean foreign = devices.stream().allMatch(d -> d.extensionEnabled(VK_EXT_QUEUE_FAMILY_FOREIGN_EXTENSION_NAME));
        this.outsideFamily = foreign ? VK_QUEUE_FAMILY_FOREIGN_EXT : VK_QUEUE_FAMILY_EXTERNAL;
    }

    /**
     * Imports the host slots into every device, or where a device cannot import host memory gives
     * each device its own mapped copy; and makes the two shaders there.
     */
    private void prepareDevices(boolean forceCopies) {
        long hostBytes = roundUp(PARITIES * devices.size() * slotStride, HOST_ALIGNMENT);
        MemorySegment host = MemorySegment.ofAddress(hostAddress).reinterpret(hostBytes);
        boolean importable = !forceCopies && devices.stream().allMatch(d -> d.extensionEnabled(VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME));
        for (int d = 0; d < devices.size(); d++) {
            VulkanDevice device = devices.get(d);
            String name = "all-reduce slots on logical device " + d;
            slots.add(importable ? GpuBuffer.importHost(device, host, name)
                    : GpuBuffer.create(device, BufferKind.READBACK, PARITIES * devices.size() * slotStride, name));
            sum.add(ComputePipeline.create(device, "allreduce_sum", 2, 4));
            stage.add(ComputePipeline.create(device, "allreduce_stage", 2, 1));
        }
        if (!importable) copies = new SlotCopies(slots, slotStride, PARITIES);
    }

    /**
     * @param maxLength the longest vector (in floats) any round will reduce
     * @param mode      AUTO chooses shared semaphores where all drivers can share them
     */
    public static VulkanAllReduce create(List<VulkanDevice> devices, int maxLength, AllReduceMode mode) {
        return create(devices, maxLength, mode, true, false);
    }

    /** Slot copies need the host between write and read: only the relay can run them. */
    private PeerSignals relayOnly(AllReduceMode mode) {
        if (mode == AllReduceMode.SHARED_SEMAPHORES) {
            throw new TandemException("the all-reduce was forced to shared semaphores, but a device cannot import host "
                    + "memory (no VK_EXT_external_memory_host), so the host must copy the data; use the host relay");
        }
        return new HostRelaySignals(devices, copies);
    }

    /**
     * @param ownershipTransfers false reads the slots with no barrier at all: a diagnostic, never for real work
     * @param forceCopies        per-device slot copies and host copies even where host memory can be imported
     *                           (tests the path for drivers without VK_EXT_external_memory_host)
     */
    public static VulkanAllReduce create(List<VulkanDevice> devices, int maxLength, AllReduceMode mode, boolean ownershipTransfers,
                                  boolean forceCopies) {
        if (devices.isEmpty() || maxLength <= 0) throw new IllegalArgumentException("devices and a positive length");
        VulkanAllReduce ar = new VulkanAllReduce(devices, maxLength, ownershipTransfers);
        try {
            ar.prepareDevices(forceCopies);
            ar.signals = ar.copies != null ? ar.relayOnly(mode) : signals(devices, mode, null);
            return ar;
        } catch (RuntimeException e) {
            ar.close();
            throw e;
        }
    }

    private static PeerSignals signals(List<VulkanDevice> devices, AllReduceMode mode, SlotCopies copies) {
        String why = SharedTimelineSignals.whyNotSupported(devices);
        return switch (mode) {
            case HOST_RELAY -> new HostRelaySignals(devices, copies);
            case SHARED_SEMAPHORES -> {
                if (why != null) {
                    throw new TandemException("the all-reduce was forced to shared semaphores, but " + why
                            + "; use the host relay (tandem.allreduce=relay or auto)");
                }
                yield new SharedTimelineSignals(devices);
            }
            case AUTO -> why == null ? sharedOrRelay(devices) : new HostRelaySignals(devices, copies);
        };
    }

    /** Shared semaphores, or the relay when the driver advertised sharing but refused the export or import. */
    private static PeerSignals sharedOrRelay(List<VulkanDevice> devices) {
        try {
            return new SharedTimelineSignals(devices);
        } catch (TandemException e) {
            System.err.println("tandem: shared semaphores failed (" + e.getMessage() + "); the all-reduce uses the host relay");
            return new HostRelaySignals(devices, null);
        }
    }

    public int devices() { return devices.size(); }

    public int maxLength() { return maxLength; }

    /** Which synchronisation path runs: "shared timeline semaphores" or "host relay". */
    public String path() { return signals.describe(); }

    /** Device {@code device}'s slot for {@code round}: where its partial goes. */
    public BufferRange slot(int device, long round) {
        return slots.get(device).range(slotOffset(device, round), slotStride);
    }

    private long slotOffset(int device, long round) {
        return roundSet(round) + device * slotStride;
    }

    private long roundSet(long round) { return (round % PARITIES) * devices.size() * slotStride; }

    /** Takes this device's slot for writing; record before the producer writes {@link #slot}. */
    public void recordAcquireSlot(CommandRecorder rec, int device, long round) {
        ownership(rec, device, slotOffset(device, round), slotStride, true, VK_ACCESS_SHADER_WRITE_BIT);
    }

    /** Hands the written slot to the peers; record after the producer's write, before signalling {@link #written}. */
    public void recordRelease(CommandRecorder rec, int device, long round) {
        ownership(rec, device, slotOffset(device, round), slotStride, false, VK_ACCESS_SHADER_WRITE_BIT);
    }

    /** Copies {@code length} floats of {@code partial} into this device's slot, with acquire and release. */
    public void recordStage(CommandRecorder rec, int device, long round, BufferRange partial, int length) {
        checkLength(length);
        rec.barrier();
        recordAcquireSlot(rec, device, round);
        rec.dispatch(stage.get(device), List.of(partial, slot(device, round)), new int[] {length}, groups(length), 1, 1);
        recordRelease(rec, device, round);
    }

    /** What device {@code device}'s submit signals once its round-{@code round} partial is released. */
    public TimelinePoint written(int device, long round) { return signals.written(device, round); }

    /** What the submit that sums round {@code round} on device {@code device} must wait for. */
    public List<TimelinePoint> peersWritten(int device, long round) {
        signals.checkHealthy();
        return signals.peersWritten(device, round);
    }

    /**
     * Adds all devices' round-{@code round} partials, in device order, into {@code result}
     * ({@code length} floats), overwriting it or, with {@code accumulate}, adding to it (the
     * residual stream); the result is visible to the commands recorded after this.
     */
    public void recordSum(CommandRecorder rec, int device, long round, BufferRange result, int length, boolean accumulate) {
        checkLength(length);
        long set = roundSet(round);
        long setBytes = devices.size() * slotStride;
        rec.barrier(); // earlier writes of result (accumulate) before the sum reads it
        ownership(rec, device, set, setBytes, true, VK_ACCESS_SHADER_READ_BIT);
        rec.dispatch(sum.get(device), List.of(slots.get(device).range(set, setBytes), result),
                new int[] {length, devices.size(), (int) (slotStride / Float.BYTES), accumulate ? 1 : 0}, groups(length), 1, 1);
        ownership(rec, device, set, setBytes, false, 0);
        rec.barrier();
    }

    /**
     * Copies the {@code length} floats device {@code from} wrote for {@code round} into {@code result}
     * on device {@code device}: how layer split hands the residual stream to the next device.
     */
    public void recordCopyFrom(CommandRecorder rec, int device, long round, int from, BufferRange result, int length) {
        checkLength(length);
        long offset = slotOffset(from, round);
        rec.barrier();
        ownership(rec, device, offset, slotStride, true, VK_ACCESS_SHADER_READ_BIT);
        rec.dispatch(sum.get(device), List.of(slots.get(device).range(offset, slotStride), result),
                new int[] {length, 1, (int) (slotStride / Float.BYTES), 0}, groups(length), 1, 1);
        ownership(rec, device, offset, slotStride, false, 0);
        rec.barrier();
    }

    /**
     * A queue-family ownership transfer of part of the slots between this device's queue and the
     * outside family: {@code acquire} brings it in before {@code access}, else it goes out after it.
     */
    private void ownership(CommandRecorder rec, int device, long offset, long size, boolean acquire, int access) {
        if (!ownershipTransfers) return;
        if (copies != null) {
            hostBarrier(rec, device, offset, size, acquire, access);
            return;
        }
        int own = devices.get(device).physical().computeQueueFamily();
        try (MemoryStack stack = stackPush()) {
            VkBufferMemoryBarrier.Buffer b = VkBufferMemoryBarrier.calloc(1, stack).sType$Default()
                    .srcAccessMask(acquire ? 0 : access).dstAccessMask(acquire ? access : 0)
                    .srcQueueFamilyIndex(acquire ? outsideFamily : own).dstQueueFamilyIndex(acquire ? own : outsideFamily)
                    .buffer(slots.get(device).handle()).offset(offset).size(size);
            vkCmdPipelineBarrier(rec.handle(),
                    acquire ? VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT : VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                    acquire ? VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT : VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
                    0, null, b, null);
        }
    }

    /**
     * With slot copies the slots are this device's own memory that the host reads and writes
     * between rounds: make shader writes available to the host, and the host's copies to shaders.
     */
    private void hostBarrier(CommandRecorder rec, int device, long offset, long size, boolean acquire, int access) {
        if (access == 0) return; // releasing after a read: nothing to make visible
        try (MemoryStack stack = stackPush()) {
            VkBufferMemoryBarrier.Buffer b = VkBufferMemoryBarrier.calloc(1, stack).sType$Default()
                    .srcAccessMask(acquire ? VK_ACCESS_HOST_WRITE_BIT : access)
                    .dstAccessMask(acquire ? access : VK_ACCESS_HOST_READ_BIT)
                    .srcQueueFamilyIndex(VK_QUEUE_FAMILY_IGNORED).dstQueueFamilyIndex(VK_QUEUE_FAMILY_IGNORED)
                    .buffer(slots.get(device).handle()).offset(offset).size(size);
            vkCmdPipelineBarrier(rec.handle(),
                    acquire ? VK_PIPELINE_STAGE_HOST_BIT : VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                    acquire ? VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT : VK_PIPELINE_STAGE_HOST_BIT,
                    0, null, b, null);
        }
    }

    private void checkLength(int length) {
        if (length <= 0 || length > maxLength) {
            throw new IllegalArgumentException("all-reduce of " + length + " floats; this one holds 1.." + maxLength);
        }
    }

    private static int groups(int length) { return (length + WORKGROUP - 1) / WORKGROUP; }

    private static long roundUp(long value, long multiple) { return (value + multiple - 1) / multiple * multiple; }

    /** After a device failed mid-step: lets every other device's queued submits run out (see {@link PeerSignals#releaseWaiters}). */
    public void releaseWaiters() { signals.releaseWaiters(); }

    /** Call after every device has finished its submits that use this all-reduce. */
    @Override
    public void close() {
        if (signals != null) signals.close();
        stage.forEach(ComputePipeline::close);
        sum.forEach(ComputePipeline::close);
        slots.forEach(GpuBuffer::close);
        nmemAlignedFree(hostAddress);
    }
}
