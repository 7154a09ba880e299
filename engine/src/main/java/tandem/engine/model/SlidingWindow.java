package tandem.engine.model;

/**
 * Sliding-window attention on some layers: a query at position p attends to positions p' with
 * p - p' < size. As llama.cpp's swa pattern P, layer il is windowed when il % P < P - 1.
 */
public record SlidingWindow(int size, int pattern) {
    public SlidingWindow {
        if (size <= 0 || pattern <= 0) throw new IllegalArgumentException("sliding window " + size + " / pattern " + pattern);
    }

    public boolean appliesTo(int layer) { return layer % pattern < pattern - 1; }

    /** The window of a layer: its size, or 0 for full attention. */
    public static int of(SlidingWindow w, int layer) { return w != null && w.appliesTo(layer) ? w.size : 0; }
}
