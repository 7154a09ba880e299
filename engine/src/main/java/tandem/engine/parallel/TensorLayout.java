package tandem.engine.parallel;

/**
 * One weight tensor as the split planner sees it: its name, its GGUF shape and how its type packs
 * elements into blocks. ggml stores a matrix as {@code rows} rows of {@code rowLength} elements
 * (ne0 = row length = the input features, ne1.. = the output features), each row a whole number of
 * blocks of {@code blockSize} elements taking {@code typeSize} bytes.
 *
 * @param typeName the ggml type's name, for notes ("Q4_K")
 */
public record TensorLayout(String name, long rowLength, long rows, int blockSize, int typeSize, String typeName) {
    public TensorLayout {
        if (rowLength <= 0 || rows <= 0 || blockSize <= 0 || typeSize <= 0 || rowLength % blockSize != 0) {
            throw new IllegalArgumentException("tensor " + name + ": bad layout " + rowLength + "x" + rows
                    + " with blocks of " + blockSize + " elements / " + typeSize + " bytes");
        }
    }

    public long rowBytes() { return rowLength / blockSize * typeSize; }

    public long bytes() { return rows * rowBytes(); }

    /** Bytes of {@code count} whole rows (a split along the output features). */
    public long bytesOfRows(long count) { return count * rowBytes(); }

    /**
     * Bytes of {@code count} leading elements of every row (a split along the input features);
     * {@code count} must be a whole number of blocks.
     */
    public long bytesOfColumns(long count) {
        if (count % blockSize != 0) {
            throw new IllegalArgumentException("tensor " + name + ": " + count + " columns is not a whole number of "
                    + blockSize + "-element blocks");
        }
        return rows * (count / blockSize) * typeSize;
    }
}
