package tandem.engine.vulkan;

import static org.lwjgl.vulkan.VK10.VK_NOT_READY;
import static org.lwjgl.vulkan.VK10.VK_TIMEOUT;
import static org.lwjgl.vulkan.VK10.vkGetFenceStatus;
import static org.lwjgl.vulkan.VK10.vkWaitForFences;

import java.util.Locale;
import org.lwjgl.vulkan.VkDevice;
import tandem.engine.api.TandemException;

/**
 * How the host waits for a submit's fence. A thread asleep in vkWaitForFences wakes some time after
 * the GPU signals, and in decode that delay is paid once per token, with the GPU idle until the next
 * submit (an 8B decode on an H100 kept the GPU busy only ~84 % of the time). {@link #HYBRID} sleeps
 * in vkWaitForFences until most of the time the same recording took last time has passed, then polls
 * the fence with vkGetFenceStatus, so it sees the signal at once while spending a core only for the
 * last part of the step (the idea of llama.cpp's Vulkan backend, which waits on an "almost ready"
 * fence and then spins). {@link #BLOCK} always sleeps; on a CPU implementation of Vulkan a spinning
 * thread would take a core from the threads doing the work, so that is the default there.
 * {@code -Dtandem.fence.wait=block|hybrid} chooses; anything else is a one-line error.
 */
public enum FenceWait {
    BLOCK,
    HYBRID;

    public static final String PROPERTY = "tandem.fence.wait";

    /** Share of the last duration slept before polling. */
    private static final double SLEEP_SHARE = 0.8;
    /** Below this, the sleep is skipped: waking costs about as much. */
    private static final long MIN_SLEEP_NANOS = 100_000;
    /** Polling stops and sleeping takes over when the work runs this much past the last duration (it changed). */
    private static final long MIN_POLL_NANOS = 2_000_000;

    /** The strategy for a device of this type ({@link PhysicalDevice#type()}): as the property says, else {@link #BLOCK} on "cpu". */
    public static FenceWait forDevice(String deviceType) {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) return deviceType.equals("cpu") ? BLOCK : HYBRID;
        try {
            return valueOf(v.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TandemException("-D" + PROPERTY + "=" + v + ": use block or hybrid");
        }
    }

    /**
     * Waits until {@code fence} is signalled or {@code timeoutNanos} have passed since {@code submittedAt}.
     *
     * @param lastNanos how long the same recording took from submit to signal last time, 0 when not known
     *                  (then this waits as {@link #BLOCK} does)
     * @return vkWaitForFences' result: VK_SUCCESS, VK_TIMEOUT or an error such as VK_ERROR_DEVICE_LOST
     */
    public int await(VkDevice device, long fence, long submittedAt, long lastNanos, long timeoutNanos) {
        if (this == BLOCK || lastNanos <= 0) return vkWaitForFences(device, fence, true, remaining(submittedAt, timeoutNanos));
        long sleep = (long) (lastNanos * SLEEP_SHARE) - (System.nanoTime() - submittedAt);
        if (sleep >= MIN_SLEEP_NANOS) {
            int r = vkWaitForFences(device, fence, true, sleep);
            if (r != VK_TIMEOUT) return r;
        }
        long pollUntil = submittedAt + lastNanos + Math.max(MIN_POLL_NANOS, lastNanos / 2);
        while (System.nanoTime() < pollUntil) {
            int r = vkGetFenceStatus(device, fence);
            if (r != VK_NOT_READY) return r;
            Thread.onSpinWait();
        }
        return vkWaitForFences(device, fence, true, remaining(submittedAt, timeoutNanos));
    }

    private static long remaining(long since, long timeoutNanos) {
        return Math.max(0, timeoutNanos - (System.nanoTime() - since));
    }
}
