package tandem.engine.parallel;

/**
 * The part of one tensor a device holds: {@code count} elements from {@code start} along the cut
 * axis — whole rows when {@code withinRows} is false, the same columns of every row when true.
 * A replicated or whole tensor is the slice of all its rows.
 */
public record TensorSlice(TensorLayout tensor, boolean withinRows, long start, long count) {
    public static TensorSlice whole(TensorLayout tensor) { return new TensorSlice(tensor, false, 0, tensor.rows()); }

    public boolean isEmpty() { return count == 0; }

    public long bytes() { return withinRows ? tensor.bytesOfColumns(count) : tensor.bytesOfRows(count); }
}
