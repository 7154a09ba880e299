package tandem.engine.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.EXTExternalMemoryHost.VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME;
import static org.lwjgl.vulkan.EXTMemoryBudget.VK_EXT_MEMORY_BUDGET_EXTENSION_NAME;
import static org.lwjgl.vulkan.EXTQueueFamilyForeign.VK_EXT_QUEUE_FAMILY_FOREIGN_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRExternalSemaphoreFd.VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRPushDescriptor.VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRShaderBfloat16.VK_KHR_SHADER_BFLOAT16_EXTENSION_NAME;
import static org.lwjgl.vulkan.KHRShaderIntegerDotProduct.VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME;
import static org.lwjgl.vulkan.VK10.*;
import static org.lwjgl.vulkan.VK11.*;
import static org.lwjgl.vulkan.VK12.*;
import static org.lwjgl.vulkan.VK13.VK_API_VERSION_1_3;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkExtensionProperties;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDeviceDriverProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceFeatures2;
import org.lwjgl.vulkan.VkPhysicalDeviceIDProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryBudgetPropertiesEXT;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryProperties2;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties2;
import org.lwjgl.vulkan.VkPhysicalDeviceShaderIntegerDotProductFeatures;
import org.lwjgl.vulkan.VkPhysicalDeviceSubgroupProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceVulkan11Features;
import org.lwjgl.vulkan.VkPhysicalDeviceVulkan12Features;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryProperties;
import org.lwjgl.vulkan.VkQueueFamilyProperties;

/**
 * Enumerates physical devices and reads their capabilities. One card can appear twice when two
 * drivers serve it (e.g. NVIDIA's and Mesa's NVK); such duplicates share a device UUID and only
 * the preferred driver's entry is kept (the vendor's own driver first, as llama.cpp does).
 */
final class DeviceDiscovery {
    private DeviceDiscovery() {}

    static List<PhysicalDevice> discover(VulkanInstance instance) {
        List<PhysicalDevice> all = new ArrayList<>();
        try (MemoryStack stack = stackPush()) {
            var count = stack.mallocInt(1);
            VkCheck.check(vkEnumeratePhysicalDevices(instance.handle(), count, null), "vkEnumeratePhysicalDevices");
            PointerBuffer handles = stack.mallocPointer(count.get(0));
            VkCheck.check(vkEnumeratePhysicalDevices(instance.handle(), count, handles), "vkEnumeratePhysicalDevices");
            for (int i = 0; i < handles.capacity(); i++) {
                PhysicalDevice d = describe(new VkPhysicalDevice(handles.get(i), instance.handle()), 0);
                if (d != null) all.add(d);
            }
        }
        Map<String, PhysicalDevice> byUuid = new LinkedHashMap<>();
        for (PhysicalDevice d : all) {
            byUuid.merge(d.deviceUuid(), d, (a, b) -> driverPreference(b) > driverPreference(a) ? b : a);
        }
        List<PhysicalDevice> out = new ArrayList<>();
        for (PhysicalDevice d : byUuid.values()) out.add(reindexed(d, out.size()));
        return List.copyOf(out);
    }

    /** Higher is preferred: the vendor's proprietary driver over open-source ones over anything else. */
    static int driverPreference(PhysicalDevice d) {
        return switch (d.driverId()) {
            case VK_DRIVER_ID_NVIDIA_PROPRIETARY, VK_DRIVER_ID_AMD_PROPRIETARY, VK_DRIVER_ID_INTEL_PROPRIETARY_WINDOWS -> 3;
            case VK_DRIVER_ID_AMD_OPEN_SOURCE, VK_DRIVER_ID_MESA_RADV, VK_DRIVER_ID_INTEL_OPEN_SOURCE_MESA -> 2;
            case VK_DRIVER_ID_MESA_LLVMPIPE -> 0;
            default -> 1;
        };
    }

    private static PhysicalDevice reindexed(PhysicalDevice d, int index) {
        return new PhysicalDevice(d.handle(), index, d.name(), d.vendorId(), d.vendor(), d.type(), d.driverName(),
                d.driverInfo(), d.driverId(), d.apiVersion(), d.deviceUuid(), d.subgroupSize(), d.subgroupArithmeticAndShuffle(),
                d.maxStorageBufferRange(), d.minStorageBufferOffsetAlignment(), d.maxComputeSharedMemory(),
                d.maxWorkGroupInvocations(), d.maxPushConstantsSize(), d.computeQueueFamily(), d.timestampPeriodNs(),
                d.timestampValidBits(), d.deviceLocalBytes(), d.freeBytes(), d.features(), d.extensions());
    }

