package tandem.engine.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.KHRExternalSemaphoreFd.vkGetSemaphoreFdKHR;
import static org.lwjgl.vulkan.KHRExternalSemaphoreFd.vkImportSemaphoreFdKHR;
import static org.lwjgl.vulkan.VK10.*;
import static org.lwjgl.vulkan.VK11.*;
import static org.lwjgl.vulkan.VK12.*;

import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VkExportSemaphoreCreateInfo;
import org.lwjgl.vulkan.VkExternalSemaphoreProperties;
import org.lwjgl.vulkan.VkImportSemaphoreFdInfoKHR;
import org.lwjgl.vulkan.VkPhysicalDeviceExternalSemaphoreInfo;
import org.lwjgl.vulkan.VkSemaphoreCreateInfo;
import org.lwjgl.vulkan.VkSemaphoreGetFdInfoKHR;
import org.lwjgl.vulkan.VkSemaphoreSignalInfo;
import org.lwjgl.vulkan.VkSemaphoreTypeCreateInfo;
import org.lwjgl.vulkan.VkSemaphoreWaitInfo;
import tandem.engine.api.TandemException;

/**
 * A timeline semaphore: a 64-bit counter that submits and the host wait on and signal. It can be
 * exported as an opaque file descriptor and imported by another logical device of the same driver
 * ({@code VK_KHR_external_semaphore_fd}), so one GPU's submit waits for another's without the host.
 */
public final class TimelineSemaphore implements DeviceResource {
    private final VulkanDevice device;
    private final long semaphore;
    private final String name;
    private boolean closed;

    private TimelineSemaphore(VulkanDevice device, long semaphore, String name) {
        this.device = device;
        this.semaphore = semaphore;
        this.name = name;
    }

    /** A new timeline at 0; {@code exportable} makes it shareable through {@link #exportFd()}. */
    public static TimelineSemaphore create(VulkanDevice device, boolean exportable, String name) {
        try (MemoryStack stack = stackPush()) {
            VkSemaphoreTypeCreateInfo type = VkSemaphoreTypeCreateInfo.calloc(stack).sType$Default()
                    .semaphoreType(VK_SEMAPHORE_TYPE_TIMELINE).initialValue(0);
            VkSemaphoreCreateInfo info = VkSemaphoreCreateInfo.calloc(stack).sType$Default().pNext(type);
            if (exportable) {
                info.pNext(VkExportSemaphoreCreateInfo.calloc(stack).sType$Default()
                        .handleTypes(VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT));
            }
            var p = stack.mallocLong(1);
            VkCheck.check(vkCreateSemaphore(device.handle(), info, null, p), "vkCreateSemaphore " + name + " on " + device.label());
            TimelineSemaphore s = new TimelineSemaphore(device, p.get(0), name);
            device.track(s);
            return s;
        }
    }

    /**
     * A timeline on {@code device} that shares the payload behind {@code fd} (from {@link #exportFd()}
     * of a semaphore on another logical device). The descriptor belongs to the driver afterwards.
     */
    public static TimelineSemaphore importFd(VulkanDevice device, int fd, String name) {
        TimelineSemaphore s = create(device, false, name);
        try (MemoryStack stack = stackPush()) {
            VkImportSemaphoreFdInfoKHR info = VkImportSemaphoreFdInfoKHR.calloc(stack).sType$Default()
                    .semaphore(s.semaphore).handleType(VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT).fd(fd);
            VkCheck.check(vkImportSemaphoreFdKHR(device.handle(), info), "vkImportSemaphoreFdKHR " + name + " on " + device.label());
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** True when the driver can export and import timeline semaphores as opaque file descriptors. */
    public static boolean opaqueFdSharingSupported(PhysicalDevice physical) {
        if (!physical.hasExtension(org.lwjgl.vulkan.KHRExternalSemaphoreFd.VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME)) return false;
        try (MemoryStack stack = stackPush()) {
            VkSemaphoreTypeCreateInfo type = VkSemaphoreTypeCreateInfo.calloc(stack).sType$Default()
                    .semaphoreType(VK_SEMAPHORE_TYPE_TIMELINE);
            VkPhysicalDeviceExternalSemaphoreInfo info = VkPhysicalDeviceExternalSemaphoreInfo.calloc(stack).sType$Default()
                    .pNext(type).handleType(VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT);
            VkExternalSemaphoreProperties props = VkExternalSemaphoreProperties.calloc(stack).sType$Default();
            vkGetPhysicalDeviceExternalSemaphoreProperties(physical.handle(), info, props);
            int both = VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT | VK_EXTERNAL_SEMAPHORE_FEATURE_IMPORTABLE_BIT;
            return (props.externalSemaphoreFeatures() & both) == both;
        }
    }

    /** A new file descriptor for this semaphore's payload, to import on another logical device. */
    public int exportFd() {
        try (MemoryStack stack = stackPush()) {
            var fd = stack.mallocInt(1);
            VkCheck.check(vkGetSemaphoreFdKHR(device.handle(), VkSemaphoreGetFdInfoKHR.calloc(stack).sType$Default()
                    .semaphore(semaphore).handleType(VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT), fd),
                    "vkGetSemaphoreFdKHR " + name + " on " + device.label());
            return fd.get(0);
        }
    }

    public long handle() { return semaphore; }

    public VulkanDevice device() { return device; }

    public TimelinePoint at(long value) { return new TimelinePoint(semaphore, value); }

    /** The counter now. */
    public long value() {
        try (MemoryStack stack = stackPush()) {
            var v = stack.mallocLong(1);
            int r = vkGetSemaphoreCounterValue(device.handle(), semaphore, v);
            if (r == VK_ERROR_DEVICE_LOST) throw lost();
            VkCheck.check(r, "vkGetSemaphoreCounterValue " + name);
            return v.get(0);
        }
    }

    /** Sets the counter from the host (it must grow). */
    public void signal(long value) {
        try (MemoryStack stack = stackPush()) {
            int r = vkSignalSemaphore(device.handle(), VkSemaphoreSignalInfo.calloc(stack).sType$Default()
                    .semaphore(semaphore).value(value));
            if (r == VK_ERROR_DEVICE_LOST) throw lost();
            VkCheck.check(r, "vkSignalSemaphore " + name);
        }
    }

    /** Waits until the counter reaches {@code value}; false on timeout. */
    public boolean await(long value, long timeoutNs) {
        try (MemoryStack stack = stackPush()) {
            int r = vkWaitSemaphores(device.handle(), VkSemaphoreWaitInfo.calloc(stack).sType$Default()
                    .pSemaphores(stack.longs(semaphore)).pValues(stack.longs(value)), timeoutNs);
            if (r == VK_TIMEOUT) return false;
            if (r == VK_ERROR_DEVICE_LOST) throw lost();
            VkCheck.check(r, "vkWaitSemaphores " + name);
            return true;
        }
    }

    private TandemException lost() {
        return new TandemException(device.label() + " was lost (driver reset or crash); reload the model to continue");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        vkDestroySemaphore(device.handle(), semaphore, null);
        device.untrack(this);
    }
}
