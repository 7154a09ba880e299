package tandem.engine.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.util.vma.Vma.*;
import static org.lwjgl.vulkan.EXTExternalMemoryHost.VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME;
import static org.lwjgl.vulkan.EXTMemoryBudget.VK_EXT_MEMORY_BUDGET_EXTENSION_NAME;
import static org.lwjgl.vulkan.EXTQueueFamilyForeign.VK_EXT_QUEUE_FAMILY_FOREIGN_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRExternalSemaphoreFd.VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRPushDescriptor.VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRShaderIntegerDotProduct.VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME;
import static org.lwjgl.vulkan.VK10.*;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.util.vma.VmaAllocatorCreateInfo;
import org.lwjgl.util.vma.VmaStatistics;
import org.lwjgl.util.vma.VmaTotalStatistics;
import org.lwjgl.util.vma.VmaVulkanFunctions;
import org.lwjgl.vulkan.VkCommandPoolCreateInfo;
import org.lwjgl.vulkan.VkDevice;
import org.lwjgl.vulkan.VkDeviceCreateInfo;
import org.lwjgl.vulkan.VkDeviceQueueCreateInfo;
import org.lwjgl.vulkan.VkPhysicalDeviceCooperativeMatrixFeaturesKHR;
import org.lwjgl.vulkan.VkPhysicalDeviceFeatures2;
import org.lwjgl.vulkan.VkPhysicalDeviceShaderIntegerDotProductFeatures;
import org.lwjgl.vulkan.VkPhysicalDeviceVulkan11Features;
import org.lwjgl.vulkan.VkPhysicalDeviceVulkan12Features;
import org.lwjgl.vulkan.VkQueue;
import tandem.engine.api.TandemException;

/**
 * One logical device: a {@code VkDevice} with one compute queue, a VMA allocator and a command
 * pool. The same physical device may be opened several times ({@code --devices 0,0}); each
 * logical device is fully independent, which is how CI exercises multi-device code on lavapipe.
 * Not a singleton, holds no global state; close it before its {@link VulkanInstance}.
 */
public final class VulkanDevice implements AutoCloseable {
    private final VulkanInstance instance;
    private final PhysicalDevice physical;
    private final VkDevice device;
    private final VkQueue queue;
    private final long allocator;
    private final long commandPool;
    private final List<String> enabledExtensions;
    private final SequencedSet<DeviceResource> live = new LinkedHashSet<>();
    private Kernels kernels;
    private boolean closed;

    private VulkanDevice(VulkanInstance instance, PhysicalDevice physical, VkDevice device, VkQueue queue,
                         long allocator, long commandPool, List<String> enabledExtensions) {
        this.instance = instance;
        this.physical = physical;
        this.device = device;
        this.queue = queue;
        this.allocator = allocator;
        this.commandPool = commandPool;
        this.enabledExtensions = List.copyOf(enabledExtensions);
    }

    public static VulkanDevice open(VulkanInstance instance, int physicalIndex) {
        return open(instance, instance.physicalDevice(physicalIndex));
    }

    public static VulkanDevice open(VulkanInstance instance, PhysicalDevice physical) {
        requireCapabilities(physical);
        List<String> extensions = new ArrayList<>(List.of(VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME));
        for (String optional : List.of(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME,
                VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME, VK_EXT_QUEUE_FAMILY_FOREIGN_EXTENSION_NAME)) {
            if (physical.hasExtension(optional)) extensions.add(optional);
        }
        if (physical.features().cooperativeMatrix()) extensions.add(VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME);
        // the int8 decode kernels' packed dot products (core from 1.3, where the extension may still be listed)
        if (physical.features().integerDotProduct() && physical.hasExtension(VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME)) {
            extensions.add(VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);
        }
        VkDevice device = createDevice(physical, extensions);
        long allocator = VK_NULL_HANDLE;
        try (MemoryStack stack = stackPush()) {
            PointerBuffer pq = stack.mallocPointer(1);
            vkGetDeviceQueue(device, physical.computeQueueFamily(), 0, pq);
            VkQueue queue = new VkQueue(pq.get(0), device);
            allocator = createAllocator(instance, physical, device, extensions, stack);
            VkCommandPoolCreateInfo pi = VkCommandPoolCreateInfo.calloc(stack).sType$Default()
                    .flags(VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT)
                    .queueFamilyIndex(physical.computeQueueFamily());
            var pool = stack.mallocLong(1);
            VkCheck.check(vkCreateCommandPool(device, pi, null, pool), "vkCreateCommandPool");
            return new VulkanDevice(instance, physical, device, queue, allocator, pool.get(0), extensions);
        } catch (RuntimeException e) {
            if (allocator != VK_NULL_HANDLE) vmaDestroyAllocator(allocator);
            vkDestroyDevice(device, null);
            throw e;
        }
    }

