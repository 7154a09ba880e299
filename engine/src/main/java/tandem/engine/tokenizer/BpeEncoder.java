package tandem.engine.tokenizer;

/**
 * Byte-level BPE as llama.cpp does it for {@code tokenizer.ggml.model = gpt2}: the pre-tokenizer
 * splits the text into words, each word's UTF-8 bytes become one vocabulary character each, and
 * the adjacent pair with the lowest merge rank is merged until no pair has a rank (leftmost first
 * on ties). A heap over candidate pairs makes each word O(n log n).
 */
final class BpeEncoder implements FragmentEncoder {
    private final Vocabulary vocab;
    private final PreTokenizer preTokenizer;
    private final MergeTable merges;
    private final int[] byteTokens = new int[256];

    BpeEncoder(Vocabulary vocab, PreTokenizer preTokenizer, MergeTable merges) {
        this.vocab = vocab;
        this.preTokenizer = preTokenizer;
        this.merges = merges;
        for (int b = 0; b < 256; b++) byteTokens[b] = vocab.find(String.valueOf(ByteLevel.charOf(b)));
    }

    @Override
    public void encode(String text, boolean startsSequence, IdList out) {
        Word word = new Word();
        preTokenizer.split(text, (start, end) -> encodeWord(text, start, end, word, out));
    }

    /** Scratch space reused across the words of one call (an encoder is shared between threads). */
    private static final class Word {
        byte[] bytes = new byte[64];
        char[] chars = new char[64];
        final int[] length = new int[1];
        final SymbolChain symbols = new SymbolChain();
        final PairQueue queue = new PairQueue();
    }

    private void encodeWord(String text, int start, int end, Word w, IdList out) {
        w.bytes = Utf8.encode(text, start, end, w.bytes, w.length);
        int n = w.length[0];
        if (w.chars.length < n) w.chars = new char[w.bytes.length];
        for (int i = 0; i < n; i++) w.chars[i] = ByteLevel.charOf(w.bytes[i]);

        if (preTokenizer.ignoresMerges()) {
            int whole = vocab.find(w.chars, 0, n);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }

        SymbolChain symbols = w.symbols;
        PairQueue queue = w.queue;
        symbols.clear();
        queue.clear();
        for (int i = 0; i < n; i++) symbols.append(i, 1, byteTokens[w.bytes[i] & 0xFF]);
        for (int i = 1; i < n; i++) offer(symbols, queue, i - 1, i);

        while (!queue.isEmpty()) {
            queue.pop();
            int left = queue.poppedLeft(), right = queue.poppedRight();
            if (symbols.length[left] == 0 || symbols.length[right] == 0) continue;
            // Stale: a side has since become a different piece.
            if (MergeTable.pair(symbols.id[left], symbols.id[right]) != queue.poppedCheck()) continue;
            symbols.merge(left, right);
            symbols.id[left] = merges.result((int) queue.poppedPriority());
            offer(symbols, queue, symbols.prev[left], left);
            offer(symbols, queue, left, symbols.next[left]);
        }

        for (int i = n == 0 ? -1 : 0; i != -1; i = symbols.next[i]) {
            // A symbol without an id is a byte the vocabulary cannot spell; llama.cpp drops it too.
            if (symbols.id[i] >= 0) out.add(symbols.id[i]);
        }
    }

    private void offer(SymbolChain symbols, PairQueue queue, int left, int right) {
        if (left < 0 || right < 0) return;
        int leftId = symbols.id[left], rightId = symbols.id[right];
        if (leftId < 0 || rightId < 0) return;
        int rank = merges.rank(leftId, rightId);
        if (rank >= 0) queue.push(rank, left, right, MergeTable.pair(leftId, rightId));
    }
}
