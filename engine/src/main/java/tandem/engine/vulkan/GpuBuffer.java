package tandem.engine.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.util.vma.Vma.*;
import static org.lwjgl.vulkan.VK10.*;

import java.lang.foreign.MemorySegment;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.util.vma.VmaAllocationCreateInfo;
import org.lwjgl.util.vma.VmaAllocationInfo;
import org.lwjgl.vulkan.EXTExternalMemoryHost;
import org.lwjgl.vulkan.VkBufferCreateInfo;
import org.lwjgl.vulkan.VkExternalMemoryBufferCreateInfo;
import org.lwjgl.vulkan.VkImportMemoryHostPointerInfoEXT;
import org.lwjgl.vulkan.VkMemoryAllocateInfo;
import org.lwjgl.vulkan.VkMemoryHostPointerPropertiesEXT;
import org.lwjgl.vulkan.VkMemoryRequirements;
import tandem.engine.api.TandemException;

/**
 * One VMA-allocated buffer usable as storage buffer and copy source/target. Host-visible kinds
 * stay mapped for their lifetime; {@link #mapped()} views that memory (flush/invalidate are done
 * here for memory that is not host-coherent).
 */
public final class GpuBuffer implements DeviceResource {
    private final VulkanDevice device;
    private final BufferKind kind;
    private final long buffer;
    private final long allocation;
    private final long size;
    private final MemorySegment mapped;
    private final String name;
    /** The VkDeviceMemory of a {@link BufferKind#HOST_IMPORTED} buffer (VMA does not own it), else null. */
    private final long importedMemory;
    private boolean closed;

    private GpuBuffer(VulkanDevice device, BufferKind kind, long buffer, long allocation, long size,
                      MemorySegment mapped, String name, long importedMemory) {
        this.importedMemory = importedMemory;
        this.device = device;
        this.kind = kind;
        this.buffer = buffer;
        this.allocation = allocation;
        this.size = size;
        this.mapped = mapped;
        this.name = name;
    }

    /**
     * @param name what the buffer holds, for error messages ("blk.3.attn_q.weight")
     * @throws TandemException when the device has no memory left for it
     */
    public static GpuBuffer create(VulkanDevice device, BufferKind kind, long size, String name) {
        if (kind == BufferKind.HOST_IMPORTED) throw new IllegalArgumentException("use importHost for " + name);
        if (size <= 0) throw new IllegalArgumentException("buffer size must be > 0, got " + size + " for " + name);
        try (MemoryStack stack = stackPush()) {
            VkBufferCreateInfo bi = VkBufferCreateInfo.calloc(stack).sType$Default().size(size)
                    .usage(VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT)
                    .sharingMode(VK_SHARING_MODE_EXCLUSIVE);
            VmaAllocationCreateInfo ai = VmaAllocationCreateInfo.calloc(stack);
            switch (kind) {
                // Device memory or nothing: when another process has taken the GPU's memory, VMA would otherwise place the
                // buffer in system memory, and the model would load and then run at PCIe speed without a word.
                case DEVICE_LOCAL -> ai.usage(VMA_MEMORY_USAGE_AUTO_PREFER_DEVICE).requiredFlags(VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
                case UPLOAD -> ai.usage(VMA_MEMORY_USAGE_AUTO)
                        .flags(VMA_ALLOCATION_CREATE_HOST_ACCESS_SEQUENTIAL_WRITE_BIT | VMA_ALLOCATION_CREATE_MAPPED_BIT);
                case READBACK -> ai.usage(VMA_MEMORY_USAGE_AUTO_PREFER_HOST)
                        .flags(VMA_ALLOCATION_CREATE_HOST_ACCESS_RANDOM_BIT | VMA_ALLOCATION_CREATE_MAPPED_BIT);
            }
            var pBuffer = stack.mallocLong(1);
            PointerBuffer pAlloc = stack.mallocPointer(1);
            VmaAllocationInfo info = VmaAllocationInfo.calloc(stack);
            int r = vmaCreateBuffer(device.allocator(), bi, ai, pBuffer, pAlloc, info);
            if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY) {
                throw new TandemException("out of memory on " + device.label() + " allocating " + size + " bytes for "
                        + name + "; use a smaller model or context (--ctx) or another device");
            }
            VkCheck.check(r, "allocating " + size + " bytes for " + name + " on " + device.label());
            MemorySegment mapped = kind == BufferKind.DEVICE_LOCAL ? null
                    : MemorySegment.ofAddress(info.pMappedData()).reinterpret(size);
            GpuBuffer b = new GpuBuffer(device, kind, pBuffer.get(0), pAlloc.get(0), size, mapped, name, VK_NULL_HANDLE);
            device.track(b);
            return b;
        }
    }

