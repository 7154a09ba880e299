package tandem.engine.parallel;

/** A half-open range [start, end) of rows, columns, heads or layers one device holds. */
public record SliceRange(int start, int end) {
    public SliceRange {
        if (start < 0 || end < start) throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
    }

    public int size() { return end - start; }

    public boolean isEmpty() { return start == end; }

    public boolean contains(int index) { return index >= start && index < end; }

    @Override
    public String toString() { return "[" + start + ", " + end + ")"; }
}
