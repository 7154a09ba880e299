package tandem.engine.model;

import tandem.engine.tensor.GgmlType;

/**
 * The part of one tensor a device holds: {@code count} elements from {@code start} along the cut
 * axis — whole rows when {@code withinRows} is false, the same columns of every row when true.
 * A replicated or whole tensor is the slice of all its rows. With {@code eachMatrix} (experts'
 * gate/up) the rows are those from {@code start} of every matrix of a 3-D tensor.
 */
public record TensorSlice(TensorLayout tensor, boolean withinRows, long start, long count, boolean eachMatrix) {
    public TensorSlice(TensorLayout tensor, boolean withinRows, long start, long count) {
        this(tensor, withinRows, start, count, false);
    }

    public static TensorSlice whole(TensorLayout tensor) { return new TensorSlice(tensor, false, 0, tensor.rows()); }

    public boolean isEmpty() { return count == 0; }

    /**
     * The type the device holds this slice in: the file's, or F16 for columns that cut through the
     * file's quant blocks. A block mixes columns of two devices' heads or FFN columns, so no device
     * can hold it as it is; the planner cuts that finely only where whole blocks would leave a
     * device nothing to compute (a small model over several devices; the split planner).
     */
    public GgmlType storedType() {
        int block = tensor.type().blockSize();
        return withinRows && (start % block != 0 || count % block != 0) ? GgmlType.F16 : tensor.type();
    }

    /** True where the device holds this slice in another type than the file's (see {@link #storedType}). */
    public boolean reencoded() { return storedType() != tensor.type(); }

    public long bytes() {
        if (withinRows) return tensor.rows() * storedType().byteSize(count);
        return (eachMatrix ? tensor.matrices() : 1) * tensor.bytesOfRows(count);
    }
}
