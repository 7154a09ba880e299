package tandem.engine.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.KHRCooperativeMatrix.*;

import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkCooperativeMatrixPropertiesKHR;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDeviceCooperativeMatrixFeaturesKHR;
import org.lwjgl.vulkan.VkPhysicalDeviceFeatures2;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties2;
import org.lwjgl.vulkan.VkPhysicalDeviceVulkan13Properties;
import org.lwjgl.vulkan.VkPhysicalDeviceVulkan12Features;

/**
 * Whether a device can run the engine's cooperative-matrix kernel (shaders/matmul_coopmat.comp):
 * VK_KHR_cooperative_matrix with its feature on, float16 arithmetic and the Vulkan memory model
 * (the compiled kernel declares it), subgroups of 32 invocations and no other size (the kernel's
 * tiles are compiled for them), and a 16 x 16 x 16 float16 x float16 -> float32 configuration
 * at subgroup scope among the shapes the driver lists. Sizes are never assumed: a device that
 * offers only other shapes runs the scalar prompt kernels. (The kernel is SPIR-V 1.6: the caller
 * also requires a Vulkan 1.3 device.)
 */
final class CooperativeMatrixSupport {
    private CooperativeMatrixSupport() {}

    /** The fragment side the kernel is written for. */
    static final int SIDE = 16;
    /** The subgroup size the kernel is compiled for (its tiles are fixed at build time). */
    static final int SUBGROUP = 32;

    /**
     * @param extensionPresent whether the device lists VK_KHR_cooperative_matrix
     * @param subgroupSize     the device's subgroup size
     */
    static boolean usable(VkPhysicalDevice pd, boolean extensionPresent, int subgroupSize) {
        if (!extensionPresent || subgroupSize != SUBGROUP) return false;
        try (MemoryStack stack = stackPush()) {
            VkPhysicalDeviceCooperativeMatrixFeaturesKHR coop = VkPhysicalDeviceCooperativeMatrixFeaturesKHR.calloc(stack).sType$Default();
            VkPhysicalDeviceVulkan12Features f12 = VkPhysicalDeviceVulkan12Features.calloc(stack).sType$Default();
            VkPhysicalDeviceFeatures2 f2 = VkPhysicalDeviceFeatures2.calloc(stack).sType$Default().pNext(coop).pNext(f12);
            org.lwjgl.vulkan.VK11.vkGetPhysicalDeviceFeatures2(pd, f2);
            if (!coop.cooperativeMatrix() || !f12.shaderFloat16() || !f12.vulkanMemoryModel()) return false;
            return onlySubgroupSizeIs32(pd, stack) && hasHalfToFloatShape(pd, stack);
        }
    }

    /**
     * A SPIR-V 1.6 pipeline may run with any subgroup size between the device's minimum and
     * maximum unless one is required per pipeline; the kernel's tiles assume 32, so only devices
     * whose one size is 32 qualify (NVIDIA). Requiring 32 per pipeline (subgroup size control,
     * full subgroups) is how Intel and AMD wave32 could join.
     */
    private static boolean onlySubgroupSizeIs32(VkPhysicalDevice pd, MemoryStack stack) {
        VkPhysicalDeviceVulkan13Properties p13 = VkPhysicalDeviceVulkan13Properties.calloc(stack).sType$Default();
        VkPhysicalDeviceProperties2 props = VkPhysicalDeviceProperties2.calloc(stack).sType$Default().pNext(p13);
        org.lwjgl.vulkan.VK11.vkGetPhysicalDeviceProperties2(pd, props);
        return p13.minSubgroupSize() == SUBGROUP && p13.maxSubgroupSize() == SUBGROUP;
    }

    private static boolean hasHalfToFloatShape(VkPhysicalDevice pd, MemoryStack stack) {
        var count = stack.mallocInt(1);
        VkCheck.check(vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR(pd, count, null),
                "vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR");
        try (VkCooperativeMatrixPropertiesKHR.Buffer shapes = VkCooperativeMatrixPropertiesKHR.calloc(count.get(0))) {
            for (VkCooperativeMatrixPropertiesKHR s : shapes) s.sType$Default();
            VkCheck.check(vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR(pd, count, shapes),
                    "vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR");
            for (VkCooperativeMatrixPropertiesKHR s : shapes) {
                if (s.MSize() == SIDE && s.NSize() == SIDE && s.KSize() == SIDE
                        && s.AType() == VK_COMPONENT_TYPE_FLOAT16_KHR && s.BType() == VK_COMPONENT_TYPE_FLOAT16_KHR
                        && s.CType() == VK_COMPONENT_TYPE_FLOAT32_KHR && s.ResultType() == VK_COMPONENT_TYPE_FLOAT32_KHR
                        && s.scope() == VK_SCOPE_SUBGROUP_KHR && !s.saturatingAccumulation()) {
                    return true;
                }
            }
            return false;
        }
    }
}
