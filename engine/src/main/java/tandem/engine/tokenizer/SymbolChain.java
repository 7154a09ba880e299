package tandem.engine.tokenizer;

import java.util.Arrays;

/**
 * The doubly linked list of symbols that SPM and BPE merge pairwise. A symbol is a span of the
 * text being tokenized plus the token id it currently spells (BPE) or -1 (SPM looks ids up).
 * Merging moves the right symbol's span into the left one and unlinks the right one; a merged-away
 * symbol keeps length 0, which is how stale queue entries are recognised.
 */
final class SymbolChain {
    int[] start = new int[64];
    int[] length = new int[64];
    int[] prev = new int[64];
    int[] next = new int[64];
    int[] id = new int[64];
    int size;

    void clear() { size = 0; }

    /** Appends a symbol linked after the previous one. */
    void append(int spanStart, int spanLength, int tokenId) {
        if (size == start.length) grow();
        start[size] = spanStart;
        length[size] = spanLength;
        prev[size] = size - 1;
        next[size] = -1;
        id[size] = tokenId;
        if (size > 0) next[size - 1] = size;
        size++;
    }

    /** Moves {@code right} (which must follow {@code left}) into {@code left}. */
    void merge(int left, int right) {
        length[left] += length[right];
        length[right] = 0;
        next[left] = next[right];
        if (next[right] >= 0) prev[next[right]] = left;
    }

    private void grow() {
        int n = start.length * 2;
        start = Arrays.copyOf(start, n);
        length = Arrays.copyOf(length, n);
        prev = Arrays.copyOf(prev, n);
        next = Arrays.copyOf(next, n);
        id = Arrays.copyOf(id, n);
    }
}
