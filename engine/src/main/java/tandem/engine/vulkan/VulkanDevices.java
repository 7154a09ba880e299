package tandem.engine.vulkan;

import java.util.List;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.TandemException;

/** The device list for {@code Engine.devices()}: a short-lived instance, enumerated and closed. */
public final class VulkanDevices {
    private VulkanDevices() {}

    /** Devices in {@code tandem devices} order; empty when no Vulkan loader or device exists. */
    public static List<DeviceInfo> list() {
        VulkanInstance instance;
        try {
            instance = VulkanInstance.create(false);
        } catch (TandemException e) {
            return List.of();
        }
        try (instance) {
            return instance.physicalDevices().stream().map(PhysicalDevice::toDeviceInfo).toList();
        }
    }
}