    /**
     * Imports host memory into {@code device} as a storage buffer ({@code VK_EXT_external_memory_host}).
     * The host memory must stay allocated until the buffer is closed; its address and size must be
     * multiples of the device's minImportedHostPointerAlignment (64 KiB always is).
     */
    public static GpuBuffer importHost(VulkanDevice device, MemorySegment host, String name) {
        if (!device.extensionEnabled(EXTExternalMemoryHost.VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME)) {
            throw new TandemException(device.label() + " cannot import host memory (no VK_EXT_external_memory_host) for "
                    + name + "; update its driver");
        }
        long size = host.byteSize();
        try (MemoryStack stack = stackPush()) {
            int handleType = EXTExternalMemoryHost.VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT;
            VkBufferCreateInfo bi = VkBufferCreateInfo.calloc(stack).sType$Default().size(size)
                    .pNext(VkExternalMemoryBufferCreateInfo.calloc(stack).sType$Default().handleTypes(handleType))
                    .usage(VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT)
                    .sharingMode(VK_SHARING_MODE_EXCLUSIVE);
            var p = stack.mallocLong(1);
            VkCheck.check(vkCreateBuffer(device.handle(), bi, null, p), "vkCreateBuffer " + name + " on " + device.label());
            long buffer = p.get(0);
            try {
                VkMemoryHostPointerPropertiesEXT hostProps = VkMemoryHostPointerPropertiesEXT.calloc(stack).sType$Default();
                VkCheck.check(EXTExternalMemoryHost.vkGetMemoryHostPointerPropertiesEXT(device.handle(), handleType,
                        host.address(), hostProps), "vkGetMemoryHostPointerPropertiesEXT " + name);
                VkMemoryRequirements req = VkMemoryRequirements.calloc(stack);
                vkGetBufferMemoryRequirements(device.handle(), buffer, req);
                int types = hostProps.memoryTypeBits() & req.memoryTypeBits();
                if (types == 0) throw new TandemException(device.label() + " offers no memory type for imported host memory ("
                        + name + "); update its driver");
                VkMemoryAllocateInfo ai = VkMemoryAllocateInfo.calloc(stack).sType$Default().allocationSize(size)
                        .memoryTypeIndex(Integer.numberOfTrailingZeros(types))
                        .pNext(VkImportMemoryHostPointerInfoEXT.calloc(stack).sType$Default().handleType(handleType)
                                .pHostPointer(host.address()));
                VkCheck.check(vkAllocateMemory(device.handle(), ai, null, p), "importing host memory for " + name + " on " + device.label());
                long memory = p.get(0);
                int r = vkBindBufferMemory(device.handle(), buffer, memory, 0);
                if (r != VK_SUCCESS) {
                    vkFreeMemory(device.handle(), memory, null);
                    VkCheck.check(r, "vkBindBufferMemory " + name);
                }
                GpuBuffer b = new GpuBuffer(device, BufferKind.HOST_IMPORTED, buffer, VK_NULL_HANDLE, size, host, name, memory);
                device.track(b);
                return b;
            } catch (RuntimeException e) {
                vkDestroyBuffer(device.handle(), buffer, null);
                throw e;
            }
        }
    }

    public long handle() { return buffer; }

    public long size() { return size; }

    public BufferKind kind() { return kind; }

    public String name() { return name; }

    public VulkanDevice device() { return device; }

    /** The whole buffer as a binding. */
    public BufferRange all() { return new BufferRange(this, 0, size); }

    public BufferRange range(long offset, long length) { return new BufferRange(this, offset, length); }

    /** The host view of an UPLOAD or READBACK buffer. */
    public MemorySegment mapped() {
        if (mapped == null) throw new IllegalStateException(name + " is device-local and has no host view");
        return mapped;
    }

    /** Makes host writes visible to the device (no-op on host-coherent memory). */
    public void flush() {
        if (importedMemory != VK_NULL_HANDLE) return; // imported host memory: the host writes it directly
        vmaFlushAllocation(device.allocator(), allocation, 0, VK_WHOLE_SIZE);
    }

    /** Makes device writes visible to the host (no-op on host-coherent memory). */
    public void invalidate() {
        if (importedMemory != VK_NULL_HANDLE) return;
        vmaInvalidateAllocation(device.allocator(), allocation, 0, VK_WHOLE_SIZE);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (importedMemory != VK_NULL_HANDLE) {
            vkDestroyBuffer(device.handle(), buffer, null);
            vkFreeMemory(device.handle(), importedMemory, null);
        } else {
            vmaDestroyBuffer(device.allocator(), buffer, allocation);
        }
        device.untrack(this);
    }
}
