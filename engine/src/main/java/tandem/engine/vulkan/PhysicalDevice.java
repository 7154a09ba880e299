package tandem.engine.vulkan;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.lwjgl.vulkan.VkPhysicalDevice;
import tandem.engine.api.DeviceInfo;

/**
 * One Vulkan physical device (a card, or lavapipe) and what the engine needs to know about it.
 * Read once by {@link DeviceDiscovery}; the free-memory figure is a snapshot of that moment.
 *
 * @param index               position in {@code tandem devices} order
 * @param subgroupSize        the device's subgroup size (8 on lavapipe, 32 on NVIDIA, 64 on AMD)
 * @param computeQueueFamily  a queue family with compute support (a compute-only one when offered)
 * @param timestampPeriodNs   nanoseconds per timestamp tick
 * @param deviceLocalBytes    size of the largest device-local heap
 * @param freeBytes           free bytes in that heap (VK_EXT_memory_budget), or its size when unknown
 */
public record PhysicalDevice(VkPhysicalDevice handle, int index, String name, int vendorId, String vendor,
                             String type, String driverName, String driverInfo, int driverId, int apiVersion,
                             String deviceUuid, int subgroupSize, boolean subgroupArithmeticAndShuffle,
                             long maxStorageBufferRange, long minStorageBufferOffsetAlignment,
                             int maxComputeSharedMemory, int maxWorkGroupInvocations, int maxPushConstantsSize,
                             int computeQueueFamily, float timestampPeriodNs, int timestampValidBits,
                             long deviceLocalBytes, long freeBytes, Features features, Set<String> extensions) {

    /**
     * Optional capabilities, each also shown by {@code tandem devices}. {@code cooperativeMatrix}
     * means usable by the engine's matrix-unit prompt kernel: VK_KHR_cooperative_matrix with a
     * 16 x 16 x 16 float16 -> float32 subgroup shape (see {@link CooperativeMatrixSupport}).
     */
    public record Features(boolean fp16, boolean int8, boolean bf16, boolean storage16, boolean storage8,
                           boolean integerDotProduct, boolean cooperativeMatrix, boolean externalMemoryHost,
                           boolean externalSemaphoreFd, boolean memoryBudget, boolean pushDescriptor,
                           boolean queueFamilyForeign) {
        /** The name of {@link #cooperativeMatrix} in {@link #names()} (and in {@link DeviceInfo#features()}). */
        public static final String COOPMAT = "coopmat";
        /** The name of {@link #integerDotProduct} in {@link #names()} (and in {@link DeviceInfo#features()}). */
        public static final String INT_DOT = "int-dot";

        List<String> names() {
            List<String> out = new ArrayList<>();
            if (fp16) out.add("fp16");
            if (bf16) out.add("bf16");
            if (int8) out.add("int8");
            if (integerDotProduct) out.add(INT_DOT);
            if (cooperativeMatrix) out.add(COOPMAT);
            if (externalMemoryHost) out.add("ext-mem-host");
            if (externalSemaphoreFd) out.add("ext-sem-fd");
            if (memoryBudget) out.add("mem-budget");
            return out;
        }
    }

    public PhysicalDevice {
        extensions = Set.copyOf(extensions);
    }

    /** The API version the engine drives this device at: what it offers, at most 1.3. */
    public int usableApiVersion() {
        return Math.min(apiVersion, org.lwjgl.vulkan.VK10.VK_MAKE_API_VERSION(0, 1, 3, 0));
    }

    public boolean hasExtension(String name) { return extensions.contains(name); }

    /** Whether this is a CPU implementation of Vulkan (lavapipe), where every workgroup and spinning thread is CPU time. */
    public boolean isCpu() { return type.equals("cpu"); }

    public String driver() { return driverInfo.isEmpty() ? driverName : driverName + " " + driverInfo; }

    public DeviceInfo toDeviceInfo() {
        return new DeviceInfo(index, name, vendor, driver(), type, deviceLocalBytes, freeBytes, subgroupSize,
                features.names());
    }
}
