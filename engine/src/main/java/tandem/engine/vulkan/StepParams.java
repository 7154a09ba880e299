package tandem.engine.vulkan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The small host-written buffer that carries what changes between replays of a recorded step:
 * the cache position of its first token and the token ids (layout of shaders/step.glsl:
 * uint pos0, uint nTokens, uint ids[]).
 */
public final class StepParams implements AutoCloseable {
    private final GpuBuffer buffer;
    private final int maxTokens;

    public StepParams(VulkanDevice device, int maxTokens) {
        this.maxTokens = maxTokens;
        this.buffer = GpuBuffer.create(device, BufferKind.UPLOAD, 4L * (2 + maxTokens), "step parameters");
    }

    /** Writes the next step's parameters; call only while no submitted work reads them. */
    public void write(int pos0, int[] ids, int from, int count) {
        if (count > maxTokens) throw new IllegalArgumentException(count + " tokens exceed the step capacity " + maxTokens);
        MemorySegment m = buffer.mapped();
        m.set(ValueLayout.JAVA_INT, 0, pos0);
        m.set(ValueLayout.JAVA_INT, 4, count);
        MemorySegment.copy(ids, from, m, ValueLayout.JAVA_INT, 8, count);
        buffer.flush();
    }

    public BufferRange range() { return buffer.all(); }

    public int maxTokens() { return maxTokens; }

    @Override
    public void close() { buffer.close(); }
}
