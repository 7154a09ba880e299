package tandem.engine.tokenizer;

import java.util.Arrays;

/** Open-addressing map from long keys to non-negative int values; -1 means absent. */
final class LongIntMap {
    private static final long EMPTY = Long.MIN_VALUE;
    private final long[] keys;
    private final int[] values;
    private final int mask;

    LongIntMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
    }

    /** Stores the value unless the key is already present (first one wins). */
    void putIfAbsent(long key, int value) {
        int slot = slot(key);
        if (keys[slot] == EMPTY) {
            keys[slot] = key;
            values[slot] = value;
        }
    }

    int get(long key) {
        int slot = slot(key);
        return keys[slot] == EMPTY ? -1 : values[slot];
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        for (int slot = (int) (h ^ (h >>> 32)) & mask; ; slot = (slot + 1) & mask) {
            if (keys[slot] == EMPTY || keys[slot] == key) return slot;
        }
    }
}
