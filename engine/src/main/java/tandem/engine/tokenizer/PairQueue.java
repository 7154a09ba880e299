package tandem.engine.tokenizer;

import java.util.Arrays;

/**
 * Binary min-heap of candidate merges of adjacent symbols, ordered by priority and then by the
 * left symbol's position (leftmost first, as the reference breaks ties). BPE uses the merge rank
 * as priority, SPM the negated piece score. Each entry carries a check value the caller uses to
 * tell whether the pair is still current when it is popped (entries are never removed early;
 * lazily skipping stale ones keeps every operation O(log n)).
 */
final class PairQueue {
    private double[] priority = new double[64];
    private int[] left = new int[64];
    private int[] right = new int[64];
    private long[] check = new long[64];
    private int size;

    // The popped entry, read through the accessors below.
    private double topPriority;
    private int topLeft;
    private int topRight;
    private long topCheck;

    void clear() { size = 0; }

    boolean isEmpty() { return size == 0; }

    void push(double p, int l, int r, long c) {
        if (size == priority.length) grow();
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(p, l, priority[parent], left[parent])) break;
            move(parent, i);
            i = parent;
        }
        set(i, p, l, r, c);
    }

    /** Removes the best entry; read it with {@link #poppedLeft()} etc. */
    void pop() {
        topPriority = priority[0];
        topLeft = left[0];
        topRight = right[0];
        topCheck = check[0];
        int last = --size;
        if (last == 0) return;
        double p = priority[last];
        int l = left[last], r = right[last];
        long c = check[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) break;
            if (child + 1 < last && less(priority[child + 1], left[child + 1], priority[child], left[child])) child++;
            if (!less(priority[child], left[child], p, l)) break;
            move(child, i);
            i = child;
        }
        set(i, p, l, r, c);
    }

    double poppedPriority() { return topPriority; }
    int poppedLeft() { return topLeft; }
    int poppedRight() { return topRight; }
    long poppedCheck() { return topCheck; }

    private static boolean less(double p1, int l1, double p2, int l2) {
        return p1 < p2 || (p1 == p2 && l1 < l2);
    }

    private void move(int from, int to) {
        set(to, priority[from], left[from], right[from], check[from]);
    }

    private void set(int i, double p, int l, int r, long c) {
        priority[i] = p;
        left[i] = l;
        right[i] = r;
        check[i] = c;
    }

    private void grow() {
        int n = priority.length * 2;
        priority = Arrays.copyOf(priority, n);
        left = Arrays.copyOf(left, n);
        right = Arrays.copyOf(right, n);
        check = Arrays.copyOf(check, n);
    }
}
