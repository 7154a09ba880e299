package tandem.engine.tokenizer;

import java.util.Arrays;
import tandem.engine.api.TandemException;

/**
 * Token text to id, as an open-addressing hash table that can also look up a region of a char
 * array without allocating a String: the merge loops probe it millions of times per megabyte.
 * The hash is String.hashCode's polynomial, so both lookups agree.
 */
final class TokenIndex {
    private final String[] keys;
    /** The same keys as char arrays, for region comparisons the JIT vectorises. */
    private final char[][] keyChars;
    private final int[] ids;
    private final int mask;

    TokenIndex(String[] tokens) {
        int capacity = Integer.highestOneBit(Math.max(4, tokens.length * 2 - 1)) << 1;
        keys = new String[capacity];
        keyChars = new char[capacity][];
        ids = new int[capacity];
        mask = capacity - 1;
        for (int id = 0; id < tokens.length; id++) {
            int slot = slotFor(tokens[id], spread(tokens[id].hashCode()));
            if (keys[slot] != null) {
                throw new TandemException("tokenizer: token '" + tokens[id] + "' appears twice (ids " + ids[slot]
                        + " and " + id + "); the model's vocabulary is broken, re-convert it");
            }
            keys[slot] = tokens[id];
            keyChars[slot] = tokens[id].toCharArray();
            ids[slot] = id;
        }
    }

    /** The id of {@code text}, or -1. */
    int find(String text) {
        int slot = slotFor(text, spread(text.hashCode()));
        return keys[slot] == null ? -1 : ids[slot];
    }

    /** The id of {@code chars[from, from + length)}, or -1. */
    int find(char[] chars, int from, int length) {
        int h = 0;
        for (int i = from, end = from + length; i < end; i++) h = 31 * h + chars[i];
        for (int slot = spread(h) & mask; ; slot = (slot + 1) & mask) {
            char[] key = keyChars[slot];
            if (key == null) return -1;
            if (key.length == length && Arrays.equals(key, 0, length, chars, from, from + length)) return ids[slot];
        }
    }

    private int slotFor(String text, int hash) {
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (key == null || key.equals(text)) return slot;
        }
    }

    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        return h ^ (h >>> 13);
    }
}
