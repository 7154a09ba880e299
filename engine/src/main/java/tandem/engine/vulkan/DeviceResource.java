package tandem.engine.vulkan;

/**
 * Something a {@link VulkanDevice} must outlive (buffer, pipeline, query pool, command buffer).
 * Each has one owner that closes it; the device closes whatever is still open when it closes
 * itself (newest first), so an error path can never destroy the device under a live resource.
 */
public interface DeviceResource extends AutoCloseable {
    @Override
    void close();
}
