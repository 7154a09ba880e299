package tandem.engine.tokenizer;

import java.util.List;

/**
 * BPE merge ranks keyed by the two token ids they join, with the id each merge produces. Working
 * on ids instead of strings lets the merge loop run without building strings.
 */
final class MergeTable {
    private final LongIntMap rankByPair;
    private final int[] resultByRank;
    private final int unusable;

    /** @param merges "LEFT RIGHT" per rank, as in {@code tokenizer.ggml.merges} */
    MergeTable(List<String> merges, Vocabulary vocab) {
        rankByPair = new LongIntMap(merges.size());
        resultByRank = new int[merges.size()];
        int skipped = 0;
        char[] chars = new char[64];
        for (int rank = 0; rank < merges.size(); rank++) {
            String merge = merges.get(rank);
            int length = merge.length();
            if (chars.length < length) chars = new char[length * 2];
            merge.getChars(0, length, chars, 0);
            // Split at the first space after position 0, as llama.cpp does (a piece may start with a space).
            int split = merge.indexOf(' ', 1);
            int left = split < 0 ? -1 : vocab.find(chars, 0, split);
            int right = split < 0 ? -1 : vocab.find(chars, split + 1, length - split - 1);
            int result = -1;
            if (left >= 0 && right >= 0) {
                // The merged piece is the merge text without its separating space.
                System.arraycopy(chars, split + 1, chars, split, length - split - 1);
                result = vocab.find(chars, 0, length - 1);
            }
            if (result < 0) {
                resultByRank[rank] = -1;
                skipped++;
                continue;
            }
            resultByRank[rank] = result;
            rankByPair.putIfAbsent(pair(left, right), rank);
        }
        unusable = skipped;
    }

    /** The rank of merging {@code left} then {@code right}, or -1 when no merge joins them. */
    int rank(int left, int right) { return rankByPair.get(pair(left, right)); }

    int result(int rank) { return resultByRank[rank]; }

    /** Merges whose halves or result are not vocabulary pieces; they can never apply. */
    int unusable() { return unusable; }

    static long pair(int left, int right) { return ((long) left << 32) | (right & 0xFFFF_FFFFL); }
}