    private static void requireCapabilities(PhysicalDevice p) {
        List<String> missing = new ArrayList<>();
        if (!p.features().pushDescriptor()) missing.add(VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME);
        if (!p.features().storage16()) missing.add("storageBuffer16BitAccess");
        if (!p.subgroupArithmeticAndShuffle()) missing.add("subgroup arithmetic and shuffles in compute shaders");
        if (!missing.isEmpty()) {
            throw new TandemException("Vulkan device " + p.index() + " (" + p.name() + ") lacks " + String.join(", ", missing)
                    + "; update its driver or choose another device with --devices");
        }
    }

    private static VkDevice createDevice(PhysicalDevice physical, List<String> extensions) {
        try (MemoryStack stack = stackPush()) {
            VkDeviceQueueCreateInfo.Buffer queues = VkDeviceQueueCreateInfo.calloc(1, stack);
            queues.get(0).sType$Default().queueFamilyIndex(physical.computeQueueFamily()).pQueuePriorities(stack.floats(1f));
            var f = physical.features();
            VkPhysicalDeviceVulkan11Features f11 = VkPhysicalDeviceVulkan11Features.calloc(stack).sType$Default()
                    .storageBuffer16BitAccess(true);
            VkPhysicalDeviceVulkan12Features f12 = VkPhysicalDeviceVulkan12Features.calloc(stack).sType$Default()
                    .shaderFloat16(f.fp16()).shaderInt8(f.int8()).storageBuffer8BitAccess(f.storage8())
                    .timelineSemaphore(true).hostQueryReset(true)
                    // The cooperative-matrix kernel is compiled under the Vulkan memory model.
                    .vulkanMemoryModel(f.cooperativeMatrix());
            VkPhysicalDeviceFeatures2 features = VkPhysicalDeviceFeatures2.calloc(stack).sType$Default().pNext(f11).pNext(f12);
            if (f.integerDotProduct()) {
                features.pNext(VkPhysicalDeviceShaderIntegerDotProductFeatures.calloc(stack).sType$Default()
                        .shaderIntegerDotProduct(true));
            }
            if (f.cooperativeMatrix()) {
                features.pNext(VkPhysicalDeviceCooperativeMatrixFeaturesKHR.calloc(stack).sType$Default().cooperativeMatrix(true));
            }
            PointerBuffer names = stack.mallocPointer(extensions.size());
            for (String e : extensions) names.put(stack.UTF8(e));
            names.flip();
            // Raw pNext: the typed setter would prepend and cut the features' own chain.
            VkDeviceCreateInfo ci = VkDeviceCreateInfo.calloc(stack).sType$Default().pNext(features.address())
                    .pQueueCreateInfos(queues).ppEnabledExtensionNames(names);
            PointerBuffer pd = stack.mallocPointer(1);
            VkCheck.check(vkCreateDevice(physical.handle(), ci, null, pd),
                    "vkCreateDevice on device " + physical.index() + " (" + physical.name() + ")");
            return new VkDevice(pd.get(0), physical.handle(), ci, physical.usableApiVersion());
        }
    }

    private static long createAllocator(VulkanInstance instance, PhysicalDevice physical, VkDevice device,
                                        List<String> extensions, MemoryStack stack) {
        VmaVulkanFunctions functions = VmaVulkanFunctions.calloc(stack).set(instance.handle(), device);
        VmaAllocatorCreateInfo ci = VmaAllocatorCreateInfo.calloc(stack)
                .flags(extensions.contains(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME) ? VMA_ALLOCATOR_CREATE_EXT_MEMORY_BUDGET_BIT : 0)
                .physicalDevice(physical.handle()).device(device).instance(instance.handle())
                .pVulkanFunctions(functions).vulkanApiVersion(physical.usableApiVersion());
        PointerBuffer p = stack.mallocPointer(1);
        VkCheck.check(vmaCreateAllocator(ci, p), "vmaCreateAllocator");
        return p.get(0);
    }

