package tandem.engine.vulkan;

import java.util.List;
import tandem.engine.tensor.GgmlType;

/**
 * A weight matrix [rows x cols] on one device, stored in its GGUF block layout. A matrix larger
 * than the device's maxStorageBufferRange is held in several buffers of whole rows, each bound
 * and dispatched on its own.
 */
public record WeightTensor(String name, GgmlType type, int rows, int cols, List<Slice> slices) implements AutoCloseable {
    /** Rows [firstRow, firstRow + rows) of the matrix, in their own buffer. */
    public record Slice(GpuBuffer buffer, int firstRow, int rows) {}

    public WeightTensor {
        slices = List.copyOf(slices);
    }

    /** The shader variant suffix of this type, e.g. "q4_k". */


    public long bytes() { return slices.stream().mapToLong(s -> s.buffer().size()).sum(); }

    @Override
    public void close() {
        for (Slice s : slices) s.buffer().close();
    }
}
