package tandem.engine.parallel;

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

    public long bytes() {
        if (withinRows) return tensor.bytesOfColumns(count);
        return (eachMatrix ? tensor.matrices() : 1) * tensor.bytesOfRows(count);
    }
}
