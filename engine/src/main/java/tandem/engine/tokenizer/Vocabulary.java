package tandem.engine.tokenizer;

/**
 * The token table of a model: text, score and attribute bits per id, and the reverse index.
 * Attribute bits may still be adjusted by the builder (llama.cpp's text-based fix-ups) before the
 * tokenizer is handed out; after that the table is only read.
 */
public final class Vocabulary {
    private final String[] texts;
    private final float[] scores;
    private final int[] attrs;
    private final TokenIndex index;

    /**
     * @param texts  token texts by id (an empty text becomes "[EMPTY_id]", as llama.cpp does)
     * @param scores per-token scores (SPM merge priorities), or null for all zero
     * @param attrs  {@link TokenAttr} bits per token, or null for all NORMAL
     */
    public Vocabulary(String[] texts, float[] scores, int[] attrs) {
        int n = texts.length;
        this.texts = texts.clone();
        for (int i = 0; i < n; i++) {
            if (this.texts[i].isEmpty()) this.texts[i] = "[EMPTY_" + i + "]";
        }
        this.scores = scores != null ? scores.clone() : new float[n];
        this.attrs = attrs != null ? attrs.clone() : filled(n, TokenAttr.NORMAL);
        if (this.scores.length < n || this.attrs.length < n) {
            throw new IllegalArgumentException("scores/attrs shorter than the token list");
        }
        this.index = new TokenIndex(this.texts);
    }

    public int size() { return texts.length; }

    public String text(int id) { return texts[id]; }

    public float score(int id) { return scores[id]; }

    public int attrs(int id) { return attrs[id]; }

    public boolean hasAttr(int id, int bits) { return (attrs[id] & bits) != 0; }

    /** The id whose text is exactly {@code text}, or -1. */
    public int find(String text) { return index.find(text); }

    int find(char[] chars, int from, int length) { return index.find(chars, from, length); }

    boolean contains(int id) { return id >= 0 && id < texts.length; }

    void setAttr(int id, int bits, boolean on) {
        attrs[id] = on ? attrs[id] | bits : attrs[id] & ~bits;
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