    public VulkanInstance instance() { return instance; }

    public PhysicalDevice physical() { return physical; }

    public VkDevice handle() { return device; }

    public VkQueue queue() { return queue; }

    public long allocator() { return allocator; }

    long commandPool() { return commandPool; }

    /** This device's compute pipelines (created on first use, destroyed with the device). */
    public synchronized Kernels kernels() {
        if (kernels == null) {
            kernels = new Kernels(this);
            track(kernels);
        }
        return kernels;
    }

    public boolean extensionEnabled(String name) { return enabledExtensions.contains(name); }

    /** "device 0 (llvmpipe ...)": how errors name this device. */
    public String label() { return "device " + physical.index() + " (" + physical.name() + ")"; }

    synchronized void track(DeviceResource r) {
        if (closed) throw new IllegalStateException(label() + " is closed");
        live.add(r);
    }

    synchronized void untrack(DeviceResource r) { live.remove(r); }

    /** Resources not yet closed by their owners (for leak checks in tests). */
    public synchronized int liveResources() { return live.size(); }

    /**
     * {used, available} bytes of device-local memory now: VMA's budget over the device-local heaps
     * (VK_EXT_memory_budget where present, else VMA's own estimate), for the app's monitor.
     */
    public long[] deviceLocalUsage() {
        return heapUsage(true);
    }

    /** {used, budget} bytes over the device-local heaps, or over all heaps, from VMA's heap budgets. */
    private long[] heapUsage(boolean deviceLocalOnly) {
        try (MemoryStack stack = stackPush()) {
            var props = org.lwjgl.vulkan.VkPhysicalDeviceMemoryProperties.malloc(stack);
            vkGetPhysicalDeviceMemoryProperties(physical.handle(), props);
            var budgets = org.lwjgl.util.vma.VmaBudget.malloc(props.memoryHeapCount(), stack);
            vmaGetHeapBudgets(allocator, budgets);
            long used = 0, budget = 0;
            for (int h = 0; h < props.memoryHeapCount(); h++) {
                if (deviceLocalOnly && (props.memoryHeaps(h).flags() & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) == 0) continue;
                used += budgets.get(h).usage();
                budget += budgets.get(h).budget();
            }
            return new long[] {used, budget};
        }
    }

    /**
     * What this device's VMA allocator holds now, over all memory types and heaps.
     *
     * @param allocations live allocations (buffers), and their bytes
     * @param blocks device memory blocks VMA holds (each one {@code vkAllocateMemory}), and their bytes
     * @param heapUsage bytes the heaps' budgets count as used: the driver's figure where
     *        VK_EXT_memory_budget is on, else VMA's own (the blocks' bytes)
     */
    public record AllocatorStatistics(long allocations, long allocationBytes, long blocks, long blockBytes, long heapUsage) {}

    /** The allocator's statistics now (VMA's vmaCalculateStatistics and vmaGetHeapBudgets): for leak checks across loads. */
    public AllocatorStatistics allocatorStatistics() {
        try (MemoryStack stack = stackPush()) {
            VmaTotalStatistics stats = VmaTotalStatistics.malloc(stack);
            vmaCalculateStatistics(allocator, stats);
            VmaStatistics total = stats.total().statistics();
            return new AllocatorStatistics(total.allocationCount(), total.allocationBytes(), total.blockCount(),
                    total.blockBytes(), heapUsage(false)[0]);
        }
    }

    /** Waits until the queue has finished all submitted work. */
    public void waitIdle() {
        synchronized (queue) {
            VkCheck.check(vkQueueWaitIdle(queue), "vkQueueWaitIdle on " + label());
        }
    }

    @Override
    public void close() {
        List<DeviceResource> leftovers;
        synchronized (this) {
            if (closed) return;
            closed = true;
            leftovers = new ArrayList<>(live).reversed();
        }
        // After a lost device waiting fails; destruction must still happen in order.
        vkDeviceWaitIdle(device);
        for (DeviceResource r : leftovers) r.close();
        vkDestroyCommandPool(device, commandPool, null);
        vmaDestroyAllocator(allocator);
        vkDestroyDevice(device, null);
    }
}
