package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One Vulkan instance and logical device (device 0: lavapipe in CI) per test class, with the
 * validation layer on when requested (the build requests it for tests): any validation message
 * fails the test that caused it.
 */
public abstract class VulkanTestBase {
    protected static VulkanInstance instance;
    protected static VulkanDevice device;

    @BeforeAll
    static void openDevice() {
        instance = VulkanInstance.create();
        device = VulkanDevice.open(instance, 0);
    }

    @AfterEach
    void noValidationMessages() {
        assertEquals(List.of(), instance.takeValidationMessages(), "Vulkan validation messages");
    }

    @AfterAll
    static void closeDevice() {
        device.close();
        instance.close();
        assertEquals(List.of(), instance.takeValidationMessages(), "Vulkan validation messages at close");
    }

    /** Uploads floats into a new device-local buffer (through a staging buffer). */
    protected static GpuBuffer deviceFloats(float[] values, String name) {
        return DeviceFloats.upload(device, values, name);
    }

    /** Reads n floats back from a device buffer. */
    protected static float[] readFloats(GpuBuffer src, int n) {
        return DeviceFloats.read(device, src, n);
    }
}
