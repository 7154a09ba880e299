package tandem.engine.vulkan;

import static org.lwjgl.vulkan.VK10.VK_SUCCESS;

import tandem.engine.api.TandemException;

/** Turns a failed Vulkan result code into a one-line {@link TandemException}. */
final class VkCheck {
    private VkCheck() {}

    static void check(int result, String what) {
        if (result != VK_SUCCESS) {
            throw new TandemException(what + " failed: " + resultName(result)
                    + " (the Vulkan driver refused it; check the driver with 'tandem devices')");
        }
    }

    static String resultName(int result) {
        return switch (result) {
            case -1 -> "VK_ERROR_OUT_OF_HOST_MEMORY";
            case -2 -> "VK_ERROR_OUT_OF_DEVICE_MEMORY";
            case -3 -> "VK_ERROR_INITIALIZATION_FAILED";
            case -4 -> "VK_ERROR_DEVICE_LOST";
            case -5 -> "VK_ERROR_MEMORY_MAP_FAILED";
            case -6 -> "VK_ERROR_LAYER_NOT_PRESENT";
            case -7 -> "VK_ERROR_EXTENSION_NOT_PRESENT";
            case -8 -> "VK_ERROR_FEATURE_NOT_PRESENT";
            case -9 -> "VK_ERROR_INCOMPATIBLE_DRIVER";
            case -10 -> "VK_ERROR_TOO_MANY_OBJECTS";
            case 2 -> "VK_TIMEOUT";
            case 3 -> "VK_EVENT_SET";
            case 5 -> "VK_INCOMPLETE";
            default -> "VkResult " + result;
        };
    }
}
