package tandem.engine.model;

import tandem.engine.gguf.TensorInfo;
import tandem.engine.tensor.GgmlType;

/**
 * One weight tensor as the split planner sees it: its name, its GGUF shape and type. ggml stores
 * a matrix as {@code rows} rows of {@code rowLength} elements (ne0 = row length = the input
 * features, ne1.. = the output features), each row a whole number of the type's blocks. A 3-D
 * expert tensor [input, output, expert] is {@code matrices} such matrices one after the other
 * ({@code rows} counts the rows of all of them).
 */
public record TensorLayout(String name, long rowLength, long rows, GgmlType type, long matrices) {
    public TensorLayout {
        if (rowLength <= 0 || rows <= 0 || rowLength % type.blockSize() != 0 || matrices <= 0 || rows % matrices != 0) {
            throw new IllegalArgumentException("tensor " + name + ": bad layout " + rowLength + "x" + rows + " of " + type);
        }
    }

    public TensorLayout(String name, long rowLength, long rows, GgmlType type) {
        this(name, rowLength, rows, type, 1);
    }

    public static TensorLayout of(TensorInfo info) {
        long[] dims = info.dims();
        return new TensorLayout(info.name(), info.rowLength(), info.rowCount(), info.type(), dims.length >= 3 ? dims[2] : 1);
    }

    public long rowBytes() { return type.byteSize(rowLength); }

    public long bytes() { return rows * rowBytes(); }

    /** Bytes of {@code count} whole rows (a split along the output features). */
    public long bytesOfRows(long count) { return count * rowBytes(); }
}