    /** Reads one device; null when it cannot run our compute work (no compute queue, API below 1.2). */
    private static PhysicalDevice describe(VkPhysicalDevice pd, int index) {
        Set<String> extensions = extensions(pd);
        try (MemoryStack stack = stackPush()) {
            VkPhysicalDeviceSubgroupProperties subgroup = VkPhysicalDeviceSubgroupProperties.calloc(stack).sType$Default();
            VkPhysicalDeviceIDProperties id = VkPhysicalDeviceIDProperties.calloc(stack).sType$Default();
            VkPhysicalDeviceDriverProperties driver = VkPhysicalDeviceDriverProperties.calloc(stack).sType$Default();
            VkPhysicalDeviceProperties2 props2 = VkPhysicalDeviceProperties2.calloc(stack).sType$Default()
                    .pNext(subgroup).pNext(id).pNext(driver);
            vkGetPhysicalDeviceProperties2(pd, props2);
            VkPhysicalDeviceProperties p = props2.properties();
            if (p.apiVersion() < VK_API_VERSION_1_2) return null;

            VkPhysicalDeviceVulkan11Features f11 = VkPhysicalDeviceVulkan11Features.calloc(stack).sType$Default();
            VkPhysicalDeviceVulkan12Features f12 = VkPhysicalDeviceVulkan12Features.calloc(stack).sType$Default();
            VkPhysicalDeviceFeatures2 f2 = VkPhysicalDeviceFeatures2.calloc(stack).sType$Default().pNext(f11).pNext(f12);
            // Packed int8 dot products (the int8 decode kernels): core in 1.3, else VK_KHR_shader_integer_dot_product;
            // the feature bit, not the extension's presence, says whether shaders may use them.
            boolean dotOffered = extensions.contains(VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME)
                    || p.apiVersion() >= VK_API_VERSION_1_3;
            VkPhysicalDeviceShaderIntegerDotProductFeatures dot = VkPhysicalDeviceShaderIntegerDotProductFeatures.calloc(stack)
                    .sType$Default();
            if (dotOffered) f2.pNext(dot);
            vkGetPhysicalDeviceFeatures2(pd, f2);

            int family = computeQueueFamily(pd, stack);
            if (family < 0) return null;
            int validBits = queueFamilyTimestampBits(pd, family, stack);

            boolean budgetExt = extensions.contains(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
            long[] heap = deviceLocalHeap(pd, budgetExt, stack);
            var features = new PhysicalDevice.Features(
                    f12.shaderFloat16(), f12.shaderInt8(),
                    extensions.contains(VK_KHR_SHADER_BFLOAT16_EXTENSION_NAME),
                    f11.storageBuffer16BitAccess(), f12.storageBuffer8BitAccess(),
                    dotOffered && dot.shaderIntegerDotProduct(),
                    // the coopmat kernel is SPIR-V 1.6, which only Vulkan 1.3 devices load
                    p.apiVersion() >= VK_API_VERSION_1_3
                            && CooperativeMatrixSupport.usable(pd, extensions.contains(VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME),
                            subgroup.subgroupSize()),
                    extensions.contains(VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME),
                    extensions.contains(VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME),
                    budgetExt,
                    extensions.contains(VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME),
                    extensions.contains(VK_EXT_QUEUE_FAMILY_FOREIGN_EXTENSION_NAME));
            // reductions (every kernel) and shuffles (the decode attention's lanes per key)
            int wanted = VK_SUBGROUP_FEATURE_ARITHMETIC_BIT | VK_SUBGROUP_FEATURE_SHUFFLE_BIT;
            boolean arithmetic = (subgroup.supportedStages() & VK_SHADER_STAGE_COMPUTE_BIT) != 0
                    && (subgroup.supportedOperations() & wanted) == wanted;
            var limits = p.limits();
            return new PhysicalDevice(pd, index, p.deviceNameString(), p.vendorID(), vendorName(p.vendorID()),
                    typeName(p.deviceType()), driver.driverNameString(), driver.driverInfoString(), driver.driverID(),
                    p.apiVersion(), hex(id.deviceUUID()), subgroup.subgroupSize(), arithmetic,
                    Integer.toUnsignedLong(limits.maxStorageBufferRange()), limits.minStorageBufferOffsetAlignment(),
                    limits.maxComputeSharedMemorySize(), limits.maxComputeWorkGroupInvocations(),
                    limits.maxPushConstantsSize(), family, limits.timestampPeriod(), validBits,
                    heap[0], heap[1], features, extensions);
        }
    }

    /** NVIDIA lists ~250 extensions: the array lives off the MemoryStack, which it would overflow. */
    private static Set<String> extensions(VkPhysicalDevice pd) {
        Set<String> out = new HashSet<>();
        try (MemoryStack stack = stackPush()) {
            var count = stack.mallocInt(1);
            VkCheck.check(vkEnumerateDeviceExtensionProperties(pd, (String) null, count, null), "vkEnumerateDeviceExtensionProperties");
            try (VkExtensionProperties.Buffer props = VkExtensionProperties.calloc(count.get(0))) {
                VkCheck.check(vkEnumerateDeviceExtensionProperties(pd, (String) null, count, props), "vkEnumerateDeviceExtensionProperties");
                for (VkExtensionProperties e : props) out.add(e.extensionNameString());
            }
        }
        return out;
    }

    /** Prefers a compute-only family (NVIDIA's async compute queues), else any family with compute. */
    private static int computeQueueFamily(VkPhysicalDevice pd, MemoryStack stack) {
        var count = stack.mallocInt(1);
        vkGetPhysicalDeviceQueueFamilyProperties(pd, count, null);
        VkQueueFamilyProperties.Buffer families = VkQueueFamilyProperties.malloc(count.get(0), stack);
        vkGetPhysicalDeviceQueueFamilyProperties(pd, count, families);
        int any = -1;
        for (int i = 0; i < families.capacity(); i++) {
            int flags = families.get(i).queueFlags();
            if ((flags & VK_QUEUE_COMPUTE_BIT) == 0 || families.get(i).timestampValidBits() == 0) continue;
            if ((flags & VK_QUEUE_GRAPHICS_BIT) == 0) return i;
            if (any < 0) any = i;
        }
        return any;
    }

    private static int queueFamilyTimestampBits(VkPhysicalDevice pd, int family, MemoryStack stack) {
        var count = stack.mallocInt(1);
        vkGetPhysicalDeviceQueueFamilyProperties(pd, count, null);
        VkQueueFamilyProperties.Buffer families = VkQueueFamilyProperties.malloc(count.get(0), stack);
        vkGetPhysicalDeviceQueueFamilyProperties(pd, count, families);
        return families.get(family).timestampValidBits();
    }

    /** {size of the largest device-local heap, its free bytes (budget - usage where reported)}. */
    private static long[] deviceLocalHeap(VkPhysicalDevice pd, boolean budgetExt, MemoryStack stack) {
        VkPhysicalDeviceMemoryBudgetPropertiesEXT budget = VkPhysicalDeviceMemoryBudgetPropertiesEXT.calloc(stack).sType$Default();
        VkPhysicalDeviceMemoryProperties2 mp2 = VkPhysicalDeviceMemoryProperties2.calloc(stack).sType$Default();
        if (budgetExt) mp2.pNext(budget);
        vkGetPhysicalDeviceMemoryProperties2(pd, mp2);
        VkPhysicalDeviceMemoryProperties mp = mp2.memoryProperties();
        int best = -1;
        for (int h = 0; h < mp.memoryHeapCount(); h++) {
            if ((mp.memoryHeaps(h).flags() & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) == 0) continue;
            if (best < 0 || mp.memoryHeaps(h).size() > mp.memoryHeaps(best).size()) best = h;
        }
        if (best < 0) best = 0;
        long size = mp.memoryHeaps(best).size();
        long free = budgetExt ? Math.max(0, budget.heapBudget(best) - budget.heapUsage(best)) : size;
        return new long[] {size, free};
    }

    static String vendorName(int id) {
        return switch (id) {
            case 0x10DE -> "NVIDIA";
            case 0x1002 -> "AMD";
            case 0x8086 -> "Intel";
            case 0x13B5 -> "ARM";
            case 0x5143 -> "Qualcomm";
            case 0x106B -> "Apple";
            case 0x10005 -> "Mesa";
            default -> String.format("0x%04X", id);
        };
    }

    static String typeName(int type) {
        return switch (type) {
            case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU -> "discrete";
            case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU -> "integrated";
            case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU -> "virtual";
            case VK_PHYSICAL_DEVICE_TYPE_CPU -> "cpu";
            default -> "other";
        };
    }

    private static String hex(java.nio.ByteBuffer bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = bytes.position(); i < bytes.limit(); i++) sb.append(String.format("%02x", bytes.get(i) & 0xFF));
        return sb.toString();
    }
}
