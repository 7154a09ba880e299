package tandem.engine.vulkan;

/**
 * A binding: part of a buffer given to a shader. Ranges let one allocation hold several tensors
 * and let a tensor larger than {@code maxStorageBufferRange} be bound piece by piece.
 */
public record BufferRange(GpuBuffer buffer, long offset, long size) {
    public BufferRange {
        if (offset < 0 || size <= 0 || offset + size > buffer.size()) {
            throw new IllegalArgumentException("range [" + offset + ", +" + size + ") outside " + buffer.name()
                    + " of " + buffer.size() + " bytes");
        }
    }
}
