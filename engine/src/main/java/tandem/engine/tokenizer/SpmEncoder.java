package tandem.engine.tokenizer;

import java.nio.CharBuffer;

/**
 * SentencePiece-style tokenization as llama.cpp does it for {@code tokenizer.ggml.model = llama}:
 * spaces become "▁" (with one prepended at the start of a sequence when the model says so), the
 * text is split into characters, and the adjacent pair whose concatenation is the highest-scoring
 * vocabulary piece is merged until no pair is a piece. Characters that never became a piece are
 * written as byte tokens ({@code <0xXX>}). A heap over candidate pairs makes this O(n log n).
 */
final class SpmEncoder implements FragmentEncoder {
    private static final char SPACE_MARK = '\u2581';

    private final Vocabulary vocab;
    private final boolean addSpacePrefix;
    private final int[] byteTokens = new int[256];
    private final CharPairSet pairsInPieces;

    SpmEncoder(Vocabulary vocab, boolean addSpacePrefix, int unknownId) {
        this.vocab = vocab;
        this.addSpacePrefix = addSpacePrefix;
        this.pairsInPieces = new CharPairSet(vocab);
        for (int b = 0; b < 256; b++) {
            int id = vocab.find(String.format("<0x%02X>", b));
            // Like llama.cpp: without a byte token, an ASCII byte may still be a one-character piece.
            if (id < 0 && b < 0x80) id = vocab.find(String.valueOf((char) b));
            byteTokens[b] = id >= 0 ? id : unknownId;
        }
    }

    @Override
    public void encode(String fragment, boolean startsSequence, IdList out) {
        String withPrefix = addSpacePrefix && startsSequence ? " " + fragment : fragment;
        char[] text = withPrefix.replace(' ', SPACE_MARK).toCharArray();
        SymbolChain symbols = new SymbolChain();
        PairQueue queue = new PairQueue();
        // Cut the text where no piece can span the cut: merges never cross it, so each part can be
        // merged on its own with the same result, and the heap stays small.
        int chunkStart = 0;
        for (int i = 1; i < text.length; i++) {
            if (Character.isLowSurrogate(text[i]) && Character.isHighSurrogate(text[i - 1])) continue;
            if (!pairsInPieces.contains(text[i - 1], text[i])) {
                mergeChunk(text, chunkStart, i, symbols, queue, out);
                chunkStart = i;
            }
        }
        if (chunkStart < text.length) mergeChunk(text, chunkStart, text.length, symbols, queue, out);
    }

    private void mergeChunk(char[] text, int from, int to, SymbolChain symbols, PairQueue queue, IdList out) {
        symbols.clear();
        queue.clear();
        for (int i = from; i < to; ) {
            int n = Character.isHighSurrogate(text[i]) && i + 1 < to ? 2 : 1;
            symbols.append(i, n, -1);
            i += n;
        }
        for (int i = 1; i < symbols.size; i++) offer(text, symbols, queue, i - 1, i);

        while (!queue.isEmpty()) {
            queue.pop();
            int left = queue.poppedLeft(), right = queue.poppedRight();
            int leftLength = symbols.length[left], rightLength = symbols.length[right];
            // Stale: one side was merged into something else since the pair was queued.
            if (leftLength == 0 || rightLength == 0 || leftLength + rightLength != queue.poppedCheck()) continue;
            symbols.merge(left, right);
            offer(text, symbols, queue, symbols.prev[left], left);
            offer(text, symbols, queue, left, symbols.next[left]);
        }

        // A surviving symbol is a piece, or a single character that never formed one. (llama.cpp also
        // keeps a map from merged text back to its two halves, but a merged symbol is always a piece,
        // so that path never runs.)
        byte[] scratch = new byte[16];
        int[] byteCount = new int[1];
        for (int i = symbols.size == 0 ? -1 : 0; i != -1; i = symbols.next[i]) {
            int id = vocab.find(text, symbols.start[i], symbols.length[i]);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            int start = symbols.start[i];
            scratch = Utf8.encode(CharBuffer.wrap(text), start, start + symbols.length[i], scratch, byteCount);
            for (int b = 0; b < byteCount[0]; b++) {
                int byteId = byteTokens[scratch[b] & 0xFF];
                if (byteId >= 0) out.add(byteId);
            }
        }
    }

    private void offer(char[] text, SymbolChain symbols, PairQueue queue, int left, int right) {
        if (left < 0 || right < 0) return;
        int length = symbols.length[left] + symbols.length[right];
        int id = vocab.find(text, symbols.start[left], length);
        if (id < 0) return;
        queue.push(-vocab.score(id), left, right, length);
    }
}
